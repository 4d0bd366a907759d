"""Every path the program uses, in one place.

Defaults come from platformdirs; ``--basedir`` (or ``SARAH_BASEDIR``) moves all of them under one
folder, which the tests use to point everything at a temporary directory.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from platformdirs import PlatformDirs

APP_NAME = "SARAH"
APP_AUTHOR = "PointsRelais"

_basedir: Path | None = None


def set_basedir(path: str | os.PathLike[str] | None) -> None:
    """Put data, config, logs and backups under ``path`` (None: back to the platform defaults)."""
    global _basedir
    _basedir = Path(path).resolve() if path else None


def _base() -> Path | None:
    if _basedir is not None:
        return _basedir
    env = os.environ.get("SARAH_BASEDIR")
    return Path(env).resolve() if env else None


def _dirs() -> PlatformDirs:
    return PlatformDirs(APP_NAME, APP_AUTHOR)


def _ensure(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path


def data_dir() -> Path:
    base = _base()
    return _ensure(base / "data" if base else Path(_dirs().user_data_dir))


def config_dir() -> Path:
    base = _base()
    return _ensure(base / "config" if base else Path(_dirs().user_config_dir))


def log_dir() -> Path:
    base = _base()
    return _ensure(base / "logs" if base else Path(_dirs().user_log_dir))


def default_backup_dir() -> Path:
    return _ensure(data_dir() / "sauvegardes")


def default_database() -> Path:
    return data_dir() / "sarah.sqlite"


def settings_file() -> Path:
    return config_dir() / "settings.json"


def bundle_dir() -> Path | None:
    """The frozen build's folder of files (PyInstaller's ``sys._MEIPASS``), None when not frozen."""
    frozen = getattr(sys, "_MEIPASS", None)
    return Path(frozen) if frozen else None


def migrations_dir() -> Path:
    """Alembic's scripts, inside the package: an installed wheel or a frozen build migrates."""
    bundle = bundle_dir()
    if bundle is not None:
        return bundle / "sarah" / "migrations"
    return Path(__file__).resolve().parent / "migrations"


def icon_file() -> Path | None:
    """SARAH's mark (packaging/sarah.png): in the frozen build, or beside the package in a source
    checkout; None where neither has it (a wheel carries no icon)."""
    bundle = bundle_dir()
    root = bundle if bundle is not None else Path(__file__).resolve().parent.parent
    icon = root / "packaging" / "sarah.png"
    return icon if icon.is_file() else None
