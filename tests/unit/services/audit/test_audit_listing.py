"""Reading the audit log with filters, as the admin's screen and `audit list` do: days, who,
which action, a text; newest first a page at a time; the names seen, accents and case aside."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import Engine

from sarah.db import write_session
from sarah.services.audit.listing import (
    AuditFilter,
    actions_matching,
    actors_named,
    actors_seen,
    count_entries,
    entries_page,
    iter_entries_newest_first,
    list_entries,
)
from sarah.services.audit.log import record

START = datetime(2026, 3, 2, 9, 0)


@pytest.fixture
def logged(engine: Engine) -> Engine:
    """Six entries, one a day from 02/03/2026."""
    entries = [
        ("Élodie", "login", None, None),
        ("bob", "export_named", "export mars.xlsx", {"rows": 12}),
        ("élodie", "login_failed", "Elodie", {"reason": "Nom ou mot de passe incorrect."}),
        ("bob", "import", "tableau_100%.csv", {"rows_read": 3}),
        ("Élodie", "merge", "4f0c", {"absorbed": "9a1b", "moved_contacts": 2}),
        ("marie (compte Marie)", "settings", "lock_minutes", {"old": 10, "new": 5}),
    ]
    with write_session(engine) as session:
        for day, (actor, action, target, details) in enumerate(entries):
            record(session, actor, action, target, details, at=START + timedelta(days=day))
    return engine


def _seqs(engine: Engine, wanted: AuditFilter) -> list[int]:
    return [e.seq for e in list_entries(engine, wanted=wanted)]


def test_no_filter_is_the_whole_log(logged: Engine) -> None:
    assert _seqs(logged, AuditFilter()) == [1, 2, 3, 4, 5, 6]
    assert count_entries(logged, AuditFilter()) == 6


def test_days_both_included(logged: Engine) -> None:
    wanted = AuditFilter(start=date(2026, 3, 3), end=date(2026, 3, 5))
    assert _seqs(logged, wanted) == [2, 3, 4]
    assert count_entries(logged, wanted) == 3
    assert [e.seq for e in list_entries(logged, date(2026, 3, 6))] == [5, 6]


def test_exact_actors_and_actions(logged: Engine) -> None:
    assert _seqs(logged, AuditFilter(actors=frozenset({"bob"}))) == [2, 4]
    assert _seqs(logged, AuditFilter(actions=frozenset({"login", "login_failed"}))) == [1, 3]
    both = AuditFilter(actors=frozenset({"Élodie"}), actions=frozenset({"login", "merge"}))
    assert _seqs(logged, both) == [1, 5]


@pytest.mark.parametrize(
    ("text", "seqs"),
    [
        ("mars.xlsx", [2]),  # the target
        ("BOB", [2, 4]),  # the actor, any case
        ("mot de passe", [3]),  # the details
        ("fusion", [5]),  # the action's French words
        ("reglages", [6]),  # ... without their accents
        ("100%", [4]),  # % and _ are letters here, not patterns
        ("u_1", [4]),
        ("personne", []),
    ],
)
def test_a_text_anywhere_in_the_entry(logged: Engine, text: str, seqs: list[int]) -> None:
    assert _seqs(logged, AuditFilter(text=text)) == seqs


def test_actions_matching_their_french_words() -> None:
    assert actions_matching("connexion") == {"login", "login_failed"}
    assert "purge" in actions_matching("PURGE DU JOURNAL")


def test_pages_newest_first(logged: Engine) -> None:
    first = entries_page(logged, AuditFilter(), limit=4)
    assert [e.seq for e in first] == [6, 5, 4, 3]
    rest = entries_page(logged, AuditFilter(), before=first[-1].seq, limit=4)
    assert [e.seq for e in rest] == [2, 1]
    bob = AuditFilter(actors=frozenset({"bob"}))
    assert [e.seq for e in entries_page(logged, bob, before=4)] == [2]
    assert [e.seq for e in iter_entries_newest_first(logged, AuditFilter(), page=2)] == [
        6, 5, 4, 3, 2, 1,
    ]  # fmt: skip


def test_the_names_seen_and_a_name_typed(logged: Engine) -> None:
    assert actors_seen(logged) == ["bob", "Élodie", "élodie", "marie (compte Marie)"]
    assert actors_named(logged, "ELODIE") == {"Élodie", "élodie"}
    assert actors_named(logged, "  Bob ") == {"bob"}
    assert actors_named(logged, "marie") == frozenset()  # the whole name, not a part


def test_the_details_read_back_as_an_object(logged: Engine) -> None:
    entry = list_entries(logged, wanted=AuditFilter(actions=frozenset({"merge"})))[0]
    assert entry.details == {"absorbed": "9a1b", "moved_contacts": 2}
    assert entry.label == "fusion de fiches"
