"""Reading a spreadsheet file into rows of cells, before anything is checked.

CSV: the encoding (UTF-8 with or without BOM, UTF-16 with BOM as Excel's "texte Unicode",
Windows-1252, DOS code page 850: :mod:`sarah.services.imports.encoding`) and the separator (``;``,
``,`` or tab) are detected. XLSX: the zip archive is checked first
(:mod:`sarah.services.imports.archive`), then read with openpyxl in read-only mode, typed cells
kept (dates, times, numbers). Anything that is not a spreadsheet (a PDF or an image renamed, a
binary file, an old ``.xls``) is refused with a French message.

Sizes are bounded before the content is read, then while it is (:mod:`sarah.services.imports.
limits`): the file's size, each CSV line's length, Excel's row and column limits. A
damaged file gives a French message, never a traceback.

The header row is the first row, among the first few, that names known columns; rows above it
(a title such as "Relevé de janvier") are ignored. Rows are numbered as a spreadsheet program
numbers them: the first row of the file is line 1.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import itertools
import warnings
import zipfile
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO, cast

from sarah.errors import InvalidInput
from sarah.services.imports.archive import check_workbook_archive, damaged
from sarah.services.imports.encoding import ENCODING_NAMES, detect_encoding
from sarah.services.imports.limits import (
    MAX_CELL_CHARS,
    MAX_COLUMNS,
    MAX_CSV_BYTES,
    MAX_LINE_CHARS,
    MAX_ROWS,
    count,
    megabytes,
)

CSV_EXTENSIONS = (".csv", ".txt", ".tsv")
XLSX_EXTENSIONS = (".xlsx", ".xlsm")
DELIMITERS = (";", ",", "\t")
HEADER_SEARCH_ROWS = 20  # how far down a title may push the header row
SNIFF_BYTES = 64 * 1024

Cells = Sequence[object]
HeaderScore = Callable[[Cells], int]


@dataclass
class Sheet:
    """The cells of one table: its header row and an iterator over the data rows."""

    headers: list[object]
    header_line: int
    rows: Iterator[tuple[int, Cells]]  # (line number, cells)
    description: str  # "CSV UTF-8, séparateur « ; »" — shown in the summary
    progress: Callable[[], tuple[int, int]]  # (done, total) in bytes or rows, total 0 = unknown


# --- what is this file? -------------------------------------------------------------------------


def describe_content(head: bytes) -> str | None:
    """A French name for a file that is clearly not a text table, from its first bytes."""
    if head.startswith(b"%PDF"):
        return "un document PDF"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "un ancien classeur Excel (.xls) ou un document Office ancien"
    if head.startswith(b"PK\x03\x04"):
        return "une archive compressée (classeur .xlsx, document .docx ou .zip)"
    if head.startswith(b"\x89PNG") or head.startswith(b"\xff\xd8\xff") or head[:4] == b"GIF8":
        return "une image"
    if head.startswith(b"SQLite format 3"):
        return "une base de données SQLite"
    return None


def _looks_binary(head: bytes) -> bool:
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return False
    if b"\x00" in head:
        return True
    controls = sum(1 for b in head if b < 0x20 and b not in (0x09, 0x0A, 0x0C, 0x0D))
    return controls > max(8, len(head) // 100)


def _read_head(path: Path) -> bytes:
    try:
        with open(path, "rb") as fh:
            return fh.read(SNIFF_BYTES)
    except FileNotFoundError:
        raise InvalidInput(f"Fichier introuvable : {path}.") from None
    except IsADirectoryError:
        raise InvalidInput(f"{path} est un dossier, pas un fichier.") from None
    except PermissionError:
        raise InvalidInput(
            f"Impossible de lire {path} : accès refusé. Fermez le fichier s'il est ouvert "
            "dans un autre programme, ou vérifiez les droits."
        ) from None
    except OSError as exc:
        raise InvalidInput(f"Impossible de lire {path} : {exc.strerror or exc}.") from None


@contextlib.contextmanager
def open_sheet(path: Path, score: HeaderScore) -> Iterator[Sheet]:
    """The table in ``path``. ``score`` counts the known column names in a candidate header."""
    head = _read_head(path)
    name = path.name
    if not head.strip(b" \t\r\n\x00" + codecs.BOM_UTF8):
        raise InvalidInput(f"Le fichier {name} est vide.")
    suffix = path.suffix.lower()
    if suffix in XLSX_EXTENSIONS:
        if not head.startswith(b"PK\x03\x04"):
            what = describe_content(head) or (
                "un fichier texte (CSV ?)" if not _looks_binary(head) else "un fichier binaire"
            )
            hint = (
                " Si c'est un CSV, renommez-le en .csv."
                if what.startswith("un fichier texte")
                else ""
            )
            raise InvalidInput(
                f"Le fichier {name} n'est pas un classeur Excel .xlsx : c'est {what}.{hint}"
            )
        check_workbook_archive(path)  # sizes, before openpyxl inflates anything
        with _open_xlsx(path, score) as sheet:
            yield sheet
        return
    if suffix in CSV_EXTENSIONS:
        _check_csv_size(path)  # before the content is read
        found = describe_content(head)
        if found is None and _looks_binary(head):
            found = "un fichier binaire"
        if found is not None:
            hint = (
                " Si c'est un classeur Excel, donnez-lui l'extension .xlsx."
                if head.startswith(b"PK\x03\x04")
                else ""
            )
            raise InvalidInput(
                f"Le fichier {name} n'est pas un tableau CSV lisible : c'est {found}.{hint}"
            )
        with _open_csv(path, head, score) as sheet:
            yield sheet
        return
    if suffix == ".xls":
        raise InvalidInput(
            f"Le fichier {name} est au format Excel 97-2003 (.xls), que SARAH ne lit pas : "
            "ouvrez-le dans Excel ou LibreOffice et enregistrez-le au format .xlsx ou CSV."
        )
    shown = suffix or "sans extension"
    raise InvalidInput(
        f"Format de fichier non pris en charge ({shown}) pour {name} : "
        "enregistrez le tableau au format .xlsx ou .csv."
    )


# --- CSV ----------------------------------------------------------------------------------------

DELIMITER_NAMES = {";": "« ; »", ",": "« , »", "\t": "tabulation"}


def _bounded_lines(fh: TextIO, name: str) -> Iterator[str]:
    """The physical lines of ``fh``; a line over MAX_LINE_CHARS is refused before it is read
    whole (a file of gigabytes without a line break must not end up in memory)."""
    readline = fh.readline
    number = 0
    while True:
        line = readline(MAX_LINE_CHARS + 1)
        if len(line) > MAX_LINE_CHARS and line[-1] not in "\r\n":
            raise InvalidInput(
                f"Le fichier {name} n'a pas été importé : sa ligne {count(number + 1)} fait plus "
                f"de {count(MAX_LINE_CHARS)} caractères, bien plus qu'une ligne de contact "
                f"(un tableur permet {count(MAX_CELL_CHARS)} caractères par cellule). Est-ce "
                "bien un tableau de contacts ?"
            )
        if not line:
            return
        number += 1
        yield line


def _csv_error(name: str, line: int) -> InvalidInput:
    # Reading text lines opened with newline="" and the default (non-strict) dialect, the one
    # error the csv module raises is a cell over its field size limit: a quote opened in a cell
    # and never closed takes in the rest of the file until then.
    return InvalidInput(
        f"Le fichier {name} n'est pas un CSV lisible : à partir de la ligne {count(line)}, une "
        f"cellule dépasse {count(csv.field_size_limit())} caractères. Le plus souvent, un "
        "guillemet (\") ouvert dans une cellule n'est jamais refermé : corrigez-le dans le "
        "fichier."
    )


def _best_header(records: Sequence[Cells], score: HeaderScore) -> tuple[int, int]:
    """(index of the header record, its score): the first best-scoring record."""
    best, best_score = -1, 0
    for i, record in enumerate(records):
        s = score(record)
        if s > best_score:
            best, best_score = i, s
    if best < 0:  # nothing known: the first non-empty record, the caller names what is missing
        best = next((i for i, r in enumerate(records) if any(str(c).strip() for c in r)), 0)
    return best, best_score


def _choose_delimiter(lines: list[str], score: HeaderScore) -> str:
    best: tuple[int, int, int] | None = None
    chosen = ";"
    for rank, delimiter in enumerate(DELIMITERS):
        try:
            records = list(csv.reader(lines, delimiter=delimiter))
        except csv.Error:  # not this one (reading with the chosen one names the problem)
            continue
        _, s = _best_header(records, score)
        width = max((len(r) for r in records), default=0)
        key = (s, width, -rank)
        if best is None or key > best:
            best, chosen = key, delimiter
    return chosen


def _check_csv_size(path: Path) -> None:
    size = path.stat().st_size
    if size > MAX_CSV_BYTES:
        raise InvalidInput(
            f"Le fichier {path.name} fait {megabytes(size)} : SARAH importe des fichiers CSV de "
            f"{megabytes(MAX_CSV_BYTES)} au plus. Répartissez les contacts dans plusieurs "
            "fichiers (importer un fichier ne double jamais une ligne déjà importée)."
        )


def _too_many_rows(name: str) -> InvalidInput:
    return InvalidInput(
        f"Le fichier {name} n'a pas été importé : il a plus de {count(MAX_ROWS)} lignes, la "
        "limite d'un tableur. Répartissez les contacts dans plusieurs fichiers (importer un "
        "fichier ne double jamais une ligne déjà importée)."
    )


def _leading_records(reader: Iterator[list[str]], name: str) -> list[list[str]]:
    """The first records, where the header row is looked for; an empty file is refused."""
    leading: list[list[str]] = []
    try:
        for record in reader:
            leading.append(record)
            if len(leading) == HEADER_SEARCH_ROWS:
                break
    except csv.Error:
        raise _csv_error(name, len(leading) + 1) from None
    if not any(any(c.strip() for c in r) for r in leading):
        raise InvalidInput(f"Le fichier {name} est vide.")
    return leading


def _csv_rows(
    leading: list[list[str]], index: int, reader: Iterator[list[str]], name: str
) -> Iterator[tuple[int, Cells]]:
    """The data rows under the header row ``index`` with their line numbers: those already read,
    then the rest of the file (no more than a spreadsheet's rows)."""
    line = index + 1
    for record in leading[index + 1 :]:
        line += 1
        yield line, record
    try:
        for record in reader:
            line += 1
            if line > MAX_ROWS:
                raise _too_many_rows(name)
            yield line, record
    except csv.Error:
        raise _csv_error(name, line + 1) from None


@contextlib.contextmanager
def _open_csv(path: Path, head: bytes, score: HeaderScore) -> Iterator[Sheet]:
    name = path.name
    total = path.stat().st_size
    encoding = detect_encoding(path, head)
    with open(path, encoding=encoding, newline="") as fh:
        lines = _bounded_lines(fh, name)
        first_lines = list(itertools.islice(lines, HEADER_SEARCH_ROWS))
        delimiter = _choose_delimiter(first_lines, score)
        reader = csv.reader(itertools.chain(first_lines, lines), delimiter=delimiter)
        leading = _leading_records(reader, name)
        index, _ = _best_header(leading, score)
        # open() in text mode wraps a BufferedReader; typeshed's protocol for it lacks tell().
        buffer = cast(io.BufferedReader, fh.buffer) if isinstance(fh, io.TextIOWrapper) else None

        def progress() -> tuple[int, int]:
            return (buffer.tell() if buffer is not None else 0), total

        yield Sheet(
            headers=list(leading[index]),
            header_line=index + 1,
            rows=_csv_rows(leading, index, reader, name),
            description=f"CSV {ENCODING_NAMES[encoding]}, séparateur {DELIMITER_NAMES[delimiter]}",
            progress=progress,
        )


# --- XLSX ---------------------------------------------------------------------------------------

# What openpyxl, zipfile, zlib and the XML parser raise on a damaged or forged worksheet (the
# archive itself was checked before): bad XML, a cell whose number or shared-string index is not
# one, a part that no longer inflates.
XLSX_DAMAGE = (
    SyntaxError,  # xml.etree.ElementTree.ParseError
    ValueError,
    TypeError,
    KeyError,
    IndexError,
    AttributeError,
    OverflowError,
    EOFError,
    zipfile.BadZipFile,
    zlib.error,
)


@contextlib.contextmanager
def _quiet_openpyxl() -> Iterator[None]:
    # openpyxl warns about workbook features it drops (data validation, styles): harmless here.
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=UserWarning, module=r"openpyxl(\..*)?")
        yield


