"""Desks writing the same thing at the same moment on one PostgreSQL server (issue 12, item 4):
the same site created by many desks, the same file imported by two; every desk succeeds, the
data is there once."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from pathlib import Path

import pytest
from helpers.import_files import ACTU, OFFRES, RDV, write_csv
from sqlalchemy import text

from sarah.services.imports.result import ImportResult
from sarah.services.imports.run import import_file
from sarah.services.server.retry import (
    ConcurrentChange,
    retry_on_conflict,
    retry_steps_on_conflict,
)
from sarah.services.sites import ensure_site

pytestmark = pytest.mark.postgres

NAMES = ["Bourroches", "Grésilles", "Fontaine d'Ouche", "Chenôve"]
CALLS = 400
DESKS = 32


def test_four_hundred_desks_creating_the_same_sites_all_succeed(pg_engine) -> None:
    gate = threading.Barrier(DESKS)
    local = threading.local()

    def create(name: str) -> tuple[str, str]:
        if not getattr(local, "started", False):  # every desk thread starts at the same moment
            gate.wait()
            local.started = True
        site = ensure_site(pg_engine, name)
        return name, str(site.id)

    wanted = [NAMES[i % len(NAMES)] for i in range(CALLS)]
    with ThreadPoolExecutor(max_workers=DESKS) as pool:
        done = list(pool.map(create, wanted))
    assert len(done) == CALLS
    ids_by_name = {name: {site_id for n, site_id in done if n == name} for name in NAMES}
    assert all(len(ids) == 1 for ids in ids_by_name.values()), ids_by_name
    with pg_engine.connect() as conn:
        rows = conn.execute(text("SELECT name, id FROM sites")).all()
    assert Counter(name for name, _id in rows) == Counter(NAMES)
    assert {name: {str(i)} for name, i in rows} == ids_by_name


# --- the same file imported by two desks at once ------------------------------------------------

PEOPLE = [
    ("MARTIN", "Léa", "F", "1990-03-04", "visite", ACTU),
    ("NGUYEN", "Paul", "M", "1985-11-20", "visite", OFFRES),
    ("DIALLO", "Awa", "F", "2001-06-30", "telephone", f"{OFFRES}|{RDV}"),
]
DAYS = 15

# A desk: says it is ready, waits for the word to go, then runs the command as a user would.
DESK = textwrap.dedent(
    """
    import sys
    from sarah.cli import main
    print("prêt", flush=True)
    sys.stdin.readline()
    sys.exit(main(sys.argv[1:]))
    """
)


def _file(tmp_path: Path) -> Path:
    rows = []
    first = date(2024, 3, 4)
    for day in range(DAYS):
        when = (first + timedelta(days=day)).isoformat()
        for nom, prenom, sexe, born, canal, services in PEOPLE:
            rows.append([when, "10:00", "Site importé", canal, nom, prenom, sexe, born, services])
    return write_csv(tmp_path / "contacts.csv", rows)


def test_two_desks_importing_the_same_file_at_once_store_it_once(pg_engine, tmp_path) -> None:
    path = _file(tmp_path)
    url = pg_engine.url.render_as_string(hide_password=False)
    desks = [
        subprocess.Popen(
            [sys.executable, "-c", DESK, "--db", url, "contacts", "import", str(path)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    try:
        for desk in desks:
            assert desk.stdout is not None and desk.stdout.readline().strip() == "prêt"
        for desk in desks:
            assert desk.stdin is not None
            desk.stdin.write("go\n")
            desk.stdin.flush()
        outcomes = [desk.communicate(timeout=300) for desk in desks]
    finally:
        for desk in desks:
            if desk.poll() is None:
                desk.kill()
                desk.wait()
    assert [d.returncode for d in desks] == [0, 0], [err for _out, err in outcomes]
    said = sorted(out for out, _err in outcomes)
    assert all("Traceback" not in err for _out, err in outcomes)
    contacts = DAYS * len(PEOPLE)
    assert any("déjà été importées" in out for out in said), said
    assert any(f"{contacts} contacts importés" in out for out in said), said
    with pg_engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM contacts")).scalar_one() == contacts
        people = conn.execute(text("SELECT last_name, first_name FROM visitors")).all()
        sites = conn.execute(text("SELECT name FROM sites")).scalars().all()
    assert sorted(people) == sorted((person[0], person[1]) for person in PEOPLE)
    assert sites.count("Site importé") == 1


def _waiting_on_a_lock(pg_engine) -> bool:
    """Whether a session of this database waits for a lock another one holds."""
    with pg_engine.connect() as conn:
        return bool(
            conn.execute(
                text(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                    "AND wait_event_type = 'Lock'"
                )
            ).scalar_one()
        )


class Desks:
    """Desk A stops inside its write transaction (nothing found imported, nothing written yet);
    desk B imports the same file meanwhile; A goes on once B is held up by A's transaction or
    has finished (whichever the server makes happen), never after a fixed pause."""

    def __init__(self, pg_engine, path: Path) -> None:
        self.engine, self.path = pg_engine, path
        self.a_inside, self.b_started = threading.Event(), threading.Event()
        self.results: dict[str, object] = {}

    def desk_a(self) -> None:
        from sarah.services.imports.run import check_file, import_checked_steps

        steps = import_checked_steps(self.engine, check_file(self.engine, self.path))
        try:
            while not next(steps)[2].startswith("Recherche des personnes"):
                pass
            self.a_inside.set()
            self._until_b_meets_a()
            while True:
                next(steps)
        except StopIteration as stop:
            self.results["a"] = stop.value
        except BaseException as exc:
            self.results["a"] = exc
            self.a_inside.set()

    def _until_b_meets_a(self) -> None:
        assert self.b_started.wait(60)
        deadline = time.monotonic() + 60
        while "b" not in self.results and not _waiting_on_a_lock(self.engine):
            assert time.monotonic() < deadline, "desk B neither waited nor finished"

    def desk_b(self) -> None:
        assert self.a_inside.wait(60)
        self.b_started.set()
        try:
            self.results["b"] = import_file(self.engine, self.path)
        except BaseException as exc:
            self.results["b"] = exc


def test_an_import_that_meets_another_inside_its_transaction_finds_it_done(
    pg_engine, tmp_path
) -> None:
    desks = Desks(pg_engine, _file(tmp_path))
    threads = [threading.Thread(target=desks.desk_a), threading.Thread(target=desks.desk_b)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(300)
    results = [desks.results["a"], desks.results["b"]]
    imports = [r for r in results if isinstance(r, ImportResult)]
    assert len(imports) == 2, results
    contacts = DAYS * len(PEOPLE)
    said = sorted((r.contacts_added, r.skipped_existing, r.visitors_created) for r in imports)
    assert said == [(0, contacts, 0), (contacts, 0, len(PEOPLE))]
    with pg_engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM contacts")).scalar_one() == contacts
        assert conn.execute(text("SELECT count(*) FROM visitors")).scalar_one() == len(PEOPLE)


# --- the helper itself, against the real server -------------------------------------------------


def _insert_twice(pg_engine, name: str) -> None:
    with pg_engine.begin() as conn:
        for _ in range(2):
            conn.execute(text("INSERT INTO sarah_probe_unique (v) VALUES (:v)"), {"v": name})


@pytest.fixture
def unique_table(pg_engine):
    with pg_engine.begin() as conn:
        conn.execute(text("CREATE TABLE sarah_probe_unique (v text UNIQUE)"))
    return pg_engine


def test_a_collision_that_never_clears_becomes_a_french_message(unique_table) -> None:
    calls = []

    def always_collides() -> None:
        calls.append(1)
        _insert_twice(unique_table, "même valeur")

    with pytest.raises(ConcurrentChange) as raised:
        retry_on_conflict(always_collides, what="le site « Essai »", attempts=3)
    assert len(calls) == 3
    assert "Un autre poste" in raised.value.message and "« Essai »" in raised.value.message
    with unique_table.connect() as conn:  # every attempt rolled back
        assert conn.execute(text("SELECT count(*) FROM sarah_probe_unique")).scalar_one() == 0


def test_a_collision_that_clears_is_retried_and_its_steps_passed_on(unique_table) -> None:
    attempts = []

    def steps():
        attempts.append(1)
        yield "étape"
        _insert_twice(unique_table, "v") if len(attempts) == 1 else _insert_twice_ok()
        return "fini"

    def _insert_twice_ok() -> None:
        with unique_table.begin() as conn:
            conn.execute(text("INSERT INTO sarah_probe_unique (v) VALUES ('w')"))

    gen = retry_steps_on_conflict(steps, what="l'import")
    seen = []
    while True:
        try:
            seen.append(next(gen))
        except StopIteration as stop:
            result = stop.value
            break
    assert (result, seen, len(attempts)) == ("fini", ["étape", "étape"], 2)


def test_other_failures_are_not_retried(unique_table) -> None:
    calls = []

    def broken() -> None:
        calls.append(1)
        with unique_table.begin() as conn:
            conn.execute(text("SELECT * FROM no_such_table"))

    with pytest.raises(Exception) as raised:
        retry_on_conflict(broken, what="rien")
    assert not isinstance(raised.value, ConcurrentChange)
    assert len(calls) == 1
