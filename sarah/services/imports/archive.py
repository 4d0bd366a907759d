"""Checking an .xlsx file's zip archive before openpyxl inflates any of it.

An .xlsx file is a zip archive of XML parts. A hostile one (a "zip bomb": 1 MB on disk, one cell
of 1 GB once inflated) would take gigabytes of memory inside openpyxl before any cell reaches
SARAH's checks, so the archive is checked first, from the sizes its zip directory declares
(:mod:`zipfile` never inflates a part beyond its declared size: a part that lies about it fails
its CRC check):

1. the directory itself is small (a real workbook has a few dozen parts), so that reading it
   costs nothing;
2. every part is stored or deflated (what Excel and LibreOffice write; bzip2 and LZMA parts are
   inflated in one call, without a bound);
3. every part's inflated size is bounded (a worksheet 1 GiB, the shared strings 256 MiB, any
   other part 64 MiB, the whole archive 2 GiB) and no larger part inflates more than 100 times
   its compressed size (Apache POI's rule for the same attack: real worksheets inflate 10 to 20
   times, a bomb a thousand times);
4. the worksheets and the shared strings are then read once as a stream, in bounded memory, to
   check that no row and no shared text is larger than 4 MiB: a cell holds at most 32,767
   characters (at most ten bytes each in XML), and openpyxl builds a whole row, or a whole
   shared text, in memory before handing it over.

Every refusal is an :class:`InvalidInput` with a French message naming the part and the sizes.
"""

from __future__ import annotations

import errno
import re
import struct
import zipfile
import zlib
from pathlib import Path
from typing import BinaryIO

from sarah.errors import InvalidInput
from sarah.services.imports.limits import (
    MAX_CELL_CHARS,
    MAX_XLSX_BYTES,
    clip,
    count,
    megabytes,
)

MAX_DIRECTORY_BYTES = 1024 * 1024  # about 20,000 parts; a workbook has a few dozen
MAX_SHEET_BYTES = 1024 * 1024 * 1024
MAX_SHARED_STRINGS_BYTES = 256 * 1024 * 1024
MAX_OTHER_PART_BYTES = 64 * 1024 * 1024
MAX_TOTAL_BYTES = 2 * 1024 * 1024 * 1024
MAX_RATIO = 100  # inflated size / compressed size
RATIO_GRACE_BYTES = 1024 * 1024  # smaller parts are not held to the ratio
MAX_RECORD_BYTES = 4 * 1024 * 1024  # one row of a worksheet, one shared text

CHUNK = 1024 * 1024  # smaller than MAX_RECORD_BYTES: a long record spans several chunks
WINDOW = 64 * 1024  # where the last record start of a chunk is looked for first
TAIL = 256  # bytes kept from one chunk to the next, so that no record start is cut in two

_SHEET_PART = re.compile(r"xl/worksheets/[^/]+\.xml", re.IGNORECASE)
# The start of a row (worksheet) or of a shared text, with or without a namespace prefix
# (<row ...>, <x:row ...>, <si>); text cannot hold a "<", so a cell cannot fake one.
_RECORD = re.compile(rb"<(?:[A-Za-z_][-.\w]*:)?(?:row|si)[\s/>]")
_ROW_NUMBER = re.compile(rb'\sr="(\d{1,9})"')


def damaged(name: str) -> InvalidInput:
    return InvalidInput(
        f"Le fichier {name} n'est pas un classeur Excel .xlsx lisible "
        "(fichier abîmé, protégé par mot de passe ou d'un autre format)."
    )


def _refused(name: str, why: str) -> InvalidInput:
    return InvalidInput(f"Le classeur {name} n'a pas été lu : {why}. Rien n'a été enregistré.")


def check_workbook_archive(path: Path) -> None:
    """Refuse ``path`` unless its zip archive could be the one of a real workbook."""
    name = path.name
    try:
        size = path.stat().st_size
        if size > MAX_XLSX_BYTES:
            raise InvalidInput(
                f"Le classeur {name} fait {megabytes(size)} : SARAH importe des classeurs de "
                f"{megabytes(MAX_XLSX_BYTES)} au plus. Répartissez les contacts dans plusieurs "
                "fichiers (importer un fichier ne double jamais une ligne déjà importée)."
            )
        with open(path, "rb") as fh:
            directory = _directory_size(fh, size)
        if directory is None or directory > size:
            raise damaged(name)
        if directory > MAX_DIRECTORY_BYTES:
            raise _refused(
                name,
                f"son sommaire zip fait {megabytes(directory)} (des dizaines de milliers de "
                "parties, là où un classeur en a quelques dizaines) : fichier piégé ou abîmé",
            )
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
            _check_sizes(name, size, parts)
            for info in parts:
                if _SHEET_PART.fullmatch(info.filename) or _is_shared_strings(info.filename):
                    _check_records(name, archive, info)
    except (zipfile.BadZipFile, zlib.error, EOFError, struct.error, NotImplementedError):
        raise damaged(name) from None
    except PermissionError:
        raise InvalidInput(
            f"Impossible de lire {name} : accès refusé. Fermez-le dans Excel et réessayez."
        ) from None
    except OSError as exc:
        if exc.errno == errno.EINVAL:  # a seek to a negative offset: a directory that lies
            raise damaged(name) from None
        raise InvalidInput(f"Impossible de lire {name} : {exc.strerror or exc}.") from None


