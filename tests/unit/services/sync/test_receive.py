"""Importing a package: what it says, what it spends (a backup only when something changes),
what it refuses when it does not fit this installation, what it leaves behind."""

from __future__ import annotations

import os
import sqlite3
import time
import uuid
from datetime import date
from datetime import time as clock
from pathlib import Path

import pytest
from faults.faultkit import dump
from sqlalchemy import Engine

from sarah import paths
from sarah.services.backups.listing import list_backups
from sarah.services.backups.record import configured_backup_folder
from sarah.services.contacts import ContactDraft, log_contact
from sarah.services.database import open_database
from sarah.services.sites import ensure_site
from sarah.services.sync.container import clean_scratch_folder, scratch_folder
from sarah.services.sync.export import export_package, fill_container
from sarah.services.sync.keys import NetworkKey, install_key
from sarah.services.sync.package import write_package
from sarah.services.sync.receive import import_package
from sarah.services.sync.validate import InvalidContent
from sarah.services.sync.words import import_lines


@pytest.fixture
def pair(tmp_path: Path) -> tuple[Engine, Engine, Path]:
    key = NetworkKey.generate()
    a, b = open_database(tmp_path / "a.sqlite"), open_database(tmp_path / "b.sqlite")
    for engine in (a, b):
        install_key(engine, key)
    site = ensure_site(a, "Grésilles")
    log_contact(a, ContactDraft(site.id, "physique", date(2019, 2, 4), clock(10)))
    package = tmp_path / "a.sarahsync"
    export_package(a, package, name="Grésilles")
    return a, b, package


def test_a_package_that_brings_nothing_spends_no_backup(pair: tuple[Engine, Engine, Path]) -> None:
    _a, b, package = pair
    first = import_package(b, package)
    assert first.counts.new["contacts"] == 1 and first.backup is not None
    again = import_package(b, package)
    assert again.changed == 0 and again.backup is None
    assert "Rien de nouveau" in " ".join(import_lines(again))
    assert len(list_backups(configured_backup_folder())) == 1


def test_a_dry_run_says_what_would_change_and_changes_nothing(
    pair: tuple[Engine, Engine, Path], tmp_path: Path
) -> None:
    _a, b, package = pair
    before = dump(tmp_path / "b.sqlite")
    preview = import_package(b, package, dry_run=True)
    assert preview.dry_run and preview.counts.new == {
        "sites": 1,
        "services": 0,
        "neighbourhoods": 0,
        "visitors": 0,
        "visitor_merges": 0,
        "contacts": 1,
        "closed_days": 0,
    }
    assert dump(tmp_path / "b.sqlite") == before
    assert "Ce paquet apporterait" in import_lines(preview)[0]


def test_two_services_of_one_code_under_two_ids_refuse_the_package_whole(
    pair: tuple[Engine, Engine, Path], tmp_path: Path
) -> None:
    """Service ids come from their codes everywhere; a package that says otherwise does not
    fit this installation: refused, nothing changed."""
    a, b, _package = pair
    a.dispose()
    db = tmp_path / "a.sqlite"
    conn = sqlite3.connect(db)
    conn.execute(
        "UPDATE services SET id = ? WHERE code = (SELECT min(code) FROM services)",
        (uuid.uuid4().hex,),
    )
    conn.commit()
    conn.close()
    container, bad = tmp_path / "c.sqlite", tmp_path / "bad.sarahsync"
    fill_container(db, container, "Grésilles")
    from sarah.services.sync.keys import installed_key

    key = installed_key(b)
    assert key is not None
    write_package(container, bad, key)
    before = dump(tmp_path / "b.sqlite")
    with pytest.raises(InvalidContent) as refused:
        import_package(b, bad)
    assert refused.value.code == "invalid_content" and "bad.sarahsync" in refused.value.message
    assert dump(tmp_path / "b.sqlite") == before


def test_containers_left_by_a_killed_run_are_removed_those_in_use_stay(basedir: Path) -> None:
    folder = scratch_folder()
    old, young = folder / "conteneur-old.sqlite", folder / "conteneur-young.sqlite"
    for f in (old, young):
        f.write_bytes(b"names in clear")
    past = time.time() - 7 * 3600
    os.utime(old, (past, past))
    assert clean_scratch_folder() == [old]
    assert not old.exists() and young.exists()
    assert folder == paths.data_dir() / "synchronisation"


def test_a_large_first_merge_done_in_bulk_keeps_the_statistics_and_the_schema(
    pair: tuple[Engine, Engine, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In bulk (triggers and person indexes set aside, sums computed again): the same sums as
    row by row, and the schema exactly as before."""
    import sarah.services.sync.bulk as bulk
    from sarah.services.statistics.upkeep import statistics_drift

    a, b, _package = pair
    site = ensure_site(a, "Grésilles")
    for day in range(1, 29):
        log_contact(a, ContactDraft(site.id, "telephone", date(2019, 3, day), clock(9)))
    package = tmp_path / "bigger.sarahsync"
    export_package(a, package, name="Grésilles")
    schema_before = _schema(tmp_path / "b.sqlite")
    monkeypatch.setattr(bulk, "BULK_MIN_CONTACTS", 10)
    used: list[bool] = []
    real = bulk.is_bulk
    monkeypatch.setattr(
        "sarah.services.sync.receive.is_bulk", lambda conn: used.append(real(conn)) or used[-1]
    )
    import_package(b, package)
    assert used == [True]
    assert statistics_drift(b) == []
    assert _schema(tmp_path / "b.sqlite") == schema_before
    # And the triggers work again: a contact typed now is counted.
    log_contact(
        b, ContactDraft(ensure_site(b, "Grésilles").id, "physique", date(2019, 4, 1), clock(9))
    )
    assert statistics_drift(b) == []


def _schema(db: Path) -> list[tuple[str, str, str]]:
    conn = sqlite3.connect(db)
    try:
        return sorted(conn.execute("SELECT type, name, sql FROM sqlite_master"))
    finally:
        conn.close()


def test_rows_whose_versions_are_not_those_the_manifest_sums_up_are_refused(
    pair: tuple[Engine, Engine, Path], tmp_path: Path
) -> None:
    _a, b, _package = pair
    container, bad = tmp_path / "c.sqlite", tmp_path / "edited.sarahsync"
    fill_container(tmp_path / "a.sqlite", container, "Grésilles")
    conn = sqlite3.connect(container)
    conn.execute("UPDATE contacts SET revision = revision + 1")  # a version edited afterwards
    conn.commit()
    conn.close()
    from sarah.services.sync.keys import installed_key

    key = installed_key(b)
    assert key is not None
    write_package(container, bad, key)
    before = dump(tmp_path / "b.sqlite")
    with pytest.raises(InvalidContent) as refused:
        import_package(b, bad)
    assert "versions de la table contacts" in refused.value.message
    assert dump(tmp_path / "b.sqlite") == before
