"""The closed vocabulary of audited actions, with the French words the log shows."""

from __future__ import annotations

ACTION_LABELS: dict[str, str] = {
    "login": "connexion",
    "login_failed": "connexion refusée",
    "export_named": "export nominatif",
    "drilldown_named": "consultation de noms (détail d'un chiffre)",
    "merge": "fusion de fiches",
    "unmerge": "annulation de fusion",
    "delete_contact": "suppression de contact",
    "import": "import de contacts",
    "sync_export": "synchronisation : envoi",
    "sync_import": "synchronisation : réception",
    "restore": "restauration de sauvegarde",
    "purge": "purge du journal",
    "export_audit": "export du journal",
    "erase": "effacement d'identité",
    "retention_purge": "purge de conservation (identités effacées)",
    "backups_replaced": "sauvegardes remplacées après effacement",
    "settings": "modification des réglages",
    "account": "modification de compte",
    "period_close": "clôture de période (chiffres publiés)",
    "period_reopen": "réouverture de période clôturée",
}

ACTIONS: tuple[str, ...] = tuple(ACTION_LABELS)


def action_label(action: str) -> str:
    """The French words for ``action``; an unknown word (an entry typed by hand) as is."""
    return ACTION_LABELS.get(action, action)
