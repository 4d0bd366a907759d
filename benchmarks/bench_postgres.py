"""PostgreSQL at a network's scale: 10,000,000 contacts, 100 sites, 10 years (issue 12 item 7).

    .venv/bin/python benchmarks/bench_postgres.py             # build (or reuse), measure, write
    .venv/bin/python benchmarks/bench_postgres.py --no-write  # measure only
    .venv/bin/python benchmarks/bench_postgres.py --rebuild   # build the database again
    .venv/bin/python benchmarks/bench_postgres.py --server postgresql://user@host:5432

Needs a PostgreSQL server (default postgresql://postgres@127.0.0.1:5432, trust auth); without
one it says so and exits 0. The database is built once and kept on the server under a name
that carries the generator's version (``sarah_bench_10m_v<N>``); a change to the generator
bumps the version, and the old database is dropped. Building takes about half an hour on two
cores and about 7 GB of disk, so it is not part of ``make bench``: run it by hand.

How it is built: the schema by SARAH's migrations (triggers of migrations 0007-0009), the
sites through ``ensure_site``, then the visitors, contacts and service lines with COPY
(psycopg's ``cursor.copy``) with the triggers and foreign keys off for the load
(``session_replication_role = replica``) and the secondary indexes dropped, then rebuilt; the
derived tables are then filled in bulk (``rebuild_statistics``) and checked against the direct
path on a sample of sites and semesters. The shapes are the 1,000,000-contact SQLite
benchmark's (benchmarks/dataset.py) at ten times the scale: each person has a home site (one in
ten also goes to a second one), a first visit somewhere in the ten years and an exponential
number of contacts; about a third are phone calls, 0 to 3 services matched to the channel,
busier sites seeing three times as many people as quieter ones. Also: 3 % anonymous calls,
1 % deleted contacts, and the identities of people not seen for 24 months before the end
erased (as the retention purge leaves them: no names or birth date, the age kept on each
contact).

Measured: the four tables of a semester for all 100 sites (target <= 1 s) and for two sites
(target <= 100 ms), by the derived sums (``auto``) and, once, directly from the contacts; a
year for all sites (another period than a semester: no grouped people); ten
desks saving contacts at the same time, each a process with its own connection, through
``log_contact`` (target p95 <= 50 ms each), first at ten different sites, then all at one.
The desks' contacts are deleted afterwards (so the cached database stays the same), and the
derived tables checked against the direct path again.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import random
import statistics
import sys
import time
import uuid
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from datetime import time as dtime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.dataset import FIRST_NAMES_F, FIRST_NAMES_H, LAST_NAMES  # noqa: E402

GENERATOR_VERSION = 1
DB_PREFIX = "sarah_bench_10m_v"
DB_NAME = f"{DB_PREFIX}{GENERATOR_VERSION}"
SERVER = "postgresql://postgres@127.0.0.1:5432"

SITES = 100
CONTACTS = 10_000_000
VISITORS = 1_500_000
SEED = 20191105
FIRST_DAY = date(2010, 1, 1)
LAST_DAY = date(2019, 12, 31)
ERASED_BEFORE = LAST_DAY - timedelta(days=730)  # last seen before: identity erased
SEMESTER = "2019-S1"
SAMPLE_SEMESTERS = ("2012-S2", "2016-S1", "2019-S2")

SEMESTER_ALL_S = 1.0
SEMESTER_TWO_MS = 100.0
SAVE_P95_MS = 50.0
DESKS = 10
SAVES_PER_DESK = 60
DESK_AGENT = "bench-postgres-desk"
DESK_CPU_MS: list[float] = []  # median CPU of one save in a desk process, per run of the desks


def site_names() -> list[str]:
    quarters = (
        "Centre Gare Université Grésilles Fontaine Chenôve Quetigny Talant Longvic Bourroches "
        "Stalingrad Chevreul Montchapet Toison Mail Belvédère Guynemer Clémenceau Drapeau Valmy"
    ).split()
    return [f"PRE {i + 1:03d} {quarters[i % len(quarters)]}" for i in range(SITES)]


def site_weights() -> list[int]:
    """Busier sites first: some desks see three times as many people as others."""
    return [30 - (20 * i) // (SITES - 1) for i in range(SITES)]


def _weekdays(first: date, last: date) -> list[date]:
    out, d = [], first
    while d <= last:
        if d.weekday() < 5:
            out.append(d)
        d += timedelta(days=1)
    return out


def _ids(kind: int) -> Iterator[uuid.UUID]:
    """Increasing ids (version-4 layout): the primary keys grow at their end during COPY."""
    n = 0
    while True:
        n += 1
        yield uuid.UUID(int=(kind << 120) | (n << 16) | 0x4000, version=4)


def _age(born: date, on: date) -> int:
    return (
        on.year * 10000
        + on.month * 100
        + on.day
        - (born.year * 10000 + born.month * 100 + born.day)
    ) // 10000


Row = tuple[Any, ...]


class Generated:
    """The rows of the whole database, person by person (deterministic: fixed seed)."""

    def __init__(self, sites: list[uuid.UUID], services: list[uuid.UUID]) -> None:
        self.sites = sites
        # Catalogue order (reference): messages, appointments and information by phone; PC
        # use, CV, online updates and administrative help at the desk.
        self.phone = [services[i] for i in (8, 10, 11, 5, 6, 7, 12, 13)]
        self.desk = [services[i] for i in (0, 1, 2, 3, 4, 14, 16, 17, 18, 19, 15, 9)]
        self.visitors: list[Row] = []
        self.contacts = 0

    def people(self) -> Iterator[tuple[Row, list[Row], list[Row]]]:
        """(visitor row, its contacts' rows, their service lines), for every person."""
        rng = random.Random(SEED)
        days = _weekdays(FIRST_DAY, LAST_DAY)
        weights = site_weights()
        vids, cids = _ids(1), _ids(2)
        stamp = datetime(2020, 1, 6, 9)
        remaining, mean = CONTACTS, CONTACTS / VISITORS
        for person in range(VISITORS):
            left = VISITORS - person
            if left == 1:
                count = remaining
            else:
                count = max(1, min(int(rng.expovariate(1 / mean)) + 1, remaining - (left - 1)))
            remaining -= count
            sex = rng.choices(("F", "H", None), (49, 49, 2))[0]
            first = rng.choice(FIRST_NAMES_F if sex == "F" else FIRST_NAMES_H)
            last = rng.choice(LAST_NAMES)
            born = date(rng.randint(1950, 2003), rng.randint(1, 12), rng.randint(1, 28))
            birth = None if rng.random() < 0.03 else born
            home = rng.choices(range(SITES), weights)[0]
            other = rng.randrange(SITES) if rng.random() < 0.1 else home
            start = rng.randrange(len(days))
            span = min(len(days) - start, rng.randint(20, 1000))
            vid = next(vids)
            rows: list[list[Any]] = []
            lines: list[Row] = []
            latest = days[start]
            for _ in range(count):
                day = days[start + rng.randrange(span)]
                latest = max(latest, day)
                phone = rng.random() < 0.3
                pool = self.phone if phone else self.desk
                chosen = rng.sample(pool, rng.choices((0, 1, 2, 3), (3, 70, 22, 5))[0])
                cid = next(cids)
                site = self.sites[other if rng.random() < 0.3 else home]
                anonymous = phone and rng.random() < 0.1
                deleted = stamp if rng.random() < 0.01 else None
                at = dtime(rng.choice((9, 10, 11, 14, 15, 16)), rng.randrange(60))
                rows.append(
                    [cid, site, day, at, "telephone" if phone else "physique"]
                    + [None if anonymous else vid, deleted]
                )
                lines.extend((cid, s) for s in chosen)
            erased = latest < ERASED_BEFORE
            for row in rows:
                age = _age(birth, row[2]) if (erased and birth and row[5]) else None
                row.append(age)
            name = ("", "", "") if erased else (last, first, f"{last} {first}".lower())
            visitor = (vid, *name, sex, None if erased else birth, stamp if erased else None)
            self.contacts += count
            yield visitor, [tuple(r) for r in rows], lines


# --- the database ----------------------------------------------------------------------------


def _admin(server: str) -> Any:
    import psycopg

    return psycopg.connect(f"{server}/postgres", autocommit=True, connect_timeout=5)


def _exists(server: str, name: str) -> bool:
    with _admin(server) as conn:
        return (
            conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
            is not None
        )


def _complete(server: str, name: str) -> bool:
    import psycopg

    if not _exists(server, name):
        return False
    with psycopg.connect(f"{server}/{name}") as conn:
        row = conn.execute("SELECT to_regclass('bench_info')").fetchone()
        if row is None or row[0] is None:
            return False
        counted = conn.execute("SELECT count(*) FROM bench_info").fetchone()
        return counted is not None and int(counted[0]) == 1


def _stored_timings(url: str) -> dict[str, float]:
    """The build's timings, kept with the database (empty for a database built without)."""
    import psycopg

    with psycopg.connect(url) as conn:
        has = conn.execute(
            "SELECT 1 FROM information_schema.columns "
            "WHERE table_name = 'bench_info' AND column_name = 'timings'"
        ).fetchone()
        row = conn.execute("SELECT timings FROM bench_info").fetchone() if has else None
    return dict(json.loads(row[0])) if row and row[0] else {}


def _secondary_indexes(conn: Any) -> list[tuple[str, str]]:
    """(name, CREATE INDEX statement) of the non-constraint indexes of the loaded tables."""
    found: list[tuple[str, str]] = conn.execute(
        """SELECT i.indexname, i.indexdef FROM pg_indexes i
        WHERE i.schemaname = 'public'
          AND i.tablename IN ('visitors', 'contacts', 'contact_services')
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)
        ORDER BY i.indexname"""
    ).fetchall()
    return found


def build(server: str) -> dict[str, float]:
    """Build the database under a scratch name, then rename it: returns timings (seconds)."""
    import psycopg

    from sarah.services.catalogue import list_services
    from sarah.services.database import open_database
    from sarah.services.sites import ensure_site
    from sarah.services.statistics.upkeep import rebuild_statistics

    building = f"{DB_NAME}_building"
    with _admin(server) as conn:
        for (old,) in conn.execute(
            "SELECT datname FROM pg_database WHERE datname LIKE %s", (f"{DB_PREFIX}%",)
        ).fetchall():
            conn.execute(f'DROP DATABASE "{old}" WITH (FORCE)')  # older versions, scratch
        conn.execute(f'CREATE DATABASE "{building}"')
    timings: dict[str, float] = {}
    engine = open_database(f"{server}/{building}")
    sites = [ensure_site(engine, name).id for name in site_names()]
    services = [s.id for s in list_services(engine, include_retired=False)]
    engine.dispose()
    gen = Generated(sites, services)
    started = time.perf_counter()
    url = f"{server}/{building}"
    with psycopg.connect(url) as conn:
        indexes = _secondary_indexes(conn)
        for name, _sql in indexes:
            conn.execute(f'DROP INDEX "{name}"')
        conn.commit()
    _copy(url, gen)
    timings["copy_s"] = time.perf_counter() - started
    started = time.perf_counter()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("SET maintenance_work_mem = '1GB'")
        for _name, sql in indexes:
            conn.execute(sql)
    timings["indexes_s"] = time.perf_counter() - started
    started = time.perf_counter()
    engine = open_database(f"{server}/{building}")
    rebuild_statistics(engine)
    timings["derived_s"] = time.perf_counter() - started
    engine.dispose()
    with psycopg.connect(f"{server}/{building}", autocommit=True) as conn:
        started = time.perf_counter()
        conn.execute("VACUUM ANALYZE")
        timings["analyze_s"] = time.perf_counter() - started
        conn.execute(
            "CREATE TABLE bench_info (version integer, contacts integer, built_at text, "
            "timings text)"
        )
        conn.execute(
            "INSERT INTO bench_info VALUES (%s, %s, %s, %s)",
            (GENERATOR_VERSION, gen.contacts, time.strftime("%Y-%m-%d %H:%M"), json.dumps(timings)),
        )
    with _admin(server) as conn:
        conn.execute(f'ALTER DATABASE "{building}" RENAME TO "{DB_NAME}"')
    return timings


def _copy(url: str, gen: Generated) -> None:
    """COPY the three tables in one pass of the generator, one connection each (one COPY at a
    time per connection), with the triggers and foreign-key checks off for these sessions."""
    import psycopg

    visitor_cols = (
        "id, last_name, first_name, search_key, sex, birth_date, erased_at, "
        "revision, created_at, updated_at"
    )
    contact_cols = (
        "id, site_id, local_date, local_time, channel, visitor_id, deleted_at, age_years, "
        "entered_at, revision, created_at, updated_at"
    )
    stamp = datetime(2020, 1, 6, 9)
    tail = (1, stamp, stamp)
    conns = [psycopg.connect(url) for _ in range(3)]
    try:
        for conn in conns:
            conn.execute("SET session_replication_role = replica")  # no trigger, no FK check
        with (
            conns[0].cursor() as c0,
            conns[1].cursor() as c1,
            conns[2].cursor() as c2,
            c0.copy(f"COPY visitors ({visitor_cols}) FROM STDIN") as visitors_copy,
            c1.copy(f"COPY contacts ({contact_cols}) FROM STDIN") as contacts_copy,
            c2.copy("COPY contact_services (contact_id, service_id) FROM STDIN") as lines_copy,
        ):
            for n, (visitor, rows, lines) in enumerate(gen.people()):
                visitors_copy.write_row((*visitor, *tail))
                for row in rows:
                    contacts_copy.write_row((*row, stamp, *tail))
                for line in lines:
                    lines_copy.write_row(line)
                if n % 100_000 == 0:
                    print(f"   {n:,} people, {gen.contacts:,} contacts", flush=True)
        for conn in conns:
            conn.commit()
    finally:
        for conn in conns:
            conn.close()


# --- measures --------------------------------------------------------------------------------


def _timed(fn: Any, runs: int) -> tuple[float, float]:
    """(median, max) seconds of ``runs`` calls after one warm-up call."""
    fn()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times), max(times)


