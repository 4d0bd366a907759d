"""The audit log's hash chain on a real database: an entry edited, deleted, or two swapped
with plain SQL (as someone with the file and a SQLite tool, or psql, would) is found at the
right seq."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

import pytest
from sqlalchemy import Engine, select

from sarah.db import read_connection, write_session
from sarah.errors import InvalidInput
from sarah.schema import audit_log
from sarah.services.audit.actions import ACTION_LABELS, ACTIONS
from sarah.services.audit.chain import GENESIS, entry_hash, verify_chain
from sarah.services.audit.log import os_user_name, record

START = datetime(2026, 3, 2, 9, 0)


def _fill(engine: Engine, n: int, start: datetime = START) -> None:
    with write_session(engine) as session:
        for i in range(n):
            record(
                session,
                f"agent{i % 3}",
                ACTIONS[i % len(ACTIONS)],
                target=f"contact {i}",
                details={"n": i, "fichier": "données é.csv"},
                at=start + timedelta(hours=i),
            )


def _sql(engine: Engine, *statements: str) -> None:
    """Plain SQL behind SARAH's back, in one transaction (as someone with a SQL tool would)."""
    with engine.begin() as conn:
        for statement in statements:
            conn.exec_driver_sql(statement)


def test_an_empty_log_is_intact(engine: Engine) -> None:
    check = verify_chain(engine)
    assert check.intact and check.entries == 0
    assert check.message == "journal intègre (0 entrée)"


def test_entries_are_chained_from_genesis(engine: Engine) -> None:
    _fill(engine, 5)
    with read_connection(engine) as conn:
        rows = conn.execute(select(audit_log).order_by(audit_log.c.seq)).all()
    assert [r.seq for r in rows] == [1, 2, 3, 4, 5]
    assert rows[0].prev_hash == GENESIS
    assert all(b.prev_hash == a.hash for a, b in zip(rows, rows[1:], strict=False))
    assert rows[0].details == '{"fichier":"données é.csv","n":0}'
    check = verify_chain(engine)
    assert check.intact and check.message == "journal intègre (5 entrées)"


def test_a_record_rolled_back_leaves_nothing(engine: Engine) -> None:
    with pytest.raises(RuntimeError), write_session(engine) as session:
        record(session, "alice", "login")
        raise RuntimeError("the caller's work failed")
    assert verify_chain(engine).entries == 0


def test_a_record_on_a_core_connection(engine: Engine) -> None:
    with engine.begin() as conn:
        first = record(conn, "alice", "login")
    with engine.begin() as conn:
        second = record(conn, "alice", "settings", details={"clé": "valeur"})
    assert (first.seq, second.seq) == (1, 2)
    assert verify_chain(engine).intact


def test_an_unknown_action_is_refused(engine: Engine) -> None:
    with (
        pytest.raises(InvalidInput, match="Action de journal inconnue"),
        write_session(engine) as session,
    ):
        record(session, "alice", "dance")


def test_every_action_has_french_words() -> None:
    assert set(ACTIONS) == {
        "login", "login_failed", "export_named", "drilldown_named", "merge", "unmerge",
        "delete_contact", "import", "sync_export", "sync_import", "restore", "purge", "erase",
        "export_audit",
        "settings", "account", "retention_purge", "backups_replaced",
        "period_close", "period_reopen",
    }  # fmt: skip
    assert all(ACTION_LABELS[a] for a in ACTIONS)


def test_the_os_user_is_the_command_line_actor(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("getpass.getuser", lambda: "marie")
    assert os_user_name() == "marie"

    def unknown() -> str:
        raise OSError("no user")

    monkeypatch.setattr("getpass.getuser", unknown)
    assert os_user_name() == "non renseigné"


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_log SET actor = 'mallory' WHERE seq = 4",
        "UPDATE audit_log SET details = '{\"n\":99}' WHERE seq = 4",
        "UPDATE audit_log SET at = '2026-03-02 09:00:01.000000' WHERE seq = 4",
        "UPDATE audit_log SET target = NULL WHERE seq = 4",
    ],
)
def test_an_edited_entry_is_found(engine: Engine, statement: str) -> None:
    _fill(engine, 8)
    _sql(engine, statement)
    check = verify_chain(engine)
    assert not check.intact and check.broken_at == 4
    assert check.message == (
        "journal rompu à l'entrée n° 4 : son contenu ne correspond plus à son empreinte (modifiée)"
    )