@contextlib.contextmanager
def _open_xlsx(path: Path, score: HeaderScore) -> Iterator[Sheet]:
    import openpyxl

    with _quiet_openpyxl():
        try:
            workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
        except PermissionError:
            raise InvalidInput(
                f"Impossible de lire {path.name} : accès refusé. Fermez-le dans Excel et réessayez."
            ) from None
        except Exception:  # any failure to open an untrusted file means: not a usable workbook
            raise damaged(path.name) from None
    try:
        with _quiet_openpyxl():
            sheet = _choose_worksheet(path, workbook, score)
        yield sheet
    finally:
        workbook.close()


def _damaged_at(name: str, line: int) -> InvalidInput:
    return InvalidInput(
        f"Le fichier {name} n'est pas un classeur Excel .xlsx lisible : sa feuille est abîmée "
        f"vers la ligne {count(line)}. Rien n'a été enregistré."
    )


def _sheet_rows(name: str, ws: object, max_row: int | None = None) -> Iterator[Cells]:
    """The rows of ``ws``, within Excel's limits; a damaged sheet gives a French error."""
    line = 0
    try:
        for values in ws.iter_rows(max_row=max_row, values_only=True):  # type: ignore[attr-defined]
            line += 1
            if line > MAX_ROWS:
                raise _too_many_rows(name)
            if len(values) > MAX_COLUMNS:
                raise InvalidInput(
                    f"Le fichier {name} n'a pas été importé : sa ligne {count(line)} a des "
                    f"cellules au-delà de la colonne XFD, la {count(MAX_COLUMNS)}e et dernière "
                    "d'un tableur."
                )
            yield values
    except XLSX_DAMAGE:
        raise _damaged_at(name, line + 1) from None


