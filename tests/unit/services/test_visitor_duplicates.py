"""Two records of one person, with the tolerant search's rules: the warning when a person is
about to be created, and a coordinator's review of the whole base (issue 13)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import Engine

from sarah.services.privacy.purge import erase_on_request
from sarah.services.visitor_history import merge_candidates, probable_duplicates, visitor_history
from sarah.services.visitor_merges import unmerge_visitors
from sarah.services.visitors import create_visitor, likely_duplicates, merge_visitors
from sarah.settings import Settings

BORN = date(1990, 4, 12)


def _names(found: list) -> list[str]:  # type: ignore[type-arg]
    return [v.display_name for v in found]


def test_the_warning_sees_a_variant_or_a_typo_born_the_same_day(engine: Engine) -> None:
    create_visitor(engine, last_name="Diallo", first_name="Mamadou", birth_date=BORN)
    create_visitor(engine, last_name="Diallo", first_name="Mamadou", birth_date=date(1991, 1, 1))
    create_visitor(engine, last_name="Traoré", first_name="Awa", birth_date=BORN)
    assert _names(likely_duplicates(engine, "Dialo", "Mamadu", BORN)) == ["DIALLO Mamadou"]
    assert _names(likely_duplicates(engine, "Diallp", "Fatou", BORN)) == ["DIALLO Mamadou"]
    assert _names(likely_duplicates(engine, "Kone", "Awa", BORN)) == ["TRAORÉ Awa"]  # first name
    assert likely_duplicates(engine, "Dialo", "Mamadu", date(1985, 6, 6)) == []


def test_the_warning_sees_names_alike_when_a_birth_date_is_missing(engine: Engine) -> None:
    create_visitor(engine, last_name="Mohammed", first_name="Karim")
    create_visitor(engine, last_name="Ben Ali", first_name="Sofiane", birth_date=BORN)
    assert _names(likely_duplicates(engine, "Muhammad", "Karim", date(1970, 1, 1))) == [
        "MOHAMMED Karim"
    ]
    assert _names(likely_duplicates(engine, "Benali", "Sofianne", None)) == ["BEN ALI Sofiane"]
    assert likely_duplicates(engine, "Mohammed", "Sarah", None) == []


def test_the_warning_lists_the_closest_first(engine: Engine) -> None:
    create_visitor(engine, last_name="Dialo", first_name="Mamadou")  # no birth date
    create_visitor(engine, last_name="Diallo", first_name="Moussa", birth_date=BORN)
    create_visitor(engine, last_name="Dialo", first_name="Mamadou", birth_date=BORN)
    create_visitor(engine, last_name="Diallo", first_name="Mamadou", birth_date=BORN)
    found = likely_duplicates(engine, "Diallo", "Mamadou", BORN)
    assert [(v.display_name, v.birth_date) for v in found] == [
        ("DIALLO Mamadou", BORN),  # the same names, the same day
        ("DIALO Mamadou", BORN),  # names alike, the same day
        ("DIALLO Moussa", BORN),  # the same day, one name alike
        ("DIALO Mamadou", None),  # names alike, a birth date missing
    ]


def _world(engine: Engine) -> dict[str, object]:
    v = {}
    for key, last, first, sex, born in [
        ("diallo", "Diallo", "Mamadou", "H", BORN),
        ("dialo", "Dialo", "Mamadou", None, BORN),  # a doubled letter: one person
        ("diallo_91", "Diallo", "Mamadou", "H", date(1991, 2, 2)),  # a namesake
        ("mohamed", "Mohamed", "Karim", "H", None),
        ("muhammad", "Muhammad", "Karim", None, date(1985, 5, 5)),  # no date on one
        ("paul", "Martin", "Paul", "H", BORN),
        ("paule", "Martin", "Paule", "F", BORN),  # sounds the same, but she is a woman
        ("fatou", "Sow", "Fatou", "F", BORN),
        ("fatou_ba", "Ba", "Fatou", "F", BORN),  # one name and the day only
    ]:
        v[key] = create_visitor(
            engine, last_name=last, first_name=first, sex=sex, birth_date=born
        ).id
    return v


def _pairs(engine: Engine) -> list[tuple[str, str, bool]]:
    return [
        (p.first.visitor.display_name, p.second.visitor.display_name, p.same_birth_date)
        for p in probable_duplicates(engine)
    ]


def test_the_review_lists_each_probable_pair_once(engine: Engine) -> None:
    _world(engine)
    assert _pairs(engine) == [
        ("DIALLO Mamadou", "DIALO Mamadou", True),  # the same day first
        ("MOHAMED Karim", "MUHAMMAD Karim", False),
    ]


def test_each_pair_of_the_review_is_proposed_first_for_a_merge(engine: Engine) -> None:
    _world(engine)
    for pair in probable_duplicates(engine):
        a, b = pair.first.visitor.id, pair.second.visitor.id
        assert merge_candidates(engine, a)[0].visitor.id == b
        assert merge_candidates(engine, b)[0].visitor.id == a


def test_a_pair_merged_or_told_apart_leaves_the_review(engine: Engine) -> None:
    v = _world(engine)
    merge_visitors(engine, v["diallo"], v["dialo"])  # type: ignore[arg-type]
    assert [p[:2] for p in _pairs(engine)] == [("MOHAMED Karim", "MUHAMMAD Karim")]
    merge_visitors(engine, v["mohamed"], v["muhammad"])  # type: ignore[arg-type]
    [trace] = visitor_history(engine, v["mohamed"]).merges  # type: ignore[arg-type]
    unmerge_visitors(engine, trace.id)  # "they are two people"
    assert _pairs(engine) == []


def test_an_erased_identity_is_never_in_the_review(engine: Engine, tmp_path: Path) -> None:
    v = _world(engine)
    (tmp_path / "b").mkdir()
    erase_on_request(engine, Settings(backup_dir=str(tmp_path / "b")), v["dialo"])  # type: ignore[arg-type]
    assert [p[:2] for p in _pairs(engine)] == [("MOHAMED Karim", "MUHAMMAD Karim")]
