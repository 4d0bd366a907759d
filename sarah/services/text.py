"""Folding of names for search and identity: case, accents and extra spaces do not count."""

from __future__ import annotations

import unicodedata

# Letters of names these desks see that NFKD does not split into a plain letter and an accent
# to strip, written as a French keyboard types them: the Turkish dotless ı (Yıldız / yildiz),
# the Polish ł, the Nordic ø, æ, ð, þ, the South-Slavic đ, the French œ. Applied after
# casefold(), so the capitals are covered too; İ and ß need nothing (NFKD drops the dot of İ,
# casefold() makes ß "ss").
_PLAIN_LETTERS = str.maketrans(
    {"ı": "i", "ł": "l", "ø": "o", "đ": "d", "ð": "d", "æ": "ae", "œ": "oe", "þ": "th"}
)


def fold(text: str | None) -> str:
    """'  Éloïse   DUPONT-Martin ' -> 'eloise dupont-martin'; 'Yıldız' -> 'yildiz'."""
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(stripped.casefold().translate(_PLAIN_LETTERS).split())


def search_key(last_name: str | None, first_name: str | None) -> str:
    """The key stored on each visitor: folded last name, a space, folded first name."""
    return f"{fold(last_name)} {fold(first_name)}".strip()
