"""What is said about backups: their age, their size, the « État » of one, the state of the folder."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sarah.services.backups.listing import (
    folder_usage,
    list_backups,
)
from sarah.services.backups.record import (
    BackupInfo,
    folder_reachable,
)
from sarah.services.backups.rotation import (
    KEEP_ALL_HOURS,
    size_limit,
)
from sarah.settings import load_settings


def describe_age(age: timedelta) -> str:
    """'à l'instant', 'il y a 12 min', 'il y a 3 h', 'il y a 2 jours': the one wording of a
    backup's age, used by the status bar and the Sauvegardes screen alike."""
    seconds = max(0, int(age.total_seconds()))
    if seconds < 60:
        return "à l'instant"
    minutes = seconds // 60
    if minutes < 60:
        return f"il y a {minutes} min"
    hours = minutes // 60
    if hours < 48:
        return f"il y a {hours} h"
    days = hours // 24
    return f"il y a {days} jours"


def human_size(size: int) -> str:
    value = float(size)
    for unit in ("octets", "Ko", "Mo", "Go"):
        if value < 1024 or unit == "Go":
            text = f"{value:.0f}" if unit == "octets" else f"{value:.1f}".replace(".", ",")
            return f"{text} {unit}"
        value /= 1024
    raise AssertionError("unreachable")


def state_text(b: BackupInfo, now: datetime | None = None) -> str:
    """The « État » of a backup, in the list of the screen and of ``sarah backup list``."""
    now = now or datetime.now()
    if not b.has_manifest:
        text = "NON vérifiée (pas de manifeste)"
    elif b.problem:
        text = f"ABÎMÉE ({b.problem})"
    elif not b.verified:
        text = "NON vérifiée"
    else:
        text = f"vérifiée le {(b.checked_at or b.created_at):%d/%m/%Y %H:%M}"
    if b.is_future(now):
        text += ", datée dans le futur"
    return text


@dataclass(frozen=True)
class BackupState:
    """What the status bar and the Sauvegardes screen say about backups."""

    folder: Path
    reachable: bool
    last_verified: BackupInfo | None  # newest verified backup with a believable date
    now: datetime
    warning_hours: int = 24
    future: tuple[BackupInfo, ...] = ()  # verified backups dated in the future
    total_size: int = 0  # backup files and manifests in the folder
    limit: int = 0  # the size rotation keeps the folder under

    @property
    def age(self) -> timedelta | None:
        return None if self.last_verified is None else self.now - self.last_verified.created_at

    @property
    def clock_notice(self) -> str | None:
        """The PC clock was (or is) wrong: said while the newest such backup is recent."""
        recent = [
            b
            for b in self.future
            if b.future_seen_at is None
            or self.now - b.future_seen_at <= timedelta(hours=KEEP_ALL_HOURS)
        ]
        if not recent and (self.last_verified is not None or not self.future):
            return None
        latest = max(b.created_at for b in self.future)
        n = len(self.future)
        what = "sauvegarde est datée" if n == 1 else f"{n} sauvegardes sont datées"
        return (
            f"{'une ' if n == 1 else ''}{what} du {latest:%d/%m/%Y à %H:%M}, dans le futur : "
            f"l'horloge de ce PC (qui indique maintenant le {self.now:%d/%m/%Y à %H:%M}) est ou a été "
            "fausse. Vérifiez la date et l'heure de Windows."
        )

    @property
    def warning(self) -> bool:
        age = self.age
        return (
            not self.reachable
            or age is None
            or age > timedelta(hours=self.warning_hours)
            or self.clock_notice is not None
        )

    @property
    def message(self) -> str:
        if self.last_verified is None:
            text = "Aucune sauvegarde vérifiée"
        else:
            text = f"Dernière sauvegarde vérifiée : {describe_age(self.age or timedelta())}"
        if not self.reachable:
            text += f" — dossier de sauvegarde inaccessible ({self.folder})"
        elif self.clock_notice is not None:
            latest = max(b.created_at for b in self.future)
            text += f" — une sauvegarde est datée du {latest:%d/%m/%Y}, dans le futur : vérifiez l'horloge du PC"
        elif self.warning:
            text += " — faites une sauvegarde"
        return text

    @property
    def size_text(self) -> str:
        """« 264,0 Mo sur 1,0 Go au plus »: shown on the screen and by ``sarah backup list``."""
        return f"{human_size(self.total_size)} sur {human_size(self.limit)} au plus"


def backup_state(
    folder: Path | None = None, *, now: datetime | None = None, warning_hours: int | None = None
) -> BackupState:
    settings = load_settings()
    folder = Path(folder) if folder else settings.backup_path()
    now = now or datetime.now()
    backups = list_backups(folder, now=now)
    verified = [b for b in backups if b.verified]
    return BackupState(
        folder=folder,
        reachable=folder_reachable(folder),
        last_verified=next((b for b in verified if not b.is_future(now)), None),
        now=now,
        warning_hours=warning_hours if warning_hours is not None else settings.backup_warning_hours,
        future=tuple(b for b in verified if b.is_future(now)),
        total_size=folder_usage(folder) if folder.is_dir() else 0,
        limit=size_limit(backups, settings.backup_folder_limit_mb),
    )