def check_sample(engine: Any, semesters: tuple[str, ...]) -> tuple[list[str], float]:
    """Where the derived path differs from the direct one on a sample (empty when nowhere):
    all sites for the first semester, two sites and three drawn at random for each; and the
    seconds the direct path took for all sites."""
    from sarah.reports.tables import Period
    from sarah.services.sites import resolve_sites
    from sarah.services.statistics.months import month_breakdown
    from sarah.services.statistics.tables import report_for_sites

    chosen = resolve_sites(engine, None)
    rng = random.Random(7)
    problems, direct_all = [], 0.0
    for i, semester in enumerate(semesters):
        period = Period.semester(semester)
        samples = [chosen[:2], rng.sample(chosen, 3)] + ([chosen] if i == 0 else [])
        for sites in samples:
            derived = report_for_sites(engine, period, sites, method="derived").to_json()
            started = time.perf_counter()
            direct = report_for_sites(engine, period, sites, method="direct").to_json()
            if len(sites) == len(chosen):
                direct_all = time.perf_counter() - started
            if derived != direct:
                problems.append(f"{semester}, {len(sites)} sites: tables differ")
        names = [s.name for s in chosen[:5]]
        if month_breakdown(engine, period, names, method="derived") != month_breakdown(
            engine, period, names, method="direct"
        ):
            problems.append(f"{semester}: month breakdown differs")
    return problems, direct_all


