"""The audit log's automatic purge: entries older than the setting go, at most one purge a day
(the day read from the log itself), and the chain stays checkable."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import Engine

from sarah.db import write_session
from sarah.services.audit import actor as actor_module
from sarah.services.audit.actor import set_actor
from sarah.services.audit.chain import verify_chain
from sarah.services.audit.listing import list_entries
from sarah.services.audit.log import record
from sarah.services.audit.upkeep import last_purge_day, purge_audit_if_due

TODAY = date(2026, 12, 2)


@pytest.fixture(autouse=True)
def actor() -> Iterator[None]:
    set_actor("marie")
    yield
    actor_module._actor = None  # later tests' entries name the OS user again


def _log(engine: Engine, *days_ago: int) -> None:
    with write_session(engine) as session:
        for back in days_ago:
            at = datetime.combine(TODAY - timedelta(days=back), datetime.min.time()).replace(hour=9)
            record(session, "alice", "login", at=at)


def test_old_entries_go_once_a_day(engine: Engine) -> None:
    _log(engine, 500, 400, 300, 10)
    first = purge_audit_if_due(engine, 12, today=TODAY)
    assert first is not None and first.removed == 2
    assert last_purge_day(engine) == TODAY
    kept = list_entries(engine)
    assert [(e.action, e.actor) for e in kept] == [
        ("login", "alice"), ("login", "alice"), ("purge", "marie"),
    ]  # fmt: skip
    assert kept[-1].at.date() == TODAY
    # Later the same day: already done, nothing read nor written.
    _log(engine, 450)  # (a clock set back would write such an entry)
    assert purge_audit_if_due(engine, 12, today=TODAY) is None
    assert len(list_entries(engine)) == 4
    assert verify_chain(engine).intact


def test_the_next_day_it_runs_again(engine: Engine) -> None:
    _log(engine, 500, 10)
    assert purge_audit_if_due(engine, 12, today=TODAY) is not None
    _log(engine, 370)
    again = purge_audit_if_due(engine, 12, today=TODAY + timedelta(days=1))
    assert again is not None and again.removed == 3  # the back-dated entry and those before it
    assert [e.action for e in list_entries(engine)] == ["purge"]
    assert verify_chain(engine).intact


def test_nothing_old_writes_nothing(engine: Engine) -> None:
    _log(engine, 30, 1)
    result = purge_audit_if_due(engine, 12, today=TODAY)
    assert result is not None and result.removed == 0 and result.seq is None
    assert last_purge_day(engine) is None and len(list_entries(engine)) == 2
    assert purge_audit_if_due(engine, 12, today=TODAY) is not None  # cheap, and still nothing
    assert len(list_entries(engine)) == 2


def test_the_setting_decides_how_long(engine: Engine) -> None:
    _log(engine, 250, 200, 150, 10)
    result = purge_audit_if_due(engine, 6, today=TODAY)
    assert result is not None and result.removed == 2
    assert result.cutoff == datetime(2026, 6, 2)


def test_an_empty_log(engine: Engine) -> None:
    result = purge_audit_if_due(engine, 12)
    assert result is not None and result.removed == 0
    assert list_entries(engine) == []
