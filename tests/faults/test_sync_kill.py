"""kill -9 a real `sarah sync import` at each of its durable steps and at many moments of its
merge: all or nothing, and the database sound.

The receiving installation already holds an older package of the sender and rows of its own;
the new package brings new contacts, new people, an edited person and a deleted contact. Each
kill (tests/faults/zygote.py: op ``cli_steps`` stopped at a step it says it reached, or op
``cli`` killed after a delay spread over the measured run) is followed by the checks: SQLite's
integrity and foreign keys, every row of every table either as before the import or as after
it (the receipt time of the sender aside), the statistics sums equal to a fresh computation,
every verified backup intact; and the next start cleans what the kill left.
"""

from __future__ import annotations

import shutil
import sqlite3
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from faults.faultkit import (
    Zygote,
    add_contacts,
    dump,
    integrity,
    kill_delays,
    read_lines,
    verified_backups_intact,
)
from sqlalchemy import Engine, text

from sarah import paths
from sarah.services.backups.startup import check_database
from sarah.services.catalogue import list_services
from sarah.services.contacts import delete_contact
from sarah.services.database import open_database
from sarah.services.imports.run import import_file
from sarah.services.statistics.upkeep import statistics_drift
from sarah.services.sync.export import export_package
from sarah.services.sync.keys import create_network_key, install_key, read_key_file
from sarah.services.sync.receive import import_package
from sarah.services.visitors import update_visitor

pytestmark = pytest.mark.slow

KILL_POINTS = 50
Rows = dict[str, list[tuple[object, ...]]]


