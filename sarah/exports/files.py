"""Writing export files safely: all of the file or none of it.

The content goes to a temporary name in the destination folder, is flushed to the disk
(fsync), then renamed over the destination in one step (``os.replace``). A full disk, a
missing folder or a file held open by another program gives a French message and leaves the
previous file (if any) untouched, with no half-written file next to it.
"""

from __future__ import annotations

import contextlib
import errno
import io
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import IO, TYPE_CHECKING

from sarah.errors import DiskFull, InvalidInput, UserError

if TYPE_CHECKING:
    from openpyxl import Workbook


def _fsync_folder(folder: Path) -> None:
    """Make the rename itself durable (POSIX; Windows has no directory handles to sync)."""
    if os.name != "posix":
        return
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _user_error(exc: OSError, path: Path) -> UserError:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return DiskFull(
            f"Le disque est plein : le fichier {path.name} n'a pas été écrit "
            f"(aucun fichier incomplet n'a été laissé dans {path.parent}). "
            "Libérez de la place ou choisissez un autre dossier, puis recommencez."
        )
    if isinstance(exc, PermissionError):
        return UserError(
            f"Impossible d'écrire {path} : accès refusé. Le fichier est peut-être ouvert dans "
            "un autre programme (Excel ?) : fermez-le, ou choisissez un autre nom ou dossier."
        )
    if exc.errno == errno.EROFS:
        return UserError(f"Impossible d'écrire {path} : le support est en lecture seule.")
    return UserError(f"Impossible d'écrire {path} : {exc.strerror or exc}.")


def write_atomically(path: str | os.PathLike[str], write: Callable[[IO[bytes]], object]) -> Path:
    """Call ``write(file)`` on a temporary file, then put it in place of ``path`` in one step."""
    target = Path(path).expanduser()
    folder = target.parent if str(target.parent) else Path(".")
    if target.is_dir():
        raise InvalidInput(f"{target} est un dossier : donnez un nom de fichier.")
    if not folder.is_dir():
        raise InvalidInput(f"Le dossier {folder} n'existe pas : le fichier n'a pas été écrit.")
    tmp: str | None = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".partiel", dir=folder)
        with os.fdopen(fd, "wb") as fh:
            write(fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
        tmp = None
        _fsync_folder(folder)
    except OSError as exc:
        raise _user_error(exc, target) from exc
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
    return target


def write_text_atomically(
    path: str | os.PathLike[str], text: str, *, encoding: str = "utf-8"
) -> Path:
    data = text.encode(encoding)
    return write_atomically(path, lambda fh: fh.write(data))


def save_workbook(wb: Workbook, path: str | os.PathLike[str]) -> Path:
    """Save an openpyxl workbook atomically.

    The workbook is zipped in memory first (a few hundred kilobytes), so that a disk error
    reaches only our own plain write, never openpyxl's half-closed zip file.
    """
    buffer = io.BytesIO()
    wb.save(buffer)
    data = buffer.getvalue()
    return write_atomically(path, lambda fh: fh.write(data))
