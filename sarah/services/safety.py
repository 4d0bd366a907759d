"""Where the live database may live: a local disk only (SQLite's own advice)."""

from __future__ import annotations

from pathlib import Path, PureWindowsPath

from sarah.errors import UserError

CLOUD_FOLDER_MARKERS = (
    "onedrive",
    "dropbox",
    "google drive",
    "googledrive",
    "mon drive",
    "my drive",
    "icloud",
)

NETWORK_ADVICE = (
    "Une base SARAH partagée entre plusieurs postes doit être un serveur PostgreSQL "
    "(option --db postgresql://…), pas un fichier sur un dossier partagé."
)


def unsafe_location_reason(path: Path) -> str | None:
    """Why ``path`` is no place for the live database, or None when it is a local folder."""
    text = str(path)
    if text.startswith("\\\\") or text.startswith("//"):
        return "le fichier est sur un partage réseau"
    lowered = text.lower()
    for marker in CLOUD_FOLDER_MARKERS:
        if any(
            part.lower() == marker or part.lower().startswith(marker + " -")
            for part in Path(text).parts
        ) or (marker in PureWindowsPath(lowered).parts):
            return "le fichier est dans un dossier synchronisé avec un service en ligne"
    return None


def refuse_unsafe_location(path: Path) -> None:
    reason = unsafe_location_reason(path)
    if reason:
        raise UserError(
            f"SARAH refuse d'ouvrir la base {path} : {reason}. Une base SQLite peut y être "
            f"abîmée ou perdre des saisies (verrous et écritures non fiables). Placez-la sur un "
            f"disque local ; les sauvegardes, elles, peuvent aller sur un partage ou une clé. "
            + NETWORK_ADVICE
        )
