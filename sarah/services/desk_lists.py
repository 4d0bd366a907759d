"""The rules the desk's two ordered lists share, the service catalogue and the neighbourhoods of
residence: one desk key per row in use, taken from a retired row that holds it, and an order
rewritten in one revision when a row moves."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from typing import TypeVar

from sarah.errors import InvalidInput
from sarah.models import Neighbourhood, Service
from sarah.services.text import fold

Row = TypeVar("Row", Service, Neighbourhood)


def clean_key(key: str | None, keys: str, allowed: str) -> str | None:
    """'' or None: no key. Otherwise one of ``keys`` (stored in lower case); ``allowed`` says
    which in the refusal."""
    if key is None or not key.strip():
        return None
    k = key.strip().lower()
    if len(k) != 1 or k not in keys:
        raise InvalidInput(f"Touche « {key.strip()} » refusée : {allowed}.")
    return k


def check_label_free(
    live: Sequence[Row], label: str, who: str, except_id: uuid.UUID | None = None
) -> None:
    """Refuse a label another row not deleted has, accents and case aside; ``who``: « Un
    service », « Un quartier »."""
    wanted = fold(label)
    for other in live:
        if other.id != except_id and fold(other.label) == wanted:
            state = " (retiré : rétablissez-le plutôt)" if other.retired else ""
            raise InvalidInput(f"{who} s'appelle déjà « {other.label} »{state}.")


def give_key(row: Row, key: str, live: Sequence[Row], revision: int | None, hint: str = "") -> None:
    """Set ``key`` on ``row`` (``live``: every row not deleted); refused when a row in use holds
    it, taken from a retired one. ``hint`` ends the refusal."""
    owner = next((r for r in live if r.id != row.id and not r.retired and r.shortcut == key), None)
    if owner is not None:
        raise InvalidInput(
            f"La touche « {key} » est déjà celle de « {owner.label} » : choisissez-en une "
            f"autre{hint}."
        )
    for other in live:
        if other.id != row.id and other.shortcut == key:
            other.shortcut = None
            if revision is not None:
                other.revision = revision
    row.shortcut = key


def move_in_order(rows: list[Row], row: Row, step: int, revision: Callable[[], int | None]) -> None:
    """Move ``row`` ``step`` places in ``rows`` (the list in its order) and renumber; a revision
    is taken only when something moves, and given to every row whose place changed."""
    index = rows.index(row)
    target = max(0, min(len(rows) - 1, index + step))
    if target == index:
        return
    rows.insert(target, rows.pop(index))
    changed = revision()
    for position, r in enumerate(rows, start=1):
        if r.position != position:
            r.position = position
            if changed is not None:
                r.revision = changed
