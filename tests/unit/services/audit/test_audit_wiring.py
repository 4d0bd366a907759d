"""Each audited act leaves exactly one entry, in its own transaction (issue 11, item 2): the
right actor, action and target, the chain intact; an act refused or rolled back leaves none."""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Iterator
from datetime import date, time
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher
from helpers.import_files import HEADER, SAMPLE_ROWS
from sqlalchemy import Engine, select

from sarah.db import read_connection, write_session
from sarah.schema import audit_log, visitor_merges
from sarah.services.accounts import passwords
from sarah.services.accounts.store import (
    LoginRefused,
    add_account,
    authenticate,
    disable_account,
    list_accounts,
)
from sarah.services.audit import actor
from sarah.services.audit.actor import current_actor, set_actor
from sarah.services.audit.chain import verify_chain
from sarah.services.audit.log import os_user_name, record, record_sqlite
from sarah.services.backups.create import create_backup
from sarah.services.backups.restore import restore_backup
from sarah.services.contacts import ContactDraft, delete_contact, log_contact
from sarah.services.database import open_database
from sarah.services.imports.problems import ImportRejected
from sarah.services.imports.run import import_rows
from sarah.services.sites import ensure_site
from sarah.services.sync.export import export_package
from sarah.services.sync.keys import NetworkKey, install_key
from sarah.services.sync.receive import import_package
from sarah.services.visitor_merges import unmerge_visitors
from sarah.services.visitors import create_visitor, merge_visitors

PASSWORD = "une phrase de passe assez longue"
ACTOR = "Amina (test)"


