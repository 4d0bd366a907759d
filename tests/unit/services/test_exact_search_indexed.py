"""The exact search reads a first name typed from an index (migration 0011): it must find the
same people as reading every name did, compound names, apostrophes and empty first names
included."""

from __future__ import annotations

from sqlalchemy import Engine

from sarah.db import read_session
from sarah.services.text import fold
from sarah.services.visitors import create_visitor, visitors_named

PEOPLE = [
    ("Dupont", "Jean"),
    ("Dupont", "Jean-Pierre"),
    ("Dupont-Martin", "Léa"),
    ("Ben Ali", "Karim"),
    ("Martin", "Marie Claire"),
    ("N'Diaye", "Awa"),
    ("Pierre", ""),  # a last name alone
    ("Le Pen", ""),
    ("Jeanne", "Martine"),
    ("Léandre", "Jean"),
]
TYPED = ["jean", "pierre", "martin", "ali", "claire", "diaye", "n'diaye", "le", "pen", "lea"]
TYPED += ["marie", "ma", "karim", "jean-pierre", "ka", "awa", "j", "dupont", "zz"]


def _by_hand(word: str) -> set[str]:
    """Whose folded key starts with ``word``, or holds it after a space or a hyphen (the
    search's rule, as a reading of every key applied it), without the program's search."""
    found = set()
    for last, first in PEOPLE:
        key = f"{fold(last)} {fold(first)}".strip()
        if key.startswith(word) or f" {word}" in key or f"-{word}" in key:
            found.add(f"{last}|{first}")
    return found


def test_a_word_typed_finds_whoever_holds_a_word_starting_with_it(engine: Engine) -> None:
    for last, first in PEOPLE:
        create_visitor(engine, last_name=last, first_name=first)
    with read_session(engine) as s:
        differ = {
            word: (found, _by_hand(word))
            for word in TYPED
            if (found := {f"{v.last_name}|{v.first_name}" for v in visitors_named(s, [word], 40)})
            != _by_hand(word)
        }
    assert differ == {}


def test_people_of_a_last_word_come_after_those_of_the_key_in_name_order(engine: Engine) -> None:
    for last, first in PEOPLE:
        create_visitor(engine, last_name=last, first_name=first)
    with read_session(engine) as s:
        found = [(v.last_name, v.first_name) for v in visitors_named(s, ["jean"], 40)]
    assert found == [
        ("Jeanne", "Martine"),  # the key starts with it
        ("Dupont", "Jean"),  # then a later word, in name order
        ("Dupont", "Jean-Pierre"),
        ("Léandre", "Jean"),
    ]