def _write_csv(path: Path, labels: list[str], rows: int, year: int) -> None:
    """``rows`` contacts at the Grésilles desk in ``year``, about one person per 9 of them."""
    lines = ["date;heure;site;canal;nom;prenom;sexe;date_naissance;services"]
    for i in range(rows):
        person = i % (rows // 9)
        lines.append(
            f"{1 + i % 28:02d}/{1 + i % 12:02d}/{year};{9 + i % 8}:{i % 60:02d};Grésilles;"
            f"{'physique' if i % 4 else 'téléphone'};Nom{year}x{person};Prénom{person % 37};"
            f"{'FH'[person % 2]};{1 + person % 28:02d}/0{1 + person % 9}/19{60 + person % 40};"
            f"{labels[i % len(labels)]}|{labels[(i + 3) % len(labels)]}"
        )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _sender_changes(engine: Engine, tmp: Path, labels: list[str]) -> None:
    """After the first package: a second year of contacts, an edited person, a deleted contact."""
    _write_csv(tmp / "2020.csv", labels, 4_000, 2020)
    import_file(engine, tmp / "2020.csv")
    with engine.connect() as conn:
        visitor = conn.execute(
            text("SELECT id, origin_site_id FROM visitors WHERE last_name = 'Nom2019x1'")
        ).one()
        contact = conn.execute(text("SELECT id FROM contacts ORDER BY local_date LIMIT 1")).one()
    import uuid

    update_visitor(
        engine,
        uuid.UUID(visitor[0]),
        last_name="Nom2019x1-Modifié",
        first_name="Prénom1",
        sex="H",
        birth_date=date(1961, 2, 2),
        site_id=uuid.UUID(visitor[1]),  # without it the edit takes no revision: it would not travel
    )
    delete_contact(engine, uuid.UUID(contact[0]))


@dataclass(frozen=True)
class Scene:
    receiver: Path  # the database the kills hit
    template: Path  # the receiver before the import (engine disposed: one file)
    package: Path
    before: Rows
    after: Rows


def _without_receipt_time(rows: Rows, db: Path) -> Rows:
    """Every row; in sync_peers the time the package was received (the clock's) left out."""
    conn = sqlite3.connect(f"file:{db.as_posix()}?mode=ro", uri=True)
    try:
        names = [r[1] for r in conn.execute("PRAGMA table_info(sync_peers)")]
    finally:
        conn.close()
    at = names.index("received_at")
    peers = [(*r[:at], None, *r[at + 1 :]) for r in rows.get("sync_peers", [])]
    return {**rows, "sync_peers": peers}


def _rows(db: Path) -> Rows:
    return _without_receipt_time(dump(db), db)


def _build(tmp: Path) -> tuple[Path, Path, Path]:
    """(sender, receiver, new package): the receiver has merged the sender's first package."""
    sender, receiver = tmp / "siege.sqlite", tmp / "antenne.sqlite"
    engine = open_database(sender)
    try:
        labels = [s.label for s in list_services(engine, include_retired=False)][:8]
        _write_csv(tmp / "2019.csv", labels, 4_000, 2019)
        import_file(engine, tmp / "2019.csv")
        create_network_key(engine, tmp / "cle.txt", date(2026, 12, 1))
        first = export_package(engine, tmp / "premier.sarahsync", name="Siège").path
        _sender_changes(engine, tmp, labels)
        package = export_package(engine, tmp / "second.sarahsync", name="Siège").path
    finally:
        engine.dispose()
    engine = open_database(receiver)
    try:
        add_contacts(engine, 30, site_name="Fontaine d'Ouche")  # its own rows
        install_key(engine, read_key_file(tmp / "cle.txt"))
        import_package(engine, first)
    finally:
        engine.dispose()
    return sender, receiver, package


def _reset(scene: Scene, backups: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        scene.receiver.with_name(scene.receiver.name + suffix).unlink(missing_ok=True)
    shutil.copyfile(scene.template, scene.receiver)
    if backups.exists():
        shutil.rmtree(backups)
    # What a kill left: removed by hand (clean_scratch_folder keeps files younger than a run).
    shutil.rmtree(paths.data_dir() / "synchronisation", ignore_errors=True)


def _scene(tmp: Path, backups: Path) -> Scene:
    _, receiver, package = _build(tmp)
    template = tmp / "antenne-avant.sqlite"
    assert not receiver.with_name(receiver.name + "-wal").exists()
    shutil.copyfile(receiver, template)
    before = _rows(template)
    engine = open_database(receiver)
    try:
        result = import_package(engine, package)
    finally:
        engine.dispose()
    # New rows, and edited ones: the person renamed, the contact deleted (a tombstone).
    assert result.changed > 4_000 and result.counts.updated["visitors"] >= 1
    assert result.counts.updated["contacts"] >= 1
    after = _rows(receiver)
    scene = Scene(receiver, template, package, before, after)
    _reset(scene, backups)
    engine = open_database(receiver)  # a second run ends with the very same rows
    try:
        import_package(engine, package)
    finally:
        engine.dispose()
    assert _rows(receiver) == after, "two runs of one import differ: compare what varies"
    _reset(scene, backups)
    return scene


def _outcome(scene: Scene, what: str) -> str:
    """Sound, and either every row as before or every row as after; which one."""
    assert integrity(scene.receiver) == ([], []), what
    rows = _rows(scene.receiver)
    if rows == scene.before:
        return "avant"
    changed = [t for t in rows if rows[t] != scene.after.get(t)]
    assert not changed, f"{what}: neither before nor after the import, tables {changed}"
    return "après"


def _next_start(scene: Scene, backups: Path) -> list[Path]:
    """What the next start finds: the statistics sums right, the verified backups intact, no
    half-written backup; returns the containers the kill left in the scratch folder."""
    if backups.exists():
        verified_backups_intact(backups)
    check_database(scene.receiver, backups)
    assert not list(backups.glob("*.partial"))
    engine = open_database(scene.receiver)
    try:
        assert statistics_drift(engine) == []
    finally:
        engine.dispose()
    return sorted((paths.data_dir() / "synchronisation").glob("conteneur-*"))


def test_an_import_killed_at_any_point_is_all_or_nothing(basedir: Path, tmp_path: Path) -> None:
    backups = basedir / "data" / "sauvegardes"  # the default folder: `sarah sync import` uses it
    scene = _scene(tmp_path, backups)
    argv = ["--db", str(scene.receiver), "sync", "import", str(scene.package)]
    zygote = Zygote(basedir)
    try:
        duration = zygote.run("cli", tmp_path / "measure.txt", argv=argv)
        assert read_lines(tmp_path / "measure.txt")[-1] == "DONE 0"
        assert _outcome(scene, "the whole run") == "après"
        _reset(scene, backups)
        zygote.run("cli_steps", tmp_path / "steps.txt", argv=argv)
        steps = [line for line in read_lines(tmp_path / "steps.txt") if line.startswith("STEP")]
        assert any("replace" in s and "conteneur-" in s for s in steps), steps  # decrypted
        assert any("avant-synchronisation" in s for s in steps), steps  # the backup
        _reset(scene, backups)
        # At each durable step the child says it reached (the same on any machine), then spread
        # over the whole run, the merge's transaction and its COMMIT included.
        runs: list[tuple[str, float]] = [("step", n) for n in range(1, len(steps) + 1)]
        runs += [("delay", d) for d in kill_delays(duration, KILL_POINTS)]
        outcomes: dict[str, int] = {}
        leftovers = 0
        for i, (kind, point) in enumerate(runs):
            out = tmp_path / f"import-{i}.txt"
            if kind == "step":
                lines = zygote.kill_at_step("cli_steps", out, int(point), argv=argv)
                what = steps[int(point) - 1]
            else:
                lines = zygote.kill_after("cli", out, point, argv=argv)
                what = f"after {point:.2f} s"
            outcome = _outcome(scene, what)
            if outcome == "avant" and any(line.startswith("DONE") for line in lines):
                raise AssertionError(f"{what}: said done, but nothing was merged")
            outcomes[outcome] = outcomes.get(outcome, 0) + 1
            leftovers += bool(_next_start(scene, backups))
            _reset(scene, backups)
    finally:
        zygote.close()
    assert set(outcomes) == {"avant", "après"}, outcomes
    print(f"outcomes {outcomes}; kills that left a decrypted container behind: {leftovers}")


def test_the_next_start_removes_the_container_a_killed_import_left(
    basedir: Path, tmp_path: Path
) -> None:
    """A container holds names and birth dates in clear: a kill must not leave it for good."""
    backups = basedir / "data" / "sauvegardes"
    scene = _scene(tmp_path, backups)
    argv = ["--db", str(scene.receiver), "sync", "import", str(scene.package)]
    zygote = Zygote(basedir)
    try:
        zygote.kill_at_step("cli_steps", tmp_path / "kill.txt", 1, argv=argv)
    finally:
        zygote.close()
    scratch = paths.data_dir() / "synchronisation"
    assert list(scratch.glob("conteneur-*")), "the kill left nothing: this test shows nothing"
    check_database(scene.receiver, backups)  # what a start does first
    open_database(scene.receiver).dispose()
    assert list(scratch.glob("conteneur-*")) == []