@pytest.fixture(autouse=True)
def acting(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A known actor for every test, and the process-wide one put back after."""
    monkeypatch.setattr(actor, "_actor", None)
    set_actor(ACTOR)
    yield


@pytest.fixture
def cheap_hasher(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(passwords, "HASHER", PasswordHasher(time_cost=1, memory_cost=1024))
    monkeypatch.setattr(passwords, "_decoy", [])


def entries(engine: Engine) -> list[Any]:
    with read_connection(engine) as conn:
        return list(conn.execute(select(audit_log).order_by(audit_log.c.seq)).all())


def the_one(engine: Engine, action: str) -> Any:
    """The single entry of the log, checked to be ``action`` by the test's actor, chain intact."""
    [entry] = entries(engine)
    assert (entry.actor, entry.action) == (ACTOR, action)
    assert verify_chain(engine).intact
    return entry


# --- the actor -------------------------------------------------------------------------------


def test_the_actor_is_the_os_user_until_one_is_set(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(actor, "_actor", None)
    assert current_actor() == os_user_name()
    set_actor("Léa")
    assert current_actor() == "Léa"


# --- accounts --------------------------------------------------------------------------------


def test_adding_an_account_is_logged(engine: Engine, cheap_hasher: None) -> None:
    add_account(engine, " Karim ", "agent", PASSWORD)
    entry = the_one(engine, "account")
    assert entry.target == "Karim"
    assert PASSWORD not in str(tuple(entry))


def test_a_refused_account_leaves_no_entry(engine: Engine, cheap_hasher: None) -> None:
    add_account(engine, "Karim", "agent", PASSWORD)
    with pytest.raises(Exception, match="existe déjà"):
        add_account(engine, "karim", "agent", PASSWORD)
    assert [e.action for e in entries(engine)] == ["account"]


def test_disabling_an_account_is_logged_once(engine: Engine, cheap_hasher: None) -> None:
    add_account(engine, "Admin", "admin", PASSWORD)
    add_account(engine, "Karim", "agent", PASSWORD)
    assert disable_account(engine, "karim")
    assert not disable_account(engine, "Karim")  # already disabled: nothing done, nothing logged
    rows = entries(engine)
    assert [(e.action, e.target) for e in rows] == [
        ("account", "Admin"),
        ("account", "Karim"),
        ("account", "Karim"),
    ]
    assert '"disable"' in rows[-1].details
    assert verify_chain(engine).intact


def test_a_login_is_logged(engine: Engine, cheap_hasher: None) -> None:
    add_account(engine, "Karim", "agent", PASSWORD)
    authenticate(engine, "karim", PASSWORD)
    login = entries(engine)[-1]
    assert (login.actor, login.action, login.target) == (ACTOR, "login", "Karim")
    assert verify_chain(engine).intact


@pytest.mark.parametrize("typed", ["Karim", "Inconnu"])
def test_a_failed_login_is_logged_with_its_counter(
    engine: Engine, cheap_hasher: None, typed: str
) -> None:
    add_account(engine, "Karim", "agent", PASSWORD)
    with pytest.raises(LoginRefused):
        authenticate(engine, f" {typed} ", "mauvais mot de passe")
    failed = entries(engine)[-1]
    assert (failed.actor, failed.action, failed.target) == (ACTOR, "login_failed", typed)
    assert "mauvais" not in str(tuple(failed))  # never the password
    [account] = list_accounts(engine)
    assert account.failed_attempts == (1 if typed == "Karim" else 0)
    assert verify_chain(engine).intact


def test_a_login_refused_during_a_wait_is_logged(engine: Engine, cheap_hasher: None) -> None:
    add_account(engine, "Karim", "agent", PASSWORD)
    for _ in range(5):
        with pytest.raises(LoginRefused):
            authenticate(engine, "Karim", "mauvais mot de passe")
    actions = [e.action for e in entries(engine)]
    assert actions == ["account"] + ["login_failed"] * 5
    assert "réessayez" in entries(engine)[-1].details


# --- people and contacts ---------------------------------------------------------------------


def _person(engine: Engine, last: str, site_id: uuid.UUID) -> uuid.UUID:
    return create_visitor(engine, last_name=last, first_name="Léa", site_id=site_id).id


def test_a_merge_and_its_undo_are_logged(engine: Engine) -> None:
    site = ensure_site(engine, "Grésilles")
    kept, absorbed = _person(engine, "Durand", site.id), _person(engine, "Durant", site.id)
    log_contact(engine, ContactDraft(site.id, "physique", date(2026, 3, 2), time(10), absorbed))
    merge_visitors(engine, kept, absorbed, site_id=site.id)
    merge = the_one(engine, "merge")
    assert merge.target == str(kept) and str(absorbed) in merge.details
    with read_connection(engine) as conn:
        merge_id = conn.execute(select(visitor_merges.c.id)).scalar_one()
    unmerge_visitors(engine, merge_id, site_id=site.id)
    undo = entries(engine)[-1]
    assert (undo.actor, undo.action, undo.target) == (ACTOR, "unmerge", str(merge_id))
    assert len(entries(engine)) == 2 and verify_chain(engine).intact


def test_a_refused_merge_leaves_no_entry(engine: Engine) -> None:
    site = ensure_site(engine, "Grésilles")
    kept = _person(engine, "Durand", site.id)
    with pytest.raises(Exception, match="elle-même"):
        merge_visitors(engine, kept, kept)
    assert entries(engine) == []


def test_deleting_a_contact_is_logged_once(engine: Engine) -> None:
    site = ensure_site(engine, "Grésilles")
    saved = log_contact(engine, ContactDraft(site.id, "physique", date(2026, 3, 2), time(10)))
    delete_contact(engine, saved.id)
    delete_contact(engine, saved.id)  # already deleted: nothing done
    assert the_one(engine, "delete_contact").target == str(saved.id)


# --- imports ---------------------------------------------------------------------------------


def _rows() -> list[dict[str, object]]:
    return [dict(zip(HEADER, r, strict=True)) for r in SAMPLE_ROWS]


def test_an_import_is_logged_with_its_counts(engine: Engine) -> None:
    result = import_rows(engine, _rows(), source_name="janvier.csv")
    entry = the_one(engine, "import")
    assert entry.target == "janvier.csv"
    assert f'"contacts_added":{result.contacts_added}' in entry.details
    assert "Dupont" not in entry.details  # counts only, no name from the file


def test_a_dry_run_or_a_refused_import_leaves_no_entry(engine: Engine) -> None:
    import_rows(engine, _rows(), source_name="essai.csv", dry_run=True)
    rows = _rows()
    rows[1]["canal"] = "pigeon"
    with pytest.raises(ImportRejected):
        import_rows(engine, rows, source_name="refusé.csv")
    assert entries(engine) == []


# --- sync ------------------------------------------------------------------------------------


def test_sending_and_receiving_a_package_are_logged(tmp_path: Path) -> None:
    key = NetworkKey.generate()
    sender, receiver = open_database(tmp_path / "fo.sqlite"), open_database(tmp_path / "gr.sqlite")
    try:
        for engine in (sender, receiver):
            install_key(engine, key)
        site = ensure_site(sender, "Fontaine d'Ouche")
        log_contact(sender, ContactDraft(site.id, "physique", date(2026, 3, 2), time(10)))
        package = tmp_path / "fo.sarahsync"
        export_package(sender, package, name="Fontaine d'Ouche")
        assert the_one(sender, "sync_export").target == "fo.sarahsync"

        import_package(receiver, package, dry_run=True)
        assert entries(receiver) == []  # a preview merges nothing for good
        import_package(receiver, package)
        received = the_one(receiver, "sync_import")
        assert received.target == "fo.sarahsync" and '"new":' in received.details
        import_package(receiver, package)  # nothing new the second time: no merge, no entry
        assert len(entries(receiver)) == 1
    finally:
        sender.dispose()
        receiver.dispose()


@pytest.mark.sqlite_only(
    "record_sqlite writes through a sqlite3 connection to the file (a restore)"
)
def test_record_sqlite_continues_the_same_chain(engine: Engine, db_path: Path) -> None:
    with write_session(engine) as session:
        record(session, ACTOR, "settings", "réglages", {"n": 1})
    conn = sqlite3.connect(db_path, isolation_level=None)
    try:
        conn.execute("BEGIN IMMEDIATE")
        record_sqlite(conn, ACTOR, "restore", "fichier é.sqlite", {"n": 2})
        conn.execute("COMMIT")
    finally:
        conn.close()
    with write_session(engine) as session:
        record(session, ACTOR, "settings", "réglages", {"n": 3})
    assert [e.seq for e in entries(engine)] == [1, 2, 3]
    assert verify_chain(engine).intact


# --- restore ---------------------------------------------------------------------------------


@pytest.mark.sqlite_only("backs up and restores the SQLite file")
def test_a_restore_is_logged_in_the_restored_file(
    engine: Engine, db_path: Path, tmp_path: Path
) -> None:
    site = ensure_site(engine, "Grésilles")
    log_contact(engine, ContactDraft(site.id, "physique", date(2026, 3, 2), time(10)))
    folder = tmp_path / "Sauvegardes"
    folder.mkdir()
    info = create_backup(db_path, folder, "manuelle")
    engine.dispose()
    restore_backup(db_path, info.path, folder=folder)
    restored = open_database(db_path)
    try:
        entry = the_one(restored, "restore")
        assert entry.target == info.path.name
    finally:
        restored.dispose()
