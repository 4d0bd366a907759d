"""The coordinator's semester at scale, on a copy of the 1,000,000-contact database.

    .venv/bin/python benchmarks/bench_coordinator.py             # measure and write docs/benchmarks.md
    .venv/bin/python benchmarks/bench_coordinator.py --no-write  # measure only

For the first semester of 2019, every site (about 109,000 contacts): closing the period (two
fingerprint passes around the tables and months, then the snapshot written), what changed since
(what the Statistiques screen computes for a closed period, in the background), the same after
100 late entries, the completeness of the entries, the people by neighbourhood of residence
(nine people in ten given one of ten neighbourhoods), and the Word section. Each is timed once, in
this process, after a first read of the file warmed the cache. Results go to the "coordinator"
section.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from datetime import date, datetime
from datetime import time as dtime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.dataset import ensure_million_db  # noqa: E402

LATE = 100


def _timed(label: str, results: list[tuple[str, float]], fn: Any, *args: Any, **kwargs: Any) -> Any:
    start = time.perf_counter()
    value = fn(*args, **kwargs)
    results.append((label, time.perf_counter() - start))
    return value


def _give_neighbourhoods(engine: Any) -> int:
    """Nine priority neighbourhoods and "Hors QPV"; nine people in ten get one of them."""
    from sqlalchemy import text

    from sarah.services.neighbourhoods.listing import add_neighbourhood, list_neighbourhoods

    for n in range(1, 10):
        add_neighbourhood(engine, f"Quartier {n}")
    ids = [p.id.hex for p in list_neighbourhoods(engine)]
    cases = " ".join(f"WHEN {i} THEN '{nid}'" for i, nid in enumerate(ids))
    with engine.begin() as conn:
        return int(
            conn.execute(
                text(
                    f"UPDATE visitors SET neighbourhood_id = CASE rowid % {len(ids) + 1} {cases} "
                    "ELSE NULL END"
                )
            ).rowcount
        ) - int(
            conn.execute(
                text("SELECT count(*) FROM visitors WHERE neighbourhood_id IS NULL")
            ).scalar_one()
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--no-write", action="store_true", help="do not update docs/benchmarks.md")
    args = parser.parse_args()
    source = ensure_million_db()

    from sarah import __version__, paths
    from sarah.exports.docx_report import write_report_docx
    from sarah.exports.meta import ExportMeta
    from sarah.reports.tables import Period
    from sarah.services.closing.changes import changes_since_published
    from sarah.services.closing.periods import close_period
    from sarah.services.contacts import ContactDraft, log_contacts
    from sarah.services.database import open_database
    from sarah.services.sites import list_sites
    from sarah.services.statistics.completeness import period_completeness
    from sarah.services.statistics.neighbourhoods import neighbourhoods_for_sites
    from sarah.services.statistics.tables import semester_tables

    results: list[tuple[str, float]] = []
    with tempfile.TemporaryDirectory() as tmp:
        paths.set_basedir(tmp)
        copy = Path(tmp) / "million.sqlite"
        shutil.copyfile(source, copy)
        engine = open_database(copy)
        period = Period.semester("2019-S1")
        sites = list_sites(engine)
        ids = [s.id for s in sites]
        report = semester_tables(engine, period)  # warms the cache
        contacts = report.total.contacts_total
        publication = _timed(
            "Close the semester (all sites)",
            results,
            close_period,
            engine,
            period,
            today=date(2019, 7, 15),
        )
        _timed(
            "What changed since (nothing)",
            results,
            changes_since_published,
            engine,
            publication,
            ids,
        )
        drafts = [
            ContactDraft(sites[i % len(sites)].id, "telephone", date(2019, 6, 3), dtime(9))
            for i in range(LATE)
        ]
        log_contacts(engine, drafts)
        changes = _timed(
            f"What changed since ({LATE} late entries)",
            results,
            changes_since_published,
            engine,
            publication,
            ids,
        )
        assert changes.count("added") == LATE
        _timed("Completeness of the entries", results, period_completeness, engine, period)
        people = _give_neighbourhoods(engine)
        table = _timed(
            f"People by neighbourhood ({people:,} people have one)",
            results,
            neighbourhoods_for_sites,
            engine,
            period,
            sites,
        )
        assert table.total.total == report.total.persons.total
        meta = ExportMeta("bench", datetime.now(), __version__)
        _timed(
            "Word section (docx)",
            results,
            write_report_docx,
            report,
            Path(tmp) / "section.docx",
            meta,
        )
        engine.dispose()

    lines = [
        f"First semester of 2019, all {len(sites)} sites ({contacts:,} contacts) of the "
        "1,000,000-contact database (benchmarks/dataset.py), SQLite; each step timed once.",
        "",
        "| step | time |",
        "|---|---:|",
    ]
    lines += [f"| {label} | {seconds:.2f} s |" for label, seconds in results]
    lines += [
        "",
        "Closing reads every contact of the period twice (before and after the tables, to be "
        "sure both describe one moment) and writes a fingerprint of each; what changed since "
        "reads them once more. The Statistiques screen computes it in the background, after "
        "the tables are shown, for a closed period only. The people by neighbourhood read "
        "the per-person-day sums (stat_visits) and each person's record, like the age bands.",
    ]
    body = "\n".join(lines)
    print(body)
    if not args.no_write:
        from benchmarks._report import write_section

        write_section(
            "coordinator",
            "The coordinator's semester (closing, completeness, neighbourhoods, Word)",
            body,
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
