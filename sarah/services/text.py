"""Folding of names for search and identity: case, accents and extra spaces do not count."""

from __future__ import annotations

import unicodedata


def fold(text: str | None) -> str:
    """'  Éloïse   DUPONT-Martin ' -> 'eloise dupont-martin'."""
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(stripped.casefold().split())


def search_key(last_name: str | None, first_name: str | None) -> str:
    """The key stored on each visitor: folded last name, a space, folded first name."""
    return f"{fold(last_name)} {fold(first_name)}".strip()