def _is_shared_strings(filename: str) -> bool:
    return filename.rsplit("/", 1)[-1].lower() == "sharedstrings.xml"


def _directory_size(fh: BinaryIO, size: int) -> int | None:
    """The size of the zip directory, read from the end record (zip64 too); None if absent."""
    tail_size = min(size, 22 + 0xFFFF)  # the end record, then a comment of 64 KiB at most
    fh.seek(size - tail_size)
    tail = fh.read(tail_size)
    at = tail.rfind(b"PK\x05\x06")  # the end record, as zipfile finds it
    if at < 0 or len(tail) - at < 22:
        return None
    entries, directory = struct.unpack_from("<HL", tail, at + 10)
    if entries != 0xFFFF and directory != 0xFFFFFFFF:
        return int(directory)
    locator = at - 20  # zip64: the locator just before the end record points to its record
    if locator < 0 or tail[locator : locator + 4] != b"PK\x06\x07":
        return None
    (offset,) = struct.unpack_from("<Q", tail, locator + 8)
    if offset > size - 56:
        return None
    fh.seek(offset)
    record = fh.read(56)
    if record[:4] != b"PK\x06\x06":
        return None
    (directory64,) = struct.unpack_from("<Q", record, 40)
    return int(directory64)


def _limit(filename: str) -> tuple[int, str]:
    if _SHEET_PART.fullmatch(filename):
        return MAX_SHEET_BYTES, "une feuille"
    if _is_shared_strings(filename):
        return MAX_SHARED_STRINGS_BYTES, "la table des textes"
    return MAX_OTHER_PART_BYTES, "cette partie"


def _check_sizes(name: str, size: int, parts: list[zipfile.ZipInfo]) -> None:
    total = 0
    for info in parts:
        part = clip(info.filename, 60)
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise _refused(
                name,
                f"sa partie « {part} » est compressée d'une façon qu'Excel n'emploie pas : "
                "fichier abîmé, ou qui n'a pas été enregistré par un tableur",
            )
        if info.compress_size > size:
            raise damaged(name)
        limit, what = _limit(info.filename)
        if info.file_size > limit:
            raise _refused(
                name,
                f"sa partie « {part} » ferait {megabytes(info.file_size)} une fois "
                f"décompressée, et {what} ne peut dépasser {megabytes(limit)} : fichier piégé "
                "ou abîmé",
            )
        if info.file_size > RATIO_GRACE_BYTES and info.file_size > MAX_RATIO * max(
            info.compress_size, 1
        ):
            ratio = info.file_size // max(info.compress_size, 1)
            raise _refused(
                name,
                f"sa partie « {part} » ferait {megabytes(info.file_size)} une fois "
                f"décompressée, pour {megabytes(info.compress_size)} dans le fichier "
                f"({count(ratio)} fois plus ; un vrai classeur se décompresse en 10 à 20 fois "
                "plus) : c'est un fichier piégé (« bombe de décompression ») ou abîmé",
            )
        total += info.file_size
        if total > MAX_TOTAL_BYTES:
            raise _refused(
                name,
                f"ses parties feraient plus de {megabytes(MAX_TOTAL_BYTES)} une fois décompressées",
            )


def _check_records(name: str, archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    """Inflate one part as a stream; refuse it at the first row or text over the bound."""
    since = 0  # bytes since the start of the last record (or of the part)
    row: bytes | None = None  # the number of the last row started, for the message
    tail = b""
    with archive.open(info) as fh:
        while chunk := fh.read(CHUNK):
            buffer = tail + chunk
            start = max(0, len(buffer) - WINDOW)
            last = _last_record(buffer, start)
            if last is None and start:
                last = _last_record(buffer, 0)
            if last is None:
                since += len(chunk)
            else:
                since = len(buffer) - last.start()
                number = _ROW_NUMBER.search(buffer, last.end() - 1, last.end() + 200)
                row = number.group(1) if number is not None else row
            if since > MAX_RECORD_BYTES:
                raise _refused(name, _too_long(info.filename, row))
            tail = buffer[-TAIL:]


def _last_record(buffer: bytes, start: int) -> re.Match[bytes] | None:
    last = None
    for last in _RECORD.finditer(buffer, start):  # noqa: B007  (the last one is wanted)
        pass
    return last


def _too_long(filename: str, row: bytes | None) -> str:
    limit = megabytes(MAX_RECORD_BYTES)
    cell = f"{count(MAX_CELL_CHARS)} caractères par cellule"
    if _is_shared_strings(filename):
        return (
            f"une de ses cellules de texte contient plus de {limit}, bien plus qu'un tableur "
            f"n'en permet ({cell}) : fichier piégé ou abîmé"
        )
    where = f"la ligne {int(row)}" if row is not None else "le début"
    return (
        f"{where} de sa feuille « {clip(filename, 60)} » contient plus de {limit} de données, "
        f"bien plus qu'un tableur n'en permet ({cell}) : fichier piégé ou abîmé"
    )