def measure_reports(engine: Any) -> dict[str, float]:
    from sarah.reports.tables import Period
    from sarah.services.sites import resolve_sites
    from sarah.services.statistics.tables import report_for_sites

    period = Period.semester(SEMESTER)
    chosen = resolve_sites(engine, None)
    out: dict[str, float] = {}
    out["all_s"], out["all_max_s"] = _timed(lambda: report_for_sites(engine, period, chosen), 3)
    two = chosen[:2]
    out["two_ms"], out["two_max_ms"] = (
        1000 * x for x in _timed(lambda: report_for_sites(engine, period, two), 10)
    )
    out["two_direct_ms"], _ = (
        1000 * x for x in _timed(lambda: report_for_sites(engine, period, two, method="direct"), 3)
    )
    # Another period than a semester takes the per-day path (no grouped people).
    year = Period.year(int(SEMESTER[:4]))
    out["year_s"], _ = _timed(lambda: report_for_sites(engine, year, chosen), 1)
    report = report_for_sites(engine, period, chosen)
    out["semester_contacts"] = sum(report.total.contacts.values())
    out["semester_persons"] = report.total.persons.total
    out.update(_people_floor(engine, period))
    return out


def _people_floor(engine: Any, period: Any) -> dict[str, float]:
    """What tables 3 and 4 cannot do without, for all sites: read the period's person-days of
    stat_visits, and group them by person and site (the first step of the people query)."""
    from sqlalchemy import text

    from sarah.services.statistics.sql import day_number, prepare_read

    where = "WHERE day BETWEEN :first AND :last"
    bounds = {"first": day_number(period.start), "last": day_number(period.end)}
    out: dict[str, float] = {}
    semester = period.start.year * 10 + (1 if period.start.month == 1 else 2)
    with engine.connect() as conn:
        for table in ("stat_semester_people", "stat_semester_network_people"):
            out[f"{table}_n"] = conn.execute(
                text(f"SELECT count(*) FROM {table} WHERE semester = :s"), {"s": semester}
            ).scalar_one()
    for key, sql in (
        ("floor_rows", f"SELECT count(*) FROM stat_visits {where}"),
        (
            "floor_pairs",
            f"SELECT count(*) FROM (SELECT person_no, site_id, min(day) FROM stat_visits "
            f"{where} GROUP BY person_no, site_id) pairs",
        ),
    ):

        def run(sql: str = sql, key: str = key) -> None:
            with engine.connect() as conn, conn.begin():
                prepare_read(conn)
                out[f"{key}_n"] = conn.execute(text(sql), bounds).scalar_one()

        out[f"{key}_s"], _ = _timed(run, 3)
    return out