# A worksheet looked at for its header: (header score, worksheet, leading rows, header index,
# the row count it claims).
Candidate = tuple[int, Any, list[list[object]], int, int]


def _worksheet_candidate(name: str, ws: Any, score: HeaderScore) -> Candidate:
    try:
        estimate = int(ws.max_row or 0)
    except (TypeError, ValueError):
        estimate = 0
    if hasattr(ws, "reset_dimensions"):
        ws.reset_dimensions()  # some programs write a wrong size: read every cell there is
    leading = [list(r) for r in _sheet_rows(name, ws, HEADER_SEARCH_ROWS)]
    index, s = _best_header(leading, score)
    return s, ws, leading, index, estimate


def _worksheet_candidates(name: str, workbook: object, score: HeaderScore) -> list[Candidate]:
    """The worksheets in order, until one has a convincing header (3 known columns)."""
    candidates = []
    try:
        worksheets = list(workbook.worksheets)  # type: ignore[attr-defined]
        for ws in worksheets:
            if not hasattr(ws, "iter_rows"):
                continue
            candidates.append(_worksheet_candidate(name, ws, score))
            if candidates[-1][0] >= 3:
                break
    except XLSX_DAMAGE:
        raise damaged(name) from None
    return candidates


def _choose_worksheet(path: Path, workbook: object, score: HeaderScore) -> Sheet:
    name = path.name
    candidates = _worksheet_candidates(name, workbook, score)
    usable = [c for c in candidates if any(any(v is not None for v in r) for r in c[2])]
    if not usable:
        raise InvalidInput(f"Le classeur {name} est vide.")
    best_score = max(c[0] for c in usable)
    _, ws, leading, index, estimate = next(c for c in usable if c[0] == best_score)
    done = [0]

    def rows() -> Iterator[tuple[int, Cells]]:
        with _quiet_openpyxl():
            for line, values in enumerate(_sheet_rows(name, ws), start=1):
                done[0] = line
                if line > index + 1:
                    yield line, values

    def progress() -> tuple[int, int]:
        return done[0], max(estimate, done[0])

    return Sheet(
        headers=list(leading[index]),
        header_line=index + 1,
        rows=rows(),
        description=f"classeur Excel, feuille « {ws.title} »",
        progress=progress,
    )
