"""Text written out as text: a site, a service or an agent named ``=HYPERLINK(…)`` is a name.

Every exported spreadsheet cell goes through :func:`put` (or :func:`set_value`): text is stored
as a string cell, never as a formula (openpyxl would make a formula of any text starting with
``=``), and text a spreadsheet would take for a formula once edited (``=``, ``+``, ``-``, ``@``,
tab, carriage return) also gets Excel's "quote prefix", so it stays text after F2 + Enter.

For CSV, OWASP's advice on CSV injection: such a field gets a leading single quote and is
quoted. Numbers written by SARAH are never text here: a negative
count stays a number.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import IO, TYPE_CHECKING

if TYPE_CHECKING:
    from openpyxl.cell.cell import Cell, MergedCell
    from openpyxl.worksheet.worksheet import Worksheet

# What Excel, LibreOffice and Google Sheets read as the start of a formula (OWASP).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

CellValue = str | int | float | None


class Computed(str):
    """Text SARAH computed from numbers (a change such as "+36 %"), never a user's: the CSV
    writes it as is, since its "+" starts no formula anyone typed."""

    __slots__ = ()


def looks_like_formula(text: str) -> bool:
    return text.startswith(FORMULA_STARTS)


def set_value(cell: Cell | MergedCell, value: CellValue) -> Cell | MergedCell:
    """Store ``value`` in ``cell``: numbers as numbers, any text as plain text."""
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"  # a string cell, even for "=…"
        if looks_like_formula(value):
            cell.quotePrefix = True
    return cell


def put(ws: Worksheet, row: int, column: int, value: CellValue = None) -> Cell | MergedCell:
    """``ws.cell(row, column, value)`` with text kept as text."""
    return set_value(ws.cell(row=row, column=column), value)


def csv_field(value: object) -> object:
    """One CSV field: text that would start a formula gets a leading ``'``; numbers unchanged."""
    if isinstance(value, str) and looks_like_formula(value):
        return "'" + value
    return value


class SafeCsvWriter:
    """CSV for French Excel (``;``, CRLF) whose text fields cannot start a formula.

    The file keeps its plain form (a field is quoted only when it must be: a ``;``, a quote or
    a line break inside), so that programs reading SARAH's CSV see what they always saw; a
    field that would start a formula is prefixed with ``'`` and always quoted (OWASP). Numbers
    written by SARAH, negative or not, stay bare numbers.
    """

    def __init__(self, out: IO[str]) -> None:
        self._out = out

    def writerow(self, cells: Iterable[object]) -> None:
        self._out.write(";".join(_csv_text(cell) for cell in cells) + "\r\n")


def _csv_text(value: object) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        return str(value)
    field = value if isinstance(value, Computed) else csv_field(value)
    assert isinstance(field, str)
    if field != value or any(c in field for c in ';"\r\n'):
        return '"' + field.replace('"', '""') + '"'
    return field