def _desk(
    url: str,
    site_id: uuid.UUID,
    people: list[uuid.UUID],
    services: list[uuid.UUID],
    seed: int,
    start: Any,
    results: Any,
) -> None:
    """One desk: its own engine (own connections), ``SAVES_PER_DESK`` rounds in which every
    desk saves one contact at the same moment (a barrier), the round's time measured."""
    from sarah.services.contacts import ContactDraft, log_contact
    from sarah.services.database import open_database

    engine = open_database(url)
    rng = random.Random(seed)

    def draft() -> ContactDraft:
        phone = rng.random() < 0.3
        return ContactDraft(
            site_id=site_id,
            channel="telephone" if phone else "physique",
            local_date=date.today(),
            local_time=dtime(rng.randrange(9, 17), rng.randrange(60)),
            visitor_id=rng.choice(people),
            service_ids=tuple(rng.sample(services, rng.choice((0, 1, 1, 1, 2, 3)))),
            agent=DESK_AGENT,
        )

    log_contact(engine, draft())  # connection opened, caches warm
    times, cpu = [], []
    for _ in range(SAVES_PER_DESK):
        d = draft()
        start.wait()  # every desk presses "Enregistrer" at the same moment
        started, used = time.perf_counter(), time.process_time()
        log_contact(engine, d)
        times.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - used) * 1000)
    engine.dispose()
    results.put((str(site_id), times, cpu))


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]


