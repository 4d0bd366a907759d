"""`sarah --smoke`: does this installation work? Fresh database, one workbook, then quit.

Used on the frozen build (PyInstaller) to prove that migrations and resources were shipped.
"""

from __future__ import annotations

import argparse
import tempfile
from datetime import datetime
from pathlib import Path

from sarah import __version__
from sarah.db import current_revision, head_revision
from sarah.exports.meta import ExportMeta
from sarah.exports.xlsx_report import write_report_xlsx
from sarah.reports.tables import Period
from sarah.services.database import open_database
from sarah.services.sites import ensure_site
from sarah.services.statistics.tables import semester_tables


def run_smoke(args: argparse.Namespace) -> int:
    with tempfile.TemporaryDirectory(prefix="sarah-smoke-") as tmp:
        engine = open_database(Path(tmp) / "smoke.sqlite")
        try:
            if current_revision(engine) != head_revision():
                print("Échec : le schéma de la base n'est pas à jour.")
                return 1
            ensure_site(engine, "Essai")
            today = datetime.now().date()
            report = semester_tables(
                engine, Period.semester(f"{today.year}-S{1 if today.month <= 6 else 2}")
            )
            out = Path(tmp) / "smoke.xlsx"
            write_report_xlsx(report, out, ExportMeta("sarah --smoke", datetime.now(), __version__))
            size = out.stat().st_size
        finally:
            engine.dispose()
    print(f"SARAH {__version__} : base créée et migrée, classeur écrit ({size} octets). OK")
    return 0
