"""The phonetic keys of names with letters NFKD leaves whole: the same as typed on a French
keyboard (issue 13), so the duplicate checks group such people too."""

from __future__ import annotations

import pytest

from sarah.services.name_matching import derived_columns, names_alike, sound_value

SAME_NAMES = [
    ("Yıldız", "Yildiz"),
    ("YILDIZ", "yildiz"),
    ("Şahin", "Sahin"),
    ("Łukasz", "Lukasz"),
    ("Sørensen", "Sorensen"),
    ("Đorđević", "Dordevic"),
    ("Lætitia", "Laetitia"),
    ("Œillet", "Oeillet"),
]


@pytest.mark.parametrize(("written", "typed"), SAME_NAMES)
def test_a_name_and_its_plain_spelling_have_one_key(written: str, typed: str) -> None:
    assert sound_value(written) == sound_value(typed)
    assert names_alike(written, typed)


def test_yildiz_keys() -> None:
    assert sound_value("Yıldız") == "ildis yildiz"  # y/i, z/s; the letters as typed
    assert derived_columns("Yıldız", "Ayşe") == derived_columns("Yildiz", "Ayse")
    assert derived_columns("Yıldız", "Ayşe")["first_key"] == "ayse"
