"""kill -9 at many points during saves, a backup, a migration and a large import.

Each case starts real worker processes (forked by tests/faults/zygote.py) and kills them with
SIGKILL at >= 50 moments spread over the operation's measured duration. After each kill:
integrity_check ok, foreign_key_check empty, the operation all or nothing, every acknowledged
save present, the previous verified backup intact, and the next start removes temporary files.
"""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from faults.faultkit import (
    Zygote,
    integrity,
    kill_delays,
    read_lines,
    verified_backups_intact,
)
from sqlalchemy import Engine, insert, text

from sarah.db import create_db_engine, head_revision, write_session
from sarah.models import Contact, contact_services
from sarah.services.backups.create import create_backup
from sarah.services.backups.files import sha256_file
from sarah.services.backups.startup import check_database
from sarah.services.catalogue import list_services
from sarah.services.database import open_database
from sarah.services.sites import ensure_site
from sarah.services.visitors import create_visitor

pytestmark = pytest.mark.slow

KILL_POINTS = 50


@pytest.fixture
def zygote(basedir: Path) -> Iterator[Zygote]:
    z = Zygote(basedir)
    yield z
    z.close()


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    f = tmp_path / "sauvegardes"
    f.mkdir()
    return f


def _partials(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.partial"))


def _bulk_contacts(engine: Engine, n: int) -> None:
    """``n`` contacts in one transaction (fast set-up for the backup case)."""
    import uuid
    from datetime import date, datetime, time

    site = ensure_site(engine, "Fontaine d'Ouche")
    services = list_services(engine)[:2]
    with write_session(engine) as s:
        ids = [uuid.uuid4() for _ in range(n)]
        s.execute(
            insert(Contact),
            [
                {
                    "id": cid,
                    "site_id": site.id,
                    "origin_site_id": site.id,
                    "local_date": date(2019, 1 + i % 12, 1 + i % 28),
                    "local_time": time(9 + i % 8, i % 60),
                    "entered_at": datetime(2019, 7, 1),
                    "channel": "physique",
                    "revision": 1,
                }
                for i, cid in enumerate(ids)
            ],
        )
        s.execute(
            insert(contact_services),
            [{"contact_id": cid, "service_id": svc.id} for cid in ids for svc in services],
        )


def _contact_ids(db: Path) -> set[str]:
    conn = sqlite3.connect(f"file:{db.as_posix()}?mode=ro", uri=True)
    try:
        return {r[0] for r in conn.execute("SELECT id FROM contacts")}
    finally:
        conn.close()


def _services_per_contact(db: Path) -> set[int]:
    conn = sqlite3.connect(f"file:{db.as_posix()}?mode=ro", uri=True)
    try:
        rows = conn.execute(
            "SELECT count(cs.service_id) FROM contacts c "
            "LEFT JOIN contact_services cs ON cs.contact_id = c.id GROUP BY c.id"
        )
        return {r[0] for r in rows}
    finally:
        conn.close()


def test_kill_during_saves_loses_no_acknowledged_entry(
    engine: Engine, db_path: Path, zygote: Zygote, tmp_path: Path
) -> None:
    site = ensure_site(engine, "Grésilles")
    services = [s.id.hex for s in list_services(engine)[:2]]
    visitor = create_visitor(engine, last_name="Roux", first_name="Ana", site_id=site.id)
    engine.dispose()
    acknowledged: set[str] = set()
    interrupted = 0
    # Each worker opens the database (check, migrations) then saves in a loop. Kill points
    # spread from "still opening" (killed at once) to "nine saves acknowledged", chosen by what
    # the worker says it has saved, never by a delay.
    for i in range(KILL_POINTS):
        target = i % 10
        out = tmp_path / f"saves-{i}.txt"

        def said(lines: list[str], target: int = target) -> bool:
            return sum(line.startswith("ACK") for line in lines) >= target

        lines = zygote.kill_when(
            "save_loop",
            out,
            said,
            db=db_path,
            site=site.id.hex,
            services=services,
            visitor=visitor.id.hex,
        )
        acks = {line.split()[1] for line in lines if line.startswith("ACK")}
        interrupted += bool(acks)
        acknowledged |= acks
        problems, orphans = integrity(db_path)
        assert problems == [] and orphans == []
        present = _contact_ids(db_path)
        assert acknowledged <= present, f"kill {i}: lost {acknowledged - present}"
        # All or nothing: no contact without its two services.
        assert _services_per_contact(db_path) <= {2}
    assert interrupted >= KILL_POINTS // 2 and len(acknowledged) > KILL_POINTS
    # And the next start is clean.
    report = check_database(db_path)
    assert not report.damaged


def test_kill_during_a_backup_leaves_older_backups_intact_and_no_temp_file(
    engine: Engine, db_path: Path, zygote: Zygote, folder: Path, tmp_path: Path
) -> None:
    _bulk_contacts(engine, 20_000)
    engine.dispose()
    previous = create_backup(db_path, folder, "manuelle")
    previous_digest = sha256_file(previous.path)
    source_digest = sha256_file(db_path)
    duration = zygote.run("backup", tmp_path / "measure.txt", db=db_path, folder=folder)
    zygote.run("backup_steps", tmp_path / "steps.txt", db=db_path, folder=folder)
    _remove_backups_but(folder, previous.path)
    steps = [line for line in read_lines(tmp_path / "steps.txt") if line.startswith("STEP")]
    assert steps  # the copy's fsync, its rename, the manifest's…
    # Kills at each durable step the worker says it reached (the same on any machine), then
    # spread over the copy and its verification (where they land depends on the machine, so
    # nothing below counts on them).
    runs: list[tuple[str, int | float]] = [("step", n) for n in range(1, len(steps) + 1)]
    runs += [("delay", d) for d in kill_delays(duration, KILL_POINTS)]
    for i, (kind, point) in enumerate(runs):
        out = tmp_path / f"backup-{i}.txt"
        if kind == "step":
            lines = zygote.kill_at_step("backup_steps", out, int(point), db=db_path, folder=folder)
            assert not any(line.startswith("DONE") for line in lines)  # killed before the end
        else:
            lines = zygote.kill_after("backup", out, point, db=db_path, folder=folder)
        # Every file with a final name is a complete, verified backup.
        kept = verified_backups_intact(folder)
        assert previous.path in kept and sha256_file(previous.path) == previous_digest
        # The database itself was only read.
        assert integrity(db_path) == ([], [])
        # The next start removes the half-written copy.
        check_database(db_path, folder)
        assert _partials(folder) == []
        assert not [j for j in folder.glob("*.json") if not j.with_suffix(".sqlite").exists()]
        _remove_backups_but(folder, previous.path)
    assert sha256_file(db_path) == source_digest


def _remove_backups_but(folder: Path, keep: Path) -> None:
    for extra in folder.glob("*.sqlite"):
        if extra != keep:
            extra.unlink()
            extra.with_suffix(".json").unlink(missing_ok=True)


BASE_REVISION = "0001"


def _base_database_with_data(path: Path, rows: int) -> None:
    """A SARAH file of the first released schema, holding data a migration must keep."""
    from alembic import command

    from sarah.db import alembic_config

    engine = create_db_engine(path)
    with engine.begin() as conn:
        command.upgrade(alembic_config(conn), BASE_REVISION)
    engine.dispose()
    conn = sqlite3.connect(path)
    try:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("CREATE TABLE keepme (id INTEGER PRIMARY KEY, note TEXT)")
        conn.executemany(
            "INSERT INTO keepme (note) VALUES (?)", ((f"saisie {i} " * 4,) for i in range(rows))
        )
        conn.commit()
    finally:
        conn.close()


def _revision(db: Path) -> str | None:
    conn = sqlite3.connect(f"file:{db.as_posix()}?mode=ro", uri=True)
    try:
        return conn.execute("SELECT version_num FROM alembic_version").fetchone()[0]
    finally:
        conn.close()


def test_kill_during_a_migration_is_all_or_nothing(
    zygote: Zygote, basedir: Path, tmp_path: Path
) -> None:
    template = tmp_path / "template.sqlite"
    _base_database_with_data(template, 60_000)
    folder = basedir / "data" / "sauvegardes"  # the default backup folder of the settings
    db = tmp_path / "sarah.sqlite"
    shutil.copy(template, db)
    duration = zygote.run("migrate", tmp_path / "measure.txt", db=db)
    assert _revision(db) == head_revision()
    previous = next(iter(verified_backups_intact(folder)))
    previous_digest = sha256_file(previous)
    outcomes: set[str | None] = {head_revision()}  # the run to the end
    _reset(db, template)
    zygote.run("migrate_steps", tmp_path / "steps.txt", db=db)
    steps = [line for line in read_lines(tmp_path / "steps.txt") if line.startswith("STEP")]
    _remove_backups_but(folder, previous)
    # Kills at each durable step the worker says it reached (the backup before the upgrade),
    # then spread over the whole run, the upgrade's transaction included.
    runs: list[tuple[str, int | float]] = [("step", n) for n in range(1, len(steps) + 1)]
    runs += [("delay", d) for d in kill_delays(duration, KILL_POINTS)]
    for i, (kind, point) in enumerate(runs):
        _reset(db, template)
        out = tmp_path / f"migrate-{i}.txt"
        if kind == "step":
            zygote.kill_at_step("migrate_steps", out, int(point), db=db)
        else:
            zygote.kill_after("migrate", out, point, db=db)
        assert integrity(db) == ([], [])
        revision = _revision(db)
        assert revision in (BASE_REVISION, head_revision())
        outcomes.add(revision)
        kept = verified_backups_intact(folder)
        assert previous in kept and sha256_file(previous) == previous_digest
        # The next start: temp files cleaned, migration done, data kept.
        check_database(db, folder)
        assert _partials(folder) == []
        engine = open_database(db)
        try:
            with engine.connect() as conn:
                assert conn.execute(text("SELECT count(*) FROM keepme")).scalar_one() == 60_000
        finally:
            engine.dispose()
        _remove_backups_but(folder, previous)
    assert outcomes == {BASE_REVISION, head_revision()}


def _reset(db: Path, template: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        db.with_name(db.name + suffix).unlink(missing_ok=True)
    shutil.copy(template, db)


def test_next_start_after_a_killed_save_needs_no_repair(
    engine: Engine, db_path: Path, zygote: Zygote, tmp_path: Path
) -> None:
    """The -wal a killed process leaves is replayed by SQLite itself: nothing to restore."""
    site = ensure_site(engine, "Grésilles")
    visitor = create_visitor(engine, last_name="Roux", first_name="Ana", site_id=site.id)
    engine.dispose()
    out = tmp_path / "saves.txt"
    lines = zygote.kill_after(
        "save_loop", out, 0.4, db=db_path, site=site.id.hex, services=[], visitor=visitor.id.hex
    )
    acks = {line.split()[1] for line in lines if line.startswith("ACK")}
    assert acks and db_path.with_name(db_path.name + "-wal").exists()
    report = check_database(db_path)
    assert not report.damaged
    ro = create_db_engine(db_path, read_only=True)
    try:
        with ro.connect() as conn:
            ids = {r[0] for r in conn.execute(text("SELECT id FROM contacts"))}
    finally:
        ro.dispose()
    assert acks <= ids
    assert read_lines(out)[0] == "READY"


def _write_import_file(path: Path, labels: list[str], rows: int) -> None:
    lines = ["date;heure;site;canal;nom;prenom;sexe;date_naissance;services"]
    for i in range(rows):
        lines.append(
            f"{1 + i % 28:02d}/{1 + i % 12:02d}/2018;{9 + i % 8}:{i % 60:02d};Grésilles;"
            f"{'physique' if i % 4 else 'téléphone'};Nom{i % 900};Prénom{i % 37};"
            f"{'FH'[i % 2]};{1 + i % 28:02d}/0{1 + i % 9}/19{60 + i % 40};"
            f"{labels[i % len(labels)]}|{labels[(i + 3) % len(labels)]}"
        )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_kill_during_a_large_import_is_all_or_nothing(
    engine: Engine, db_path: Path, zygote: Zygote, basedir: Path, tmp_path: Path
) -> None:
    rows = 5_000
    add_existing = 40
    site = ensure_site(engine, "Grésilles")
    labels = [s.label for s in list_services(engine, include_retired=False)][:8]
    visitor = create_visitor(engine, last_name="Avant", first_name="Import", site_id=site.id)
    from faults.faultkit import add_contacts

    add_contacts(engine, add_existing)
    engine.dispose()
    template = tmp_path / "template.sqlite"
    shutil.copy(db_path, template)  # disposed engine: everything is in the main file
    assert visitor is not None
    source = tmp_path / "tableau.csv"
    _write_import_file(source, labels, rows)
    folder = basedir / "data" / "sauvegardes"
    previous = create_backup(template, folder, "manuelle")
    previous_digest = sha256_file(previous.path)
    argv = ["--db", str(db_path), "contacts", "import", str(source)]

    def reset() -> None:
        for suffix in ("", "-wal", "-shm"):
            db_path.with_name(db_path.name + suffix).unlink(missing_ok=True)
        shutil.copy(template, db_path)

    reset()
    duration = zygote.run("cli", tmp_path / "measure.txt", argv=argv)
    assert read_lines(tmp_path / "measure.txt")[-1] == "DONE 0"
    assert len(_contact_ids(db_path)) == add_existing + rows
    outcomes: set[int] = set()
    for i, delay in enumerate(kill_delays(duration, KILL_POINTS)):
        reset()
        zygote.kill_after("cli", tmp_path / f"import-{i}.txt", delay, argv=argv)
        assert integrity(db_path) == ([], [])
        count = len(_contact_ids(db_path))
        assert count in (add_existing, add_existing + rows), count
        outcomes.add(count)
        kept = verified_backups_intact(folder)
        assert previous.path in kept and sha256_file(previous.path) == previous_digest
        check_database(db_path, folder)
        assert _partials(folder) == []
        for extra in kept:
            if extra != previous.path:
                extra.unlink()
                extra.with_suffix(".json").unlink()
    assert outcomes == {add_existing, add_existing + rows}