def measure_desks(url: str, engine: Any, *, same_site: bool) -> list[tuple[float, float, float]]:
    """Ten desks saving at once: (median, p95, max) ms of each desk; the desks' own CPU per
    save (the client's work: SQLAlchemy, psycopg) is kept in DESK_CPU_MS."""
    from sqlalchemy import text

    with engine.connect() as conn:
        sites = [r[0] for r in conn.execute(text("SELECT id FROM sites ORDER BY position, name"))]
        services = [r[0] for r in conn.execute(text("SELECT id FROM services WHERE NOT retired"))]
        chosen = [sites[0]] * DESKS if same_site else sites[:DESKS]
        people = {
            site: [
                r[0]
                for r in conn.execute(
                    text(
                        "SELECT DISTINCT visitor_id FROM contacts WHERE site_id = :s "
                        "AND local_date >= '2019-06-01' AND visitor_id IS NOT NULL LIMIT 500"
                    ),
                    {"s": site},
                )
            ]
            for site in set(chosen)
        }
    # The clock row every save updates: its dead versions removed, as autovacuum does.
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM installation"))
    ctx = mp.get_context("spawn")
    start = ctx.Barrier(DESKS)
    results = ctx.Queue()
    procs = [
        ctx.Process(target=_desk, args=(url, site, people[site], services, i, start, results))
        for i, site in enumerate(chosen)
    ]
    for p in procs:
        p.start()
    out = [results.get(timeout=600) for _ in procs]
    for p in procs:
        p.join()
    DESK_CPU_MS.append(statistics.median(c for _site, _t, cpu in out for c in cpu))
    return [(statistics.median(t), _p95(t), max(t)) for _site, t, _cpu in out]


