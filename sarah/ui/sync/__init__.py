"""Sync in the window: Synchroniser dialog, Réseau screen, dossier d'échange."""
