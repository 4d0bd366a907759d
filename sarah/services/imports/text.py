"""Free text read from an imported file: names, sites, agents.

- **What cannot be a name.** A control character (a NUL byte, an escape…), a surrogate or the
  replacement character "�" is never typed in a name: it comes from a damaged file or from one
  read in the wrong encoding. Such a value is refused, with its line and column.
- **What looks like a spreadsheet formula.** A value starting with ``=``, ``+``, ``-`` or ``@``
  would be taken for a formula by Excel or LibreOffice if it were written back out as is
  (``=HYPERLINK("http://…","Cliquez")``, ``+cmd|' /C calc'!A0``, ``@SUM(1+1)``). It is kept as
  it was typed, as text, and the import warns about it (line and column): a real name never
  starts so, the user checks it; exports write it as text. A lone sign (``-`` for "unknown") and
  a plain signed number (``-12``) are not formulas and are not reported. A value starting with a
  tab or a carriage return cannot reach the database: spaces around a value and inside it are
  folded to single spaces when it is read, and the first character that remains is checked.
"""

from __future__ import annotations

import re

from sarah.services.imports.limits import QUOTE_CHARS, clip

FORMULA_STARTS = frozenset("=+-@")
_PLAIN_NUMBER = re.compile(r"[+-]*\s*\d+(?:[.,]\d+)?")
_INVALID = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\ufffd]")


def looks_like_formula(text: str) -> bool:
    """True for a value that a spreadsheet would read as a formula."""
    if not text or text[0] not in FORMULA_STARTS:
        return False
    if text[0] in "+-" and (not text.strip("+- ") or _PLAIN_NUMBER.fullmatch(text)):
        return False
    return True


def formula_reason(text: str) -> str:
    return f"commence par « {text[0]} », comme une formule de tableur"


def text_problem(text: str, limit: int, what: str = "") -> str | None:
    """Why ``text`` cannot be stored as a name (``what``: 'nom de site '…), or None."""
    if len(text) > limit:
        return f"{what}trop long ({limit} caractères au plus)"
    invalid = _INVALID.search(text)
    if invalid is not None:
        code = ord(invalid.group())
        return (
            f"caractère invalide (U+{code:04X}) : ce n'est pas du texte tapé au clavier, le "
            "fichier est abîmé ou a été enregistré dans un autre encodage"
        )
    return None


def quote(text: str) -> str:
    """A value as shown in a message: invisible characters made visible, cut short."""
    return clip(_INVALID.sub("\N{REPLACEMENT CHARACTER}", text[: QUOTE_CHARS + 1]))