def remove_desk_contacts(engine: Any) -> int:
    from sqlalchemy import text

    with engine.begin() as conn:
        return int(
            conn.execute(text("DELETE FROM contacts WHERE agent = :a"), {"a": DESK_AGENT}).rowcount
        )


def _database_size(engine: Any) -> str:
    """The database's size and the server's memory settings, as the section prints them."""
    from sqlalchemy import text

    with engine.connect() as conn:
        size = conn.execute(
            text("SELECT pg_size_pretty(pg_database_size(current_database()))")
        ).scalar_one()
        settings = ", ".join(
            f"{name} {conn.execute(text(f'SHOW {name}')).scalar_one()}"
            for name in ("shared_buffers", "effective_cache_size", "work_mem")
        )
    return f"{size} on the server (PostgreSQL: {settings})"


def refresh_trigger_functions(url: str) -> None:
    """The trigger functions of migrations 0007 to 0009 as this checkout has them (a database
    built by an earlier checkout keeps its data; the trigger bodies measured are the current
    ones)."""
    import importlib.util

    import psycopg

    for name in (
        "0007_statistics_postgresql_triggers",
        "0008_statistics_first_days",
        "0009_statistics_semester_people",
    ):
        path = ROOT / f"sarah/migrations/versions/{name}.py"
        spec = importlib.util.spec_from_file_location(f"migration_{name[:4]}", path)
        assert spec is not None and spec.loader is not None
        migration = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(migration)
        with psycopg.connect(url) as conn:
            for statement in migration.trigger_statements():
                if statement.startswith("CREATE FUNCTION"):
                    conn.execute(
                        statement.replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION", 1)
                    )


