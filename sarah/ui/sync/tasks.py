"""The work behind the Synchroniser dialog, run off the GUI thread (no Qt here).

Export to a chosen folder under a clear name, preview and import of packages one after the
other. Each package is merged in one transaction by the service: a cancel takes effect between
two packages, never inside one (the generator only yields between them).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Generator, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import Engine

from sarah.services.sync.export import ExportResult, export_package
from sarah.services.sync.receive import ImportResult, import_package

PACKAGE_SUFFIX = ".sarahsync"
# Characters no file system of a USB key or a Windows share accepts in a name.
UNSAFE_CHARS = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]+')
MAX_NAME_PART = 60

Progress = tuple[int, int, str]


def safe_file_part(name: str) -> str:
    """``name`` usable in a file name anywhere: accents kept, separators and reserved
    characters turned into dashes, no trailing dot or space (Windows drops them)."""
    text = unicodedata.normalize("NFC", name)
    text = UNSAFE_CHARS.sub("-", text)
    text = re.sub(r"\s+", "-", text.strip())
    text = re.sub(r"-{2,}", "-", text).strip("-. ")
    return text[:MAX_NAME_PART].rstrip("-. ") or "site"


def package_file_name(sender: str, day: date) -> str:
    """``SARAH-Grésilles-2026-12-01.sarahsync``."""
    return f"SARAH-{safe_file_part(sender)}-{day.isoformat()}{PACKAGE_SUFFIX}"


def export_to_folder(engine: Engine, folder: Path, sender: str, day: date) -> ExportResult:
    """This installation's package in ``folder`` (a USB key), replaced atomically."""
    return export_package(engine, folder / package_file_name(sender, day), name=sender)


@dataclass(frozen=True)
class PackageOutcome:
    """One package of a preview or an import: its result, or why it was refused."""

    path: Path
    result: ImportResult | None = None
    error: BaseException | None = None

    @property
    def refused(self) -> bool:
        return self.result is None


def preview_packages(
    engine: Engine, paths: Sequence[Path]
) -> Generator[Progress, None, list[PackageOutcome]]:
    """What each package would bring (a dry run: nothing is written)."""
    outcomes: list[PackageOutcome] = []
    for number, path in enumerate(paths):
        yield number, len(paths), f"Lecture de {path.name}…"
        outcomes.append(import_one(engine, path, dry_run=True))
    return outcomes


def import_packages(
    engine: Engine, paths: Sequence[Path], done: list[PackageOutcome]
) -> Generator[Progress, None, list[PackageOutcome]]:
    """Merge the packages in turn. Each outcome is appended to ``done`` as soon as known: after
    a cancel (the worker then reports no result) the dialog still says what was imported."""
    for number, path in enumerate(paths):
        yield number, len(paths), f"Import de {path.name} ({number + 1} sur {len(paths)})…"
        done.append(import_one(engine, path, dry_run=False))
    yield len(paths), len(paths), "Import terminé."
    return list(done)


def import_one(engine: Engine, path: Path, *, dry_run: bool) -> PackageOutcome:
    """A refused package (another network, damaged...) does not stop the others; a bug is
    kept too, for the window to report it with the others."""
    try:
        return PackageOutcome(path, import_package(engine, path, dry_run=dry_run))
    except Exception as exc:  # the window sorts it through failure_text (a bug: crash dialog)
        return PackageOutcome(path, error=exc)
