"""Time the Statistiques screen on the 1,000,000-contact benchmark database.

What a coordinator waits for: from choosing a period to the four tables on screen (target
<= 1 s for a semester of all sites), then the comparison with one year earlier, a whole year,
a drill-down on a large cell, and the Excel and PDF exports. Writes the section
"statistics-window" of docs/benchmarks.md.

    QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/bench_statistics_screen.py
"""

from __future__ import annotations

import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEvent, QEventLoop, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from benchmarks._report import write_section  # noqa: E402
from benchmarks.dataset import ensure_million_db, million_info  # noqa: E402
from sarah.reports.tables import Period  # noqa: E402
from sarah.services.database import open_database  # noqa: E402
from sarah.services.sites import list_sites  # noqa: E402
from sarah.services.statistics.drilldown import CellRef, contacts_behind  # noqa: E402
from sarah.services.statistics.months import month_breakdown  # noqa: E402
from sarah.services.statistics.tables import semester_tables  # noqa: E402
from sarah.settings import Settings  # noqa: E402
from sarah.ui.context import AppContext  # noqa: E402
from sarah.ui.reports.statistics_screen import StatisticsScreen  # noqa: E402

RUNS = 5
SEMESTER = Period.semester("2019-S1")
YEAR = Period.year(2019)


def wait_for(signal, action: Callable[[], None], timeout_ms: int = 120_000) -> float:
    """Seconds from ``action`` to ``signal`` (the event loop runs meanwhile, like the app)."""
    loop = QEventLoop()
    fired: list[float] = []

    def done(*_args: object) -> None:
        fired.append(time.perf_counter())
        loop.quit()

    signal.connect(done)
    timer = QTimer()
    timer.setSingleShot(True)
    timer.timeout.connect(loop.quit)
    timer.start(timeout_ms)
    start = time.perf_counter()
    action()
    if not fired:  # a synchronous action may already have emitted
        loop.exec()
    signal.disconnect(done)
    if not fired:
        raise RuntimeError("timed out")
    return fired[0] - start


def choose(screen: StatisticsScreen, period: Period) -> tuple[float, float]:
    """Seconds from choosing ``period`` to the tables shown, and to the comparison shown."""
    stamps: list[float] = []

    def shown() -> None:
        stamps.append(time.perf_counter())

    screen.tablesShown.connect(shown)
    start = time.perf_counter()
    try:
        total = wait_for(screen.computed, lambda: screen.select(period=period))
    finally:
        screen.tablesShown.disconnect(shown)
    return stamps[0] - start, total


def timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def median(values: list[float]) -> str:
    return f"{statistics.median(values) * 1000:.0f} ms"


def main() -> int:
    app = QApplication.instance() or QApplication(sys.argv)  # noqa: F841 - kept alive
    source = ensure_million_db()
    info = million_info()
    work = Path(tempfile.mkdtemp(prefix="sarah-bench-stats-"))
    try:
        db = work / "million.sqlite"
        shutil.copyfile(source, db)
        engine = open_database(db)
        sites = [s.name for s in list_sites(engine)]
        ctx = AppContext(engine, Settings(agent_name="Banc d'essai"), list_sites(engine)[0], "x")

        engine_semester = [timed(lambda: semester_tables(engine, SEMESTER)) for _ in range(RUNS)]
        months = [timed(lambda: month_breakdown(engine, SEMESTER)) for _ in range(RUNS)]

        screen = StatisticsScreen(ctx, today=date(2019, 12, 31))
        screen.resize(1400, 900)
        screen.select(period=Period.semester("2018-S2"))
        wait_for(screen.computed, screen.show)  # warm-up: first display, caches filled

        shown: list[float] = []
        complete: list[float] = []
        for i in range(RUNS):
            period = SEMESTER if i % 2 == 0 else Period.semester("2019-S2")
            tables, everything = choose(screen, period)
            shown.append(tables)
            complete.append(everything)
        debounce = screen._debounce.interval() / 1000
        year_shown, year_complete = choose(screen, YEAR)
        choose(screen, SEMESTER)

        report = screen.figures.report  # type: ignore[union-attr]
        big = CellRef("persons", None, "adultes", "F")
        drill = [
            timed(lambda: contacts_behind(engine, SEMESTER, None, big, limit=5000))
            for _ in range(3)
        ]
        pdf = work / "stats.pdf"
        pdf_time = wait_for(screen.exported, lambda: screen.export_pdf(pdf))
        xlsx = work / "stats.xlsx"
        try:
            xlsx_time: float | None = wait_for(screen.exported, lambda: screen.export_xlsx(xlsx))
        except (ImportError, RuntimeError):
            xlsx_time = None

        body = [
            f"Database: {info.get('contacts_added', 1_000_000):,} contacts, "
            f"{info.get('visitors_created', '?'):,} people, {len(sites)} sites "
            f"({db.stat().st_size / 1e6:.0f} MB). Semester {SEMESTER.label}, all sites: "
            f"{report.total.contacts_total} contacts, {report.total.persons.total} people. "
            f"Median of {RUNS} runs unless stated.",
            "",
            "| measure | time |",
            "|---|---:|",
            f"| engine: four tables of a semester, all sites | {median(engine_semester)} |",
            f"| month breakdown of a semester | {median(months)} |",
            "| screen: period chosen → four tables, ratios and their charts shown "
            f"(incl. {debounce * 1000:.0f} ms typing pause) | {median(shown)} |",
            "| screen: … → months and comparison with one year earlier shown too | "
            f"{median(complete)} |",
            f"| screen: a whole year, all sites: tables / with comparison (one run) | "
            f"{year_shown * 1000:.0f} ms / {year_complete * 1000:.0f} ms |",
            f"| drill-down: adult women of the total row ({big.table}) | {median(drill)} |",
            f"| PDF export (A4 landscape, tables and 3 charts) | {pdf_time * 1000:.0f} ms |",
            "| Excel export (engine workbook + Mois, Comparaison, Ratios, Graphiques) | "
            + (f"{xlsx_time * 1000:.0f} ms |" if xlsx_time is not None else "not measured |"),
            "",
            'Target: a semester appears in ≤ 1 s (the row "four tables … shown"). The work runs '
            "on a background thread: the window keeps answering meanwhile, with a progress bar.",
        ]
        write_section(
            "statistics-window", "Statistics window (1,000,000 contacts)", "\n".join(body)
        )
        print("\n".join(body))
        screen.close()
        screen.deleteLater()
        QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        engine.dispose()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