def _scale(contacts: int) -> None:
    """Another size than the default (its own database name)."""
    global CONTACTS, VISITORS, DB_NAME
    if contacts != CONTACTS:
        VISITORS = max(1, contacts * VISITORS // CONTACTS)
        CONTACTS = contacts
        DB_NAME = f"{DB_PREFIX}{GENERATOR_VERSION}_{contacts}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--server", default=SERVER)
    parser.add_argument(
        "--build-only", action="store_true", help="build (or reuse), measure nothing"
    )
    parser.add_argument(
        "--contacts", type=int, default=CONTACTS, help="a smaller database, to try the script"
    )
    args = parser.parse_args()
    _scale(args.contacts)
    try:
        _admin(args.server).close()
    except Exception as exc:  # any reason the server does not answer
        print(f"PostgreSQL unavailable ({exc.__class__.__name__}): benchmark skipped")
        return 0
    from sarah.services.database import open_database

    timings: dict[str, float] = {}
    if args.rebuild or not _complete(args.server, DB_NAME):
        print(f"building {DB_NAME} ({CONTACTS:,} contacts) ...", flush=True)
        timings = build(args.server)
        print("built:", {k: round(v, 1) for k, v in timings.items()}, flush=True)
    else:
        timings = _stored_timings(f"{args.server}/{DB_NAME}")
    if args.build_only:
        return 0
    url = f"{args.server}/{DB_NAME}"
    refresh_trigger_functions(url)
    engine = open_database(url)
    problems, direct_all = check_sample(engine, (SEMESTER, *SAMPLE_SEMESTERS))
    print("derived == direct on the sample:", not problems, problems, flush=True)
    reports = measure_reports(engine)
    reports["all_direct_s"] = direct_all
    print("reports:", reports, flush=True)
    desks_apart = measure_desks(url, engine, same_site=False)
    print("desks, ten sites:", desks_apart, flush=True)
    desks_one = measure_desks(url, engine, same_site=True)
    print("desks, one site:", desks_one, flush=True)
    today = f"{date.today().year}-S{1 if date.today().month <= 6 else 2}"
    after, _ = check_sample(engine, (today,))  # the desks' own semester, before and after
    removed = remove_desk_contacts(engine)
    after += check_sample(engine, (today,))[0]
    print("around the desks: derived == direct:", not after, after, flush=True)
    size = _database_size(engine)
    engine.dispose()
    body = _section(timings, problems + after, reports, desks_apart, desks_one, removed, size)
    print(body)
    if not args.no_write:
        from benchmarks._report import write_section

        write_section("postgres", "PostgreSQL, 10 000 000 contacts", body)
    return 0


def _load() -> str:
    try:
        return Path("/proc/loadavg").read_text().split()[0]
    except OSError:
        return "unknown"


