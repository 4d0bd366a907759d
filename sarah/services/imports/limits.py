"""How large an imported spreadsheet may be, and how much of a bad file a message may quote.

A file to import comes from a USB key or an e-mail: its size is checked before its content, and
a value quoted back to the user is cut short. The limits follow what a real file can be:

- Excel's own limits: 1,048,576 rows, 16,384 columns, 32,767 characters in a cell. A file over
  them was not written by a spreadsheet program and is refused (a CSV file too: split it, a
  second import never adds a row twice).
- A CSV file of at most 512 MiB: the 1,000,000-row import benchmark is 116 MB, the row limit
  allows about 500 bytes per row. A physical line of at most 128 Ki characters (the CSV module's
  own limit for one cell), so a file without line breaks is never read into memory whole.
- An .xlsx file of at most 256 MiB, whose parts are checked in its zip directory before anything
  is inflated: see :mod:`sarah.services.imports.archive`.
"""

from __future__ import annotations

from sarah.vocabulary import count_text

MAX_ROWS = 1_048_576  # Excel's row limit, the header row included
MAX_COLUMNS = 16_384  # Excel's column limit (A to XFD)
MAX_CELL_CHARS = 32_767  # Excel's limit for the text of one cell

MAX_CSV_BYTES = 512 * 1024 * 1024
MAX_LINE_CHARS = 128 * 1024  # one physical line of a CSV file (csv.field_size_limit's default)
MAX_XLSX_BYTES = 256 * 1024 * 1024

QUOTE_CHARS = 80  # at most this much of a bad value is quoted back
MAX_LISTED = 100  # problems or warnings written out in a message; the rest are counted
MAX_LISTED_CHARS = 16_000  # and no more characters than this for the problems written out


def megabytes(size: int) -> str:
    """'512 Mo', '4 Mo', '1,5 Mo', '0,2 Mo': a size in the French way."""
    mb = size / (1024 * 1024)
    if mb >= 10 or mb.is_integer():
        text = f"{mb:,.0f}".replace(",", " ")
    else:
        text = f"{mb:.1f}".replace(".", ",")
    return f"{text} Mo"


def count(n: int) -> str:
    """'1 048 576': thousands separated by a narrow no-break space (vocabulary.count_text)."""
    return count_text(n)


def clip(text: str, limit: int = QUOTE_CHARS) -> str:
    """``text`` cut to ``limit`` characters, with '…' when it was longer."""
    if len(text) <= limit:
        return text
    return text[: limit - 1] + "…"