def test_the_first_entry_pointing_elsewhere_is_found(engine: Engine) -> None:
    _fill(engine, 3)
    _sql(engine, "UPDATE audit_log SET prev_hash = hash WHERE seq = 1")
    assert verify_chain(engine).message == (
        "journal rompu à l'entrée n° 1 : elle n'ouvre plus le journal (modifiée)"
    )


def test_an_edited_entry_with_a_recomputed_hash_breaks_the_next_link(engine: Engine) -> None:
    _fill(engine, 8)
    with read_connection(engine) as conn:
        row = conn.execute(select(audit_log).where(audit_log.c.seq == 4)).one()
    forged = entry_hash(4, row.at, "mallory", row.action, row.target, row.details, row.prev_hash)
    _sql(engine, f"UPDATE audit_log SET actor = 'mallory', hash = '{forged}' WHERE seq = 4")
    check = verify_chain(engine)
    assert check.broken_at == 5
    assert check.message == (
        "journal rompu à l'entrée n° 5 : elle ne suit pas l'entrée n° 4 (insérée ou déplacée)"
    )


@pytest.mark.parametrize("seq", [1, 5])
def test_a_deleted_entry_is_found(engine: Engine, seq: int) -> None:
    _fill(engine, 8)
    _sql(engine, f"DELETE FROM audit_log WHERE seq = {seq}")
    check = verify_chain(engine)
    assert check.broken_at == seq
    assert "a disparu" in check.message or "a été supprimée" in check.message


@pytest.mark.parametrize("removed", [1, 3])
def test_entries_removed_from_the_end_are_found(engine: Engine, removed: int) -> None:
    """No link shows that the newest entries are gone: the installation's note of the newest
    one does."""
    _fill(engine, 8)
    _sql(engine, f"DELETE FROM audit_log WHERE seq > {8 - removed}")
    check = verify_chain(engine)
    assert check.broken_at == 9 - removed
    assert "la fin du journal a été retirée" in check.message and "n° 8" in check.message


def test_the_whole_log_removed_is_found(engine: Engine) -> None:
    _fill(engine, 3)
    _sql(engine, "DELETE FROM audit_log")
    assert not verify_chain(engine).intact


def test_two_swapped_entries_are_found(engine: Engine) -> None:
    _fill(engine, 8)
    _sql(
        engine,
        "UPDATE audit_log SET seq = -1 WHERE seq = 3",
        "UPDATE audit_log SET seq = 3 WHERE seq = 6",
        "UPDATE audit_log SET seq = 6 WHERE seq = -1",
    )
    assert verify_chain(engine).broken_at == 3


def test_an_entry_inserted_by_hand_is_found(engine: Engine) -> None:
    _fill(engine, 4)
    _sql(
        engine,
        "UPDATE audit_log SET seq = seq + 100 WHERE seq >= 3",  # two steps: seq is unique
        "UPDATE audit_log SET seq = seq - 99 WHERE seq >= 100",
        "INSERT INTO audit_log (seq, at, actor, action, prev_hash, hash) "
        f"VALUES (3, '2026-03-02 11:30:00.000000', 'mallory', 'login', '{GENESIS}', '{GENESIS}')",
    )
    assert verify_chain(engine).broken_at == 3


def test_writers_serialise_on_the_write_transaction(engine: Engine, db_target: str) -> None:
    """Two desks (two engines on one file, two threads) writing at once: each reads the last
    entry inside its BEGIN IMMEDIATE, so the chain stays one line."""
    from sarah.services.database import open_database

    other = open_database(db_target)

    def desk(eng: Engine, name: str) -> None:
        for _ in range(15):
            with write_session(eng) as session:
                record(session, name, "login")

    try:
        threads = [
            threading.Thread(target=desk, args=(eng, name))
            for eng, name in ((engine, "poste1"), (other, "poste2"))
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        other.dispose()
    check = verify_chain(engine)
    assert check.intact and check.entries == 30


def test_the_chain_on_postgresql(pg_engine: Engine) -> None:
    _fill(pg_engine, 5)
    assert verify_chain(pg_engine).intact
    with pg_engine.begin() as conn:
        conn.execute(audit_log.update().where(audit_log.c.seq == 2).values(actor="mallory"))
    assert verify_chain(pg_engine).broken_at == 2
