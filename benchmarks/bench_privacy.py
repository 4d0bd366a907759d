"""The retention purge at scale: 100,000 people erased on the 1,000,000-contact database.

    .venv/bin/python benchmarks/bench_privacy.py             # measure and write docs/benchmarks.md
    .venv/bin/python benchmarks/bench_privacy.py --no-write  # measure only

On a copy of benchmarks/dataset.py's database, "today" is chosen so that the retention rule
(24 months) makes the 100,000 people seen longest ago due. Measured: the whole purge and its
steps (the verified backup before, the erasure in batches, the WAL checkpoint, the fresh
verified backup and the removal of the old ones); the longest batch transaction, which is the
longest a desk could wait; and a desk at work meanwhile: another process saving a contact every
0.2 s, each save timed from call to COMMIT (p50, p95, max). Target (issue 11): the desk is not
blocked, i.e. no save waits for more than one batch. The semester tables of the five years are
compared before and after (they must be identical). Results go to the "privacy" section.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.dataset import ensure_million_db  # noqa: E402

PEOPLE = 100_000

# The desk: saves one contact every 0.2 s until its stdin closes, printing each save's time.
DESK = textwrap.dedent(
    """
    import sys, time
    from datetime import date, time as dtime
    from sarah.services.database import open_database
    from sarah.services.contacts import ContactDraft, log_contact
    from sarah.services.sites import resolve_sites
    engine = open_database(sys.argv[1])
    site = resolve_sites(engine, None)[0]
    # A day after the five years compared: the desk's calls must not change their tables.
    draft = ContactDraft(site.id, "telephone", date(2021, 2, 26), dtime(12))
    log_contact(engine, draft)
    print("ready", flush=True)
    import select
    while True:
        start = time.perf_counter()
        log_contact(engine, draft)
        print(f"{time.time():.3f} {(time.perf_counter() - start) * 1000:.1f}", flush=True)
        ready, _, _ = select.select([sys.stdin], [], [], 0.2)
        if ready and not sys.stdin.readline():
            break
    """
)


def cutoff_for(engine: object, people: int) -> date:
    """The day before which exactly about ``people`` people were last seen."""
    from sqlalchemy import text

    from sarah.db import read_connection

    with read_connection(engine) as conn:  # type: ignore[arg-type]
        last = conn.execute(
            text(
                "SELECT last FROM (SELECT max(local_date) AS last FROM contacts "
                "WHERE deleted_at IS NULL AND visitor_id IS NOT NULL GROUP BY visitor_id) "
                "ORDER BY last LIMIT 1 OFFSET :n"
            ),
            {"n": people - 1},
        ).scalar_one()
    return date.fromisoformat(str(last)) + timedelta(days=1)


def semesters() -> list[object]:
    from sarah.reports.tables import Period

    return [Period.semester(f"{y}-S{s}") for y in range(2015, 2020) for s in (1, 2)]


def tables(engine: object) -> list[dict[str, object]]:
    from sarah.services.statistics.tables import semester_tables

    return [semester_tables(engine, p).to_json() for p in semesters()]  # type: ignore[arg-type]


def slowest_by_step(
    saves: list[tuple[float, ...]], spans: list[tuple[str, float, float]]
) -> dict[str, float]:
    """The slowest save while each step ran (a save ends at ``at``; it began ms earlier)."""
    slowest: dict[str, float] = {}
    # "backup before" first: the fresh backup's function runs inside it too.
    ordered = sorted(spans, key=lambda span: span[0] != "backup before")
    for at, ms in saves:
        step = next((n for n, a, b in ordered if a <= at - ms / 1000 <= b), "erasure")
        slowest[step] = max(slowest.get(step, 0.0), ms)
    return slowest


def measure(workdir: Path) -> dict[str, object]:
    from sarah import paths
    from sarah.services.database import open_database
    from sarah.services.privacy import purge
    from sarah.settings import Settings

    paths.set_basedir(workdir / "home")
    db = workdir / "purge.sqlite"
    shutil.copyfile(ensure_million_db(), db)
    engine = open_database(db)
    cutoff = cutoff_for(engine, PEOPLE)
    today = date(cutoff.year + 2, cutoff.month, cutoff.day)
    settings = Settings(backup_dir=str(workdir / "sauvegardes"))
    settings.backup_path().mkdir(parents=True)
    before = tables(engine)

    steps: dict[str, float] = {}
    spans: list[tuple[str, float, float]] = []  # (step, wall-clock start, end)

    def timed(name: str, fn):  # type: ignore[no-untyped-def]
        def wrapper(*args, **kwargs):  # type: ignore[no-untyped-def]
            start, wall = time.perf_counter(), time.time()
            try:
                return fn(*args, **kwargs)
            finally:
                steps[name] = steps.get(name, 0.0) + time.perf_counter() - start
                spans.append((name, wall, time.time()))

        return wrapper

    purge._backup = timed("backup before", purge._backup)  # type: ignore[assignment]
    purge.wipe_freed_bytes = timed("checkpoint", purge.wipe_freed_bytes)  # type: ignore[assignment]
    purge.create_backup_or_abort = timed("fresh backup", purge.create_backup_or_abort)  # type: ignore[assignment]
    # Each write transaction of the purge, from BEGIN IMMEDIATE to COMMIT: what a desk's save
    # may have to wait for.
    batches: list[float] = []
    plain_session = purge.write_session

    @contextlib.contextmanager
    def timed_session(engine):  # type: ignore[no-untyped-def]
        start = time.perf_counter()
        with plain_session(engine) as session:
            yield session
        batches.append(time.perf_counter() - start)

    purge.write_session = timed_session  # type: ignore[assignment]

    desk = subprocess.Popen(
        [sys.executable, "-c", DESK, str(db)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "SARAH_BASEDIR": str(workdir / "desk-home")},
    )
    assert desk.stdout is not None and desk.stdin is not None
    assert desk.stdout.readline().strip() == "ready"  # the desk says it is at work
    start = time.perf_counter()
    outcome = purge.purge_expired(engine, settings, today=today)
    total = time.perf_counter() - start
    desk.stdin.close()
    timed_saves = [tuple(map(float, line.split())) for line in desk.stdout.read().splitlines()]
    saves = [ms for _at, ms in timed_saves]
    slowest = slowest_by_step(timed_saves, spans)
    desk.wait()
    after = tables(engine)
    # The checkpoint runs twice (after the erasure, after the removal): both in "checkpoint";
    # the fresh backup's time also holds the "backup before" (same function underneath).
    steps["fresh backup"] -= steps["backup before"]
    engine.dispose()
    return {
        "cutoff": cutoff,
        "today": today,
        "erased": outcome.erased,
        "records": outcome.records,
        "contacts": outcome.contacts,
        "replaced": len(outcome.replaced),
        "total": total,
        "steps": steps,
        "erasure": sum(batches),
        "batches": len(batches),
        "batch_size": purge.BATCH,
        "batch_max": max(batches),
        "batch_p50": statistics.median(batches),
        "saves": saves,
        "slowest": slowest,
        "same_tables": after == before,
        "size_mb": db.stat().st_size / 1e6,
    }


def report(r: dict[str, object]) -> str:
    saves = sorted(r["saves"])  # type: ignore[arg-type]
    steps = r["steps"]
    assert isinstance(steps, dict)
    p95 = saves[int(0.95 * (len(saves) - 1))] if saves else float("nan")
    lines = [
        f"Database: benchmarks/dataset.py's 1,000,000 contacts ({r['size_mb']:.0f} MB); today "
        f"taken as {r['today']:%d/%m/%Y} so that the 24-month rule makes the people last seen "
        f"before {r['cutoff']:%d/%m/%Y} due.",
        "",
        "| measure | result |",
        "|---|---|",
        f"| people erased (records, with those merged into them) | {r['erased']:,} ({r['records']:,}) |",
        f"| contacts given the age of their day | {r['contacts']:,} |",
        f"| whole purge | {r['total']:.1f} s |",
        f"| verified backup before | {steps['backup before']:.1f} s |",
        f"| erasure: {r['batches']} transactions of {r['batch_size']} people | {r['erasure']:.1f} s |",
        f"| longest transaction (the longest a desk can wait) | {r['batch_max'] * 1000:.0f} ms (median {r['batch_p50'] * 1000:.0f} ms) |",
        f"| WAL checkpoints (after the erasure, after the removal) | {steps['checkpoint']:.1f} s |",
        f"| fresh verified backup | {steps['fresh backup']:.1f} s |",
        f"| backups replaced | {r['replaced']} |",
        f"| desk saving a contact every 0.2 s meanwhile: saves | {len(saves)} |",
        f"| ... p50 / p95 / max | {statistics.median(saves):.0f} / {p95:.0f} / {max(saves):.0f} ms |",
        "| ... slowest save while each step ran | "
        + ", ".join(f"{k}: {v:.0f} ms" for k, v in sorted(r["slowest"].items()))  # type: ignore[attr-defined]
        + " |",
        f"| the ten semesters' tables before and after | {'identical' if r['same_tables'] else 'DIFFERENT'} |",
        "",
        "The desk is never blocked: a save waits at most for the one batch under way (the "
        "longest transaction above), never for the purge.",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-privacy-") as tmp:
        result = measure(Path(tmp))
    body = report(result)
    print(body)
    if not args.no_write:
        from benchmarks._report import write_section

        write_section("privacy", "Retention purge (`sarah privacy purge`)", body)
    return 0 if result["same_tables"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
