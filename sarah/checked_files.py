"""Which database files a full check found sound, and in what state: one check per change.

SQLite's ``quick_check`` reads the whole file (a third of a second for 200,000 contacts, a
second for a million). Every command used to pay it; now a command skips it when the file is
exactly as it was when a check last found it sound: same size and modification time, for the
file and for its -wal (an empty -wal is no -wal). Any write, a copy over it or damage by another program changes that
state, and the file is checked again; so is a file last checked more than a day ago.

A state is remembered only when the file has been left alone for a few seconds: file times
have a coarse clock (a few milliseconds), and a change made in the same tick as the check could
otherwise go unseen. So a file that is being written is checked at every command, as before.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from sarah import paths

QUIET_SECONDS = 3.0
RECHECK_SECONDS = 24 * 3600
MAX_ENTRIES = 32
MAX_STORE_BYTES = 64 * 1024


def _store() -> Path:
    return paths.data_dir() / "verifications.json"


def file_state(path: Path) -> list[int] | None:
    """Size and modification time of the file and its -wal; None when it cannot be read."""
    try:
        main = path.stat()
    except OSError:
        return None
    state = [main.st_size, main.st_mtime_ns]
    wal = path.with_name(path.name + "-wal")
    try:
        side = wal.stat()
    except FileNotFoundError:
        return [*state, -1, -1]
    except OSError:
        return None
    # An empty -wal holds no page: the content is the main file's alone. Another program that
    # only read the file (a read-only connection cannot remove it) leaves one behind.
    return [*state, -1, -1] if side.st_size == 0 else [*state, side.st_size, side.st_mtime_ns]


def _load() -> dict[str, dict[str, object]]:
    store = _store()
    try:
        if store.stat().st_size > MAX_STORE_BYTES:
            return {}
        data = json.loads(store.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def known_sound(path: Path) -> bool:
    """Whether a check found ``path`` sound in exactly its present state, less than a day ago."""
    entry = _load().get(str(path.resolve()))
    if not isinstance(entry, dict):
        return False
    checked_at = entry.get("checked_at")
    if (
        not isinstance(checked_at, int | float)
        or not 0 <= time.time() - checked_at < RECHECK_SECONDS
    ):
        return False
    state = file_state(path)
    return state is not None and entry.get("state") == state


def remember_sound(path: Path, state: list[int] | None) -> None:
    """Note that ``path`` was found sound in ``state`` (taken before the check began).

    Skipped when the file changed in the last few seconds (see the module's note). Failing to
    write the note only costs a check next time, so errors are ignored.
    """
    if state is None:
        return
    now = time.time()
    newest = max(state[1], state[3]) / 1e9
    if now - newest < QUIET_SECONDS:
        return
    entries = _load()
    entries[str(path.resolve())] = {"state": state, "checked_at": now}
    kept = dict(
        sorted(entries.items(), key=lambda kv: -float(kv[1].get("checked_at", 0)))[:MAX_ENTRIES]  # type: ignore[arg-type]
    )
    store = _store()
    tmp = store.with_name(store.name + ".tmp")
    try:
        tmp.write_text(json.dumps(kept), encoding="utf-8")
        os.replace(tmp, store)
    except OSError:
        tmp.unlink(missing_ok=True)
