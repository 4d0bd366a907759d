"""`sarah sync import FILE` refuses every kind of bad package whole: exit 2, a French message
naming the file, no traceback, and nothing changed (every row of every table, no backup taken,
nothing left in the scratch folder).

Two installations of one network are built once for the module: the "siège" (some contacts)
writes the good package; each test works on a fresh copy of the "antenne" (contacts of its
own, the same key installed) and of an installation that has no key yet. Every bad package is
made from the good one or with the real writer (``export.fill_container`` then
``package.write_package``), never by hand.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from datetime import time as clock
from pathlib import Path

import pytest
from faults.faultkit import dump

from sarah import paths
from sarah.cli import main
from sarah.errors import UserError
from sarah.services.backups.record import configured_backup_folder
from sarah.services.catalogue import list_services
from sarah.services.contacts import ContactDraft, log_contact
from sarah.services.database import open_database
from sarah.services.sites import ensure_site
from sarah.services.sync.errors import SyncRefused
from sarah.services.sync.export import export_package, fill_container
from sarah.services.sync.keys import (
    NetworkKey,
    create_network_key,
    install_key,
    read_key_file,
)
from sarah.services.sync.package import MAGIC, write_package
from sarah.services.sync.receive import import_package
from sarah.services.visitors import create_visitor

ROOT = Path(__file__).resolve().parents[3]


def _add_contacts(db: Path, site_name: str, last_name: str, n: int) -> None:
    engine = open_database(db)
    try:
        site = ensure_site(engine, site_name)
        services = list_services(engine)
        visitor = create_visitor(engine, last_name=last_name, first_name="Zoé", site_id=site.id)
        for i in range(n):
            log_contact(
                engine,
                ContactDraft(
                    site_id=site.id,
                    channel="physique" if i % 3 else "telephone",
                    local_date=date(2026, 3, 1 + i % 28),
                    local_time=clock(9, i % 60),
                    visitor_id=visitor.id,
                    service_ids=[services[i % 4].id],
                ),
            )
    finally:
        engine.dispose()


@dataclass(frozen=True)
class Network:
    """What the module builds once: the siège's database and its good package, the antenne's
    and a keyless installation's databases (templates, copied for each test), the key."""

    siege: Path
    package: Path
    antenne: Path
    keyless: Path
    key: NetworkKey


@pytest.fixture(scope="module")
def network(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Network]:
    folder = tmp_path_factory.mktemp("reseau")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SARAH_BASEDIR", str(folder / "sarah-home"))
        paths.set_basedir(None)
        try:
            siege, antenne, keyless = (folder / f"{n}.sqlite" for n in ("siege", "antenne", "nu"))
            _add_contacts(siege, "Grésilles", "Martin", 30)
            _add_contacts(antenne, "Fontaine d'Ouche", "Roux", 12)
            open_database(keyless).dispose()
            engine = open_database(siege)
            try:
                key = create_network_key(engine, folder / "cle.txt", date(2026, 12, 1))
                package = export_package(engine, folder / "siege.sarahsync", name="Siège").path
            finally:
                engine.dispose()
            engine = open_database(antenne)
            try:
                install_key(engine, read_key_file(folder / "cle.txt"))
            finally:
                engine.dispose()
            for db in (siege, antenne, keyless):  # disposed: everything is in the main file
                assert not db.with_name(db.name + "-wal").exists()
            yield Network(siege, package, antenne, keyless, key)
        finally:
            paths.set_basedir(None)


# --- the bad packages ----------------------------------------------------------------------------

Maker = Callable[[Network, Path], Path]


def _from_good(change: Callable[[bytes], bytes]) -> Maker:
    def make(net: Network, target: Path) -> Path:
        target.write_bytes(change(net.package.read_bytes()))
        return target

    return make


def _header_end(data: bytes) -> int:
    return data.index(b"\n", len(MAGIC)) + 1


