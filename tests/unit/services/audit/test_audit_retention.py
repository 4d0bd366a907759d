"""The audit log's retention: entries older than 12 months go, the purge records itself with
the anchor, and the chain that is left is still checkable (and still catches tampering)."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta

from sqlalchemy import Engine, text

from sarah.db import write_session
from sarah.services.audit.chain import verify_chain
from sarah.services.audit.listing import list_entries
from sarah.services.audit.log import record
from sarah.services.audit.retention import months_before, purge_audit

NOW = datetime(2026, 12, 2, 10, 0)


def _monthly(engine: Engine, months: int) -> None:
    """One entry on the 15th of each of the ``months`` months before NOW, oldest first."""
    with write_session(engine) as session:
        for back in range(months, 0, -1):
            day = months_before(NOW.date(), back).replace(day=15)
            record(session, "alice", "login", at=datetime.combine(day, NOW.time()))


def test_months_before_keeps_the_day_or_the_end_of_month() -> None:
    assert months_before(date(2026, 12, 2), 12) == date(2025, 12, 2)
    assert months_before(date(2026, 3, 31), 1) == date(2026, 2, 28)
    assert months_before(date(2024, 3, 31), 1) == date(2024, 2, 29)
    assert months_before(date(2026, 1, 15), 13) == date(2024, 12, 15)


def test_nothing_old_nothing_removed(engine: Engine) -> None:
    _monthly(engine, 6)
    result = purge_audit(engine, NOW, actor="admin")
    assert (result.removed, result.seq) == (0, None)
    assert len(list_entries(engine)) == 6  # and no purge entry


def test_purge_keeps_twelve_months_and_a_checkable_chain(engine: Engine) -> None:
    _monthly(engine, 20)  # 15/04/2025 .. 15/11/2026
    result = purge_audit(engine, NOW, actor="admin")
    assert result.removed == 8  # 15/04/2025 .. 15/11/2025 are before 02/12/2025
    entries = list_entries(engine)
    assert entries[0].seq == 9 and entries[0].at == datetime(2025, 12, 15, 10, 0)
    purge = entries[-1]
    assert (purge.seq, purge.action, purge.actor, purge.target) == (21, "purge", "admin", "journal")
    assert purge.details is not None
    assert purge.details["removed"] == 8 and purge.details["before"] == "2025-12-02"
    assert purge.details["first_kept"] == 9 and purge.details["anchor"] == result.anchor
    check = verify_chain(engine)
    assert check.intact and check.entries == 13


def test_purge_of_everything_anchors_on_the_purge_entry(engine: Engine) -> None:
    _monthly(engine, 20)
    purge_audit(engine, NOW + timedelta(days=800), actor="admin")
    entries = list_entries(engine)
    assert [e.action for e in entries] == ["purge"]
    assert verify_chain(engine).intact


def test_two_purges_in_a_row(engine: Engine) -> None:
    _monthly(engine, 20)
    purge_audit(engine, NOW, actor="admin")
    with write_session(engine) as session:
        record(session, "bob", "login", at=NOW + timedelta(days=1))
    later = purge_audit(engine, NOW + timedelta(days=200), actor="admin")
    assert later.removed == 7  # 15/12/2025 .. 15/06/2026 are before 20/06/2026
    assert verify_chain(engine).intact


def test_after_a_purge_tampering_is_still_found(engine: Engine) -> None:
    _monthly(engine, 20)
    purge_audit(engine, NOW, actor="admin")
    with engine.begin() as conn:  # behind SARAH's back, as with a SQL tool
        conn.exec_driver_sql("DELETE FROM audit_log WHERE seq = 9")  # the oldest kept entry
    check = verify_chain(engine)
    assert check.broken_at == 9 and "aucune purge enregistrée" in check.message


def test_a_purge_entry_edited_is_found(engine: Engine) -> None:
    _monthly(engine, 20)
    purge_audit(engine, NOW, actor="admin")
    with engine.begin() as conn:
        details = conn.execute(text("SELECT details FROM audit_log WHERE seq = 21")).scalar_one()
        forged = json.loads(details) | {"removed": 2}
        conn.execute(
            text("UPDATE audit_log SET details = :d WHERE seq = 21"), {"d": json.dumps(forged)}
        )
    assert verify_chain(engine).broken_at == 21
