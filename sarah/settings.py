"""Per-installation settings, stored as JSON in the user's config folder."""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

from sarah import paths

YOUNG_AGE_LIMIT = 26  # Mission Locale's age limit: "jeune" means strictly younger than this


@dataclass
class Settings:
    home_site: str | None = None
    agent_name: str | None = None
    database: str | None = None  # None: paths.default_database()
    backup_dir: str | None = None  # None: paths.default_backup_dir()
    young_age_limit: int = YOUNG_AGE_LIMIT
    backup_interval_minutes: int = 30
    backup_warning_hours: int = 24
    # Size the backup folder is kept under by rotation, in Mo; None: ten times the newest
    # backup, at least 1 Go. The newest verified backup is kept whatever its size.
    backup_folder_limit_mb: int | None = None
    closed_days: list[str] = field(default_factory=list)  # ISO dates marked "jour de fermeture"
    # Sync (docs/guide-synchronisation.md): the folder packages go through between sites (a
    # network share or a USB key); None: no automatic exchange.
    exchange_dir: str | None = None
    # A coordination installation has no desk of its own: it sends as "Coordination" and
    # watches every site of the network for silence.
    coordination: bool = False
    silent_days: int = 14  # the Réseau view warns of a site silent for longer than this
    # The window locks after this long without a key or the mouse (0: only at Ctrl+L).
    lock_minutes: int = 10
    # RGPD (docs/rgpd.md): a person whose last contact is older than this has their identity
    # erased; audit entries older than ``audit_months`` are purged (the CNIL's 6 to 12 months).
    retention_months: int = 24
    audit_months: int = 12

    def backup_path(self) -> Path:
        return Path(self.backup_dir) if self.backup_dir else paths.default_backup_dir()


def load_settings(path: Path | None = None) -> Settings:
    path = path or paths.settings_file()
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return Settings()
    except (OSError, ValueError):
        # A damaged settings file must not stop the desk: start from defaults.
        return Settings()
    if not isinstance(raw, dict):
        return Settings()
    # Keys of older or newer versions are dropped; a value of the wrong type (edited by hand)
    # falls back to its default rather than stopping the desk.
    defaults = Settings()
    values = {}
    for f in fields(Settings):
        if f.name in raw and _same_kind(raw[f.name], getattr(defaults, f.name), f.type):
            values[f.name] = raw[f.name]
    return Settings(**values)


def _same_kind(value: object, default: object, annotation: object) -> bool:
    """A value fits a field when it is of its default's type, or None where None is allowed."""
    if value is None:
        return "None" in str(annotation)
    if isinstance(default, bool) or isinstance(value, bool):
        return isinstance(value, bool) and (default is None or isinstance(default, bool))
    if default is None:  # str | None, int | None
        return isinstance(value, str if "str" in str(annotation) else int)
    return isinstance(value, type(default))


def save_settings(settings: Settings, path: Path | None = None) -> None:
    """Write atomically: a crash mid-write leaves the previous file."""
    path = path or paths.settings_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".settings-", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(asdict(settings), fh, ensure_ascii=False, indent=2)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