def _flip(data: bytes, at: int) -> bytes:
    return data[:at] + bytes([data[at] ^ 0x01]) + data[at + 1 :]


def _flip_in_body(data: bytes) -> bytes:
    start = _header_end(data)
    return _flip(data, start + (len(data) - start) // 2)


def _flip_nonce(data: bytes) -> bytes:
    """One character of the header's nonce changed to another valid one."""
    at = data.index(b'"nonce": "') + len(b'"nonce": "')
    return data[:at] + (b"B" if data[at : at + 1] == b"A" else b"A") + data[at + 1 :]


def _flip_chunk_size(data: bytes) -> bytes:
    """The chunk size of the header, still a valid one, one more (a digit's low bit flipped)."""
    header = data[: _header_end(data)]
    fields = json.loads(header[len(MAGIC) :])
    at = header.index(str(fields["chunk"]).encode()) + len(str(fields["chunk"])) - 1
    return _flip(data, at)


def _newer_envelope(data: bytes) -> bytes:
    assert b'"format": 1,' in data[: _header_end(data)]
    return data.replace(b'"format": 1,', b'"format": 2,', 1)


def _sealed(content: Callable[[Path], None]) -> Maker:
    """A package sealed with this network's key around ``content`` (written into a file)."""

    def make(net: Network, target: Path) -> Path:
        inside = target.with_name("interieur.bin")
        content(inside)
        write_package(inside, target, net.key)
        inside.unlink()
        return target

    return make


def _sarah_container(
    change_manifest: Callable[[dict[str, object]], None],
) -> Callable[[Path], None]:
    """The siège's real container, its manifest then changed (a newer writer, say)."""

    def write(inside: Path) -> None:
        siege = Path(os.environ["S4_SIEGE"])
        manifest = fill_container(siege, inside, "Siège")
        change_manifest(manifest)
        conn = sqlite3.connect(inside)
        try:
            conn.execute("UPDATE manifest SET json = ?", (json.dumps(manifest),))
            conn.commit()
        finally:
            conn.close()

    return write


def _schema(value: str) -> Callable[[dict[str, object]], None]:
    return lambda manifest: manifest.update(schema=value)


def _container_format(value: int) -> Callable[[dict[str, object]], None]:
    return lambda manifest: manifest.update(format=value)


def _without(field: str) -> Callable[[dict[str, object]], None]:
    return lambda manifest: manifest.__delitem__(field)


def _contacts_of_absent_people(inside: Path) -> None:
    """A container that passes every check of its own but whose contacts name people it does
    not hold (and this installation neither): seen only when the rows meet the database."""
    manifest = fill_container(Path(os.environ["S4_SIEGE"]), inside, "Siège")
    conn = sqlite3.connect(inside)
    try:
        conn.execute("DELETE FROM visitors")
        tables = manifest["tables"]
        assert isinstance(tables, dict)
        tables["visitors"] = {"rows": 0, "revision_sum": 0}
        conn.execute("UPDATE manifest SET json = ?", (json.dumps(manifest),))
        conn.commit()
    finally:
        conn.close()


def _random_bytes(inside: Path) -> None:
    inside.write_bytes(os.urandom(200_000))


def _foreign_sqlite(inside: Path) -> None:
    """Another program's SQLite file: no manifest, none of SARAH's tables."""
    conn = sqlite3.connect(inside)
    try:
        conn.execute("CREATE TABLE clients (nom TEXT, telephone TEXT)")
        conn.executemany("INSERT INTO clients VALUES (?, ?)", [("Durand", "0380000000")] * 50)
        conn.commit()
    finally:
        conn.close()


def _wrong_tables(inside: Path) -> None:
    """A real manifest, but the contacts table replaced by another one."""
    _sarah_container(lambda manifest: None)(inside)
    conn = sqlite3.connect(inside)
    try:
        conn.execute("DROP TABLE contacts")
        conn.execute("CREATE TABLE contacts (nom TEXT, telephone TEXT)")
        conn.commit()
    finally:
        conn.close()


def _other_network(net: Network, target: Path) -> Path:
    inside = target.with_name("interieur.sqlite")
    fill_container(net.siege, inside, "Siège")
    write_package(inside, target, NetworkKey.generate())
    inside.unlink()
    return target


def _text(content: bytes) -> Maker:
    def make(net: Network, target: Path) -> Path:
        target.write_bytes(content)
        return target

    return make


def _database_file(net: Network, target: Path) -> Path:
    shutil.copyfile(net.siege, target)  # a SARAH database, not a package
    return target


def _missing(net: Network, target: Path) -> Path:
    return target


def _folder(net: Network, target: Path) -> Path:
    target.mkdir()
    return target


@dataclass(frozen=True)
class Bad:
    make: Maker
    code: str | None  # the refusal's code; None: a plain UserError (the file cannot be read)
    keyless: bool = False  # imported where no key is installed


BAD: dict[str, Bad] = {
    "no-key-here": Bad(lambda net, target: net.package, "no_key", keyless=True),
    "other-network": Bad(_other_network, "other_network"),
    "byte-flipped-in-body": Bad(_from_good(_flip_in_body), "tampered"),
    "byte-flipped-in-tag": Bad(_from_good(lambda d: _flip(d, len(d) - 1)), "tampered"),
    "header-nonce-changed": Bad(_from_good(_flip_nonce), "tampered"),
    "header-chunk-changed": Bad(_from_good(_flip_chunk_size), "tampered"),
    "truncated-half": Bad(_from_good(lambda d: d[: len(d) // 2]), "truncated"),
    "truncated-last-byte": Bad(_from_good(lambda d: d[:-1]), "truncated"),
    "truncated-in-header": Bad(_from_good(lambda d: d[: len(MAGIC) + 12]), "truncated"),
    "cut-after-header": Bad(_from_good(lambda d: d[: _header_end(d)]), "truncated"),
    "trailing-bytes": Bad(_from_good(lambda d: d + b"\x00"), "trailing_data"),
    "newer-envelope-format": Bad(_from_good(_newer_envelope), "newer_format"),
    "newer-schema": Bad(_sealed(_sarah_container(_schema("9999"))), "newer_schema"),
    "newer-container-format": Bad(_sealed(_sarah_container(_container_format(2))), "newer_schema"),
    "contacts-of-absent-people": Bad(_sealed(_contacts_of_absent_people), "invalid_content"),
    "sealed-random-bytes": Bad(_sealed(_random_bytes), "invalid_content"),
    "sealed-foreign-sqlite": Bad(_sealed(_foreign_sqlite), "invalid_content"),
    "sealed-wrong-tables": Bad(_sealed(_wrong_tables), "invalid_content"),
    "manifest-without-schema": Bad(
        _sealed(_sarah_container(_without("schema"))), "invalid_content"
    ),
    "not-a-package": Bad(
        _text("date;heure;site\n01/02/2026;09:00;Grésilles\n".encode()), "not_a_package"
    ),
    "a-database-file": Bad(_database_file, "not_a_package"),
    "empty-file": Bad(_text(b""), "not_a_package"),
    "missing-file": Bad(_missing, None),
    "a-folder": Bad(_folder, None),
}
KNOWN: dict[str, pytest.MarkDecorator] = {}  # every gap found is fixed


@dataclass
class Scene:
    """A fresh copy of the receiving installation, the bad package, what to compare with."""

    db: Path
    package: Path
    rows: dict[str, list[tuple[object, ...]]]


@pytest.fixture
def scene_for(
    network: Network, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Callable[[str], Scene]:
    monkeypatch.setenv("S4_SIEGE", str(network.siege))

    def build(case: str) -> Scene:
        bad = BAD[case]
        db = tmp_path / "ici.sqlite"
        shutil.copyfile(network.keyless if bad.keyless else network.antenne, db)
        usb = tmp_path / "cle-usb"
        usb.mkdir()
        package = bad.make(network, usb / "Grésilles-2026-12-01.sarahsync")
        return Scene(db, package, dump(db))

    return build


def _nothing_changed(scene: Scene) -> None:
    assert dump(scene.db) == scene.rows  # every row of every table, the installation row too
    backups = configured_backup_folder()
    assert not backups.exists() or list(backups.iterdir()) == [], "a backup was taken"
    scratch = paths.data_dir() / "synchronisation"
    assert not scratch.exists() or list(scratch.iterdir()) == [], list(scratch.iterdir())


def _cases(*known: str) -> list[object]:
    """Every case, those of ``known`` marked as the failures reported (see KNOWN)."""
    return [pytest.param(case, marks=KNOWN[case]) if case in known else case for case in BAD]


@pytest.mark.parametrize("dry_run", [False, True], ids=["import", "dry-run"])
@pytest.mark.parametrize("case", _cases(*KNOWN))
def test_a_bad_package_is_refused_at_the_command_line_and_nothing_changes(
    scene_for: Callable[[str], Scene], capsys: pytest.CaptureFixture[str], case: str, dry_run: bool
) -> None:
    scene = scene_for(case)
    argv = ["--db", str(scene.db), "sync", "import", str(scene.package)]
    assert main([*argv, *(["--dry-run"] if dry_run else [])]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("Erreur : ") and "Traceback" not in captured.err
    assert "paquet" in captured.err.lower()  # French words, not an exception's repr
    _nothing_changed(scene)
    assert scene.package.name in captured.err, captured.err


@pytest.mark.parametrize("case", _cases(*KNOWN))
def test_the_service_refuses_each_bad_package_with_its_code(
    scene_for: Callable[[str], Scene], case: str
) -> None:
    scene = scene_for(case)
    engine = open_database(scene.db)
    try:
        with pytest.raises(UserError) as refusal:
            import_package(engine, scene.package)
    finally:
        engine.dispose()
    expected = BAD[case].code
    if expected is None:
        assert not isinstance(refusal.value, SyncRefused)
    else:
        assert isinstance(refusal.value, SyncRefused) and refusal.value.code == expected
    _nothing_changed(scene)
    assert scene.package.name in str(refusal.value)


def test_the_json_format_refuses_the_same_way(
    scene_for: Callable[[str], Scene], capsys: pytest.CaptureFixture[str]
) -> None:
    scene = scene_for("byte-flipped-in-body")
    argv = ["--db", str(scene.db), "sync", "import", str(scene.package), "--format", "json"]
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and "authentification échoue" in captured.err
    _nothing_changed(scene)


@pytest.mark.parametrize(
    "case", ["header-nonce-changed", "truncated-half", "newer-schema", "sealed-wrong-tables"]
)
def test_a_real_process_exits_2_with_a_french_line_and_no_traceback(
    scene_for: Callable[[str], Scene], basedir: Path, case: str
) -> None:
    scene = scene_for(case)
    env = {**os.environ, "SARAH_BASEDIR": str(basedir), "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "sarah.cli",
            "--db",
            str(scene.db),
            "sync",
            "import",
            str(scene.package),
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 2, done.stderr
    assert done.stdout == ""
    assert done.stderr.startswith("Erreur : ") and "Traceback" not in done.stderr
    assert scene.package.name in done.stderr
    assert done.stderr.count("\n") == 1  # one line
    _nothing_changed(scene)


def test_the_untouched_package_is_accepted_in_the_same_scene(
    scene_for: Callable[[str], Scene], network: Network, capsys: pytest.CaptureFixture[str]
) -> None:
    """The control: the refusals above are the packages', not the scene's."""
    scene = scene_for("trailing-bytes")
    shutil.copyfile(network.package, scene.package)
    argv = ["--db", str(scene.db), "sync", "import", str(scene.package), "--dry-run"]
    assert main([*argv, "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["dry_run"] is True
    _nothing_changed(scene)  # a dry run writes nothing either
