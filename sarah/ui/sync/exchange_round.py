"""One round of the dossier d'échange (no Qt here; run off the GUI thread).

The exchange folder is a network share or a USB key that goes between sites. Each installation
keeps one package there under a name of its own (``SARAH-<site>-<id>.sarahsync``, replaced
atomically), and imports the others' packages. A file version (name, mtime, size) is imported
once: the versions seen and the clock of the last package written are remembered in a small
file of the config folder, so a restart neither imports the same files again nor rewrites an
unchanged package.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine, select

from sarah import paths, schema
from sarah.db import read_connection
from sarah.errors import UserError
from sarah.exports.files import write_text_atomically
from sarah.services.sync.export import ExportResult, export_package
from sarah.ui.sync.tasks import PACKAGE_SUFFIX, PackageOutcome, import_one, safe_file_part

FileVersion = tuple[str, int, int]  # name, mtime in ns, size
INSTALLATION_ID_CHARS = 8


class FolderUnreachable(UserError):
    """The exchange folder cannot be read or written now (network down, USB key out)."""


@dataclass
class ExchangeState:
    seen: set[FileVersion] = field(default_factory=set)
    exported_clock: int | None = None

    @classmethod
    def load(cls, path: Path) -> ExchangeState:
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
            seen = {(str(n), int(m), int(s)) for n, m, s in raw.get("seen", [])}
            clock = raw.get("exported_clock")
            return cls(seen, int(clock) if clock is not None else None)
        except (OSError, ValueError, TypeError, AttributeError):
            return cls()  # lost or damaged: at worst packages are read again (changing nothing)

    def save(self, path: Path) -> None:
        data = {"seen": sorted(self.seen), "exported_clock": self.exported_clock}
        with contextlib.suppress(OSError, UserError):  # remembering is a saving, not a duty
            write_text_atomically(path, json.dumps(data, ensure_ascii=False))


@dataclass(frozen=True)
class RoundReport:
    received: list[PackageOutcome]
    exported: ExportResult | None

    @property
    def changed(self) -> bool:
        """True when a received package changed the data (the screens must read it again)."""
        return any(o.result is not None and o.result.changed for o in self.received)


def installation_clock(engine: Engine) -> tuple[str, int]:
    """This installation's id and Lamport clock (it moves with every change made or merged)."""
    with read_connection(engine) as conn:
        row = conn.execute(select(schema.installation.c.id, schema.installation.c.clock)).one()
    return str(row[0]), int(row[1])


def state_file(installation_id: str) -> Path:
    return paths.config_dir() / f"echange-{installation_id[:INSTALLATION_ID_CHARS]}.json"


def own_file_name(sender: str, installation_id: str) -> str:
    short = installation_id.replace("-", "")[:INSTALLATION_ID_CHARS]
    return f"SARAH-{safe_file_part(sender)}-{short}{PACKAGE_SUFFIX}"


def new_packages(
    folder: Path, own: str, seen: set[FileVersion]
) -> Iterator[tuple[Path, FileVersion]]:
    """The other installations' package versions not imported yet, oldest first. Files being
    written (``.<name>.partiel``) and hidden files are not packages yet."""
    found = []
    with os.scandir(folder) as entries:
        for entry in entries:
            if entry.name == own or entry.name.startswith(".") or not entry.is_file():
                continue
            if not entry.name.endswith(PACKAGE_SUFFIX):
                continue
            info = entry.stat()
            version = (entry.name, info.st_mtime_ns, info.st_size)
            if version not in seen:
                found.append((info.st_mtime_ns, Path(entry.path), version))
    for _mtime, path, version in sorted(found):
        yield path, version


def exchange_round(
    engine: Engine, folder: Path, sender: str, *, receive: bool = True, send: bool = True
) -> RoundReport:
    """Import the others' new packages, then write this installation's package if the data
    changed since the last one (received rows included: packages relay)."""
    me, _clock = installation_clock(engine)
    state_path = state_file(me)
    state = ExchangeState.load(state_path)
    own = own_file_name(sender, me)
    try:
        if not folder.is_dir():
            raise FileNotFoundError(str(folder))
        received = _receive(engine, folder, own, state) if receive else []
        exported = _send(engine, folder / own, sender, state) if send else None
    except OSError as exc:
        raise FolderUnreachable(
            f"dossier d'échange {folder} injoignable ({exc.strerror or 'absent'})"
        ) from exc
    finally:
        state.save(state_path)
    return RoundReport(received, exported)


def _receive(engine: Engine, folder: Path, own: str, state: ExchangeState) -> list[PackageOutcome]:
    received = []
    for path, version in list(new_packages(folder, own, state.seen)):
        received.append(import_one(engine, path, dry_run=False))
        state.seen.add(version)  # a refused version too: it is not tried again until it changes
    return received


def _send(engine: Engine, target: Path, sender: str, state: ExchangeState) -> ExportResult | None:
    _me, clock = installation_clock(engine)
    if clock == state.exported_clock and target.exists():
        return None  # nothing changed since the package there was written
    result = export_package(engine, target, name=sender)
    state.exported_clock = clock
    return result
