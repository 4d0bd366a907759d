"""Backups in the window: status-bar state, Sauvegardes screen, automatic backups, damaged file."""