def _section(
    timings: dict[str, float],
    problems: list[str],
    reports: dict[str, float],
    desks_apart: list[tuple[float, float, float]],
    desks_one: list[tuple[float, float, float]],
    removed: int,
    size: str,
) -> str:
    def verdict(ok: bool) -> str:
        return "met" if ok else "**missed**"

    def desk_line(rows: list[tuple[float, float, float]]) -> str:
        worst = max(p95 for _m, p95, _x in rows)
        medians = ", ".join(f"{m:.0f}" for m, _p, _x in rows)
        p95s = ", ".join(f"{p:.0f}" for _m, p, _x in rows)
        return (
            f"medians {medians} ms; p95 {p95s} ms; slowest save {max(x for *_, x in rows):.0f} "
            f"ms; worst p95 {worst:.0f} ms (target ≤ {SAVE_P95_MS:.0f}: "
            f"{verdict(worst <= SAVE_P95_MS)})"
        )

    built = (
        "reused (built earlier)"
        if not timings
        else (
            f"COPY {timings['copy_s']:.0f} s, indexes {timings['indexes_s']:.0f} s, derived "
            f"tables in bulk {timings['derived_s']:.0f} s, VACUUM ANALYZE "
            f"{timings['analyze_s']:.0f} s"
        )
    )
    return f"""Database `{DB_NAME}`: {CONTACTS:,} contacts, {VISITORS:,} people, {SITES} sites,
{FIRST_DAY.year}–{LAST_DAY.year}, {size}. Built: {built}. Derived sums equal to the direct path on a sample (4 semesters × 2 and 3
sites, all sites for {SEMESTER}, a month breakdown each; the desks' semester with their
contacts and after their deletion):
{"yes" if not problems else "**no**: " + "; ".join(problems)}.

| measure ({SEMESTER}, {int(reports["semester_contacts"]):,} contacts, {int(reports["semester_persons"]):,} people) | derived sums (auto) | direct | target |
|---|---|---|---|
| four tables, all {SITES} sites | {reports["all_s"]:.2f} s (max {reports["all_max_s"]:.2f}) | {reports["all_direct_s"]:.1f} s | ≤ {SEMESTER_ALL_S:.0f} s: {verdict(reports["all_s"] <= SEMESTER_ALL_S)} |
| four tables, two sites | {reports["two_ms"]:.0f} ms (max {reports["two_max_ms"]:.0f}) | {reports["two_direct_ms"]:.0f} ms | ≤ {SEMESTER_TWO_MS:.0f} ms: {verdict(reports["two_ms"] <= SEMESTER_TWO_MS)} |

Ten desks saving at the same time (`log_contact`, one process and connection each,
{SAVES_PER_DESK} rounds in which all ten save one contact at the same moment, 0–3 services,
today's date; the machine's two cores run the ten desks and the server):
- at ten different sites: {desk_line(desks_apart)};
- all ten at one site: {desk_line(desks_one)}.

Where a semester's time goes: the channel, service and per-day sums are read in a few
milliseconds even for all sites. Tables 3 and 4 read the semester's people grouped already
(migration 0009, kept by triggers in every write): {int(reports["stat_semester_people_n"]):,}
rows of `stat_semester_people` (one per site and person: the site rows) and
{int(reports["stat_semester_network_people_n"]):,} of `stat_semester_network_people` (one per
person: the total row of every site), each grouped by age, sex and newness. Without them, the
period's person-days are grouped at each report, which is what another period than a semester
still does: counting the semester's {int(reports["floor_rows_n"]):,} person-day rows of
`stat_visits` alone takes {reports["floor_rows_s"]:.2f} s here, grouping them into
{int(reports["floor_pairs_n"]):,} (person, site) pairs {reports["floor_pairs_s"]:.2f} s, and
the four tables of the year {SEMESTER[:4]} for all sites {reports["year_s"]:.1f} s (load
average {_load()} at the end of the run).

The {removed} contacts the desks saved were deleted afterwards (the BEFORE DELETE trigger
takes them out of the sums). Each desk process spends {statistics.median(DESK_CPU_MS):.1f} ms of
CPU of its own per save (SQLAlchemy and psycopg, median; the save's statements are built once
and reused): ten desks saving at once ask the machine's two cores, which also run the server,
for about ten times that before the last save can end, whatever the server does; on a network
each desk is its own PC. Every save also
takes the installation's clock row (`next_revision`, held until COMMIT): a desk's insert
advances it in the same statement as the contact's row (one round trip fewer while it is
held). That row is vacuumed before each run of the desks (autovacuum's work on a live server:
its dead versions slow every save).

Reproduce: `.venv/bin/python benchmarks/bench_postgres.py` (needs a server: `--server
postgresql://user@host:5432`; measured on a server set as docs/serveur.md says, section 1,
"La mémoire du serveur"; the first run builds the database, about 7 GB; `--rebuild` builds
it again; `--no-write` leaves this file alone). Not part of `make bench`: the build takes too
long."""


if __name__ == "__main__":
    raise SystemExit(main())
