"""Names typed by users are written out as text, never as formulas (CSV / formula injection).

A site, a service or an agent called ``=HYPERLINK(…)``, ``+cmd|' /C calc'!A0`` or ``@SUM(1+1)``
must reach every sheet of the workbooks and the CSV as the name it is: in the xlsx, a string
cell (no ``<f>`` element in the sheet XML) with Excel's quote prefix; in the CSV, OWASP's
advice (a leading ``'`` and quotes). Numbers written by SARAH stay numbers.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from datetime import date, datetime, time
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import Engine

from sarah.cli import main
from sarah.exports.cells import SafeCsvWriter, csv_field, put
from sarah.exports.csv_report import write_report_csv
from sarah.exports.files import save_workbook
from sarah.exports.meta import ExportMeta
from sarah.exports.xlsx_analysis import add_analysis_sheets
from sarah.exports.xlsx_report import build_report_workbook
from sarah.reports.comparison import compare_reports
from sarah.reports.ratios import ratios
from sarah.reports.tables import Period, Report
from sarah.services.catalogue import list_services, rename_service
from sarah.services.contacts import ContactDraft, log_contact
from sarah.services.sites import ensure_site
from sarah.services.statistics.months import month_breakdown
from sarah.services.statistics.tables import semester_tables
from sarah.services.visitors import create_visitor
from sarah.settings import Settings, save_settings

HYPERLINK = '=HYPERLINK("http://evil.example/x","Cliquez")'
CMD = "+cmd|' /C calc'!A0"
MINUS = "-2+3"
SUM = "@SUM(1+1)"
ERROR = "#N/A"  # openpyxl would store it as an error value
SITES = [HYPERLINK, CMD, MINUS]
S1_2019 = Period.semester("2019-S1")
META = ExportMeta(SUM, datetime(2019, 7, 3, 14, 5), "1.2.3")
TABLE_SHEETS = ["Contacts", "Services", "Personnes concernées", "Nouveaux publics"]
ANALYSIS_SHEETS = ["Mois", "Comparaison", "Ratios", "Graphiques"]


@pytest.fixture
def hostile(engine: Engine) -> Engine:
    """Three sites and a service named like formulas, contacts in 2018 and 2019."""
    sites = [ensure_site(engine, name) for name in SITES]
    service = next(s for s in list_services(engine) if s.code == "participer_rdv")
    rename_service(engine, service.id, SUM)
    other = next(s for s in list_services(engine) if s.code != "participer_rdv")
    rename_service(engine, other.id, ERROR)
    for i, site in enumerate(sites):
        who = create_visitor(engine, last_name=f"Nom{i}", sex="F", birth_date=date(2001, 1, 1))
        for day in (date(2018, 2, 5), date(2019, 2, 4), date(2019, 5, 6)):
            log_contact(
                engine,
                ContactDraft(site.id, "physique", day, time(9), who.id, [service.id, other.id]),
            )
    return engine


def _report(engine: Engine) -> Report:
    return semester_tables(engine, S1_2019)


def _full_workbook(engine: Engine) -> Workbook:
    report = _report(engine)
    previous = semester_tables(engine, S1_2019.shifted_years(-1))
    wb = build_report_workbook(report, META)
    add_analysis_sheets(
        wb,
        report,
        META,
        months=month_breakdown(engine, S1_2019),
        comparison=compare_reports(report, previous),
        ratio_rows=ratios(report),
        charts=True,
    )
    return wb


def _sheet_xml(path: Path) -> dict[str, str]:
    with zipfile.ZipFile(path) as z:
        return {
            name: z.read(name).decode("utf-8")
            for name in z.namelist()
            if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", name)
        }


def _check_text_only(path: Path, names: list[str], sheets: list[str]) -> None:
    """No formula anywhere; each name, where it appears, is a string cell with quote prefix."""
    for part, xml in _sheet_xml(path).items():
        assert "<f>" not in xml and "<f " not in xml, part
    wb = load_workbook(path)
    found: dict[str, set[str]] = {name: set() for name in names}
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                if cell.value in found:
                    assert cell.data_type == "s", (ws.title, cell.coordinate)
                    if cell.value != ERROR:
                        assert cell.quotePrefix, (ws.title, cell.coordinate)
                    found[str(cell.value)].add(ws.title)
    for name in names:
        missing = set(sheets) - found[name]
        assert not missing, f"{name} not found as a cell of {sorted(missing)}"


def test_every_sheet_of_the_statistics_workbook_keeps_names_as_text(
    hostile: Engine, tmp_path: Path
) -> None:
    path = save_workbook(_full_workbook(hostile), tmp_path / "stats.xlsx")
    # Site names head the columns of every table; the service in its tables.
    _check_text_only(path, SITES, TABLE_SHEETS + ANALYSIS_SHEETS)
    _check_text_only(path, [SUM, ERROR], ["Services", "Comparaison", "Graphiques"])
    info = load_workbook(path)["Informations"]
    produced = next(r for r in info.iter_rows() if r[0].value == "Produit par")[1]
    assert produced.value == SUM and produced.data_type == "s" and produced.quotePrefix


def test_numbers_stay_numbers_in_the_workbook(hostile: Engine, tmp_path: Path) -> None:
    path = save_workbook(_full_workbook(hostile), tmp_path / "stats.xlsx")
    contacts = load_workbook(path)["Contacts"]
    total = next(r for r in contacts.iter_rows() if r[0].value == "NOMBRE TOTAL DES CONTACTS")
    assert [c.value for c in total[1:]] == [2, 2, 2, 6]
    assert all(c.data_type == "n" for c in total[1:])


def test_put_writes_text_as_text_and_numbers_as_numbers(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    put(ws, 1, 1, HYPERLINK)
    put(ws, 2, 1, -12)
    put(ws, 3, 1, 0.25)
    put(ws, 4, 1, "Grésilles")
    put(ws, 5, 1, "\tcalc")
    path = save_workbook(wb, tmp_path / "cells.xlsx")
    back = load_workbook(path).active
    assert back is not None
    assert (back["A1"].value, back["A1"].data_type, back["A1"].quotePrefix) == (
        HYPERLINK,
        "s",
        True,
    )
    assert (back["A2"].value, back["A2"].data_type) == (-12, "n")
    assert (back["A3"].value, back["A3"].data_type) == (0.25, "n")
    assert (back["A4"].value, back["A4"].quotePrefix) == ("Grésilles", False)
    assert back["A5"].quotePrefix


def _csv_rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text), delimiter=";"))


def test_csv_fields_follow_owasp_and_numbers_stay_numbers() -> None:
    for text in (HYPERLINK, CMD, MINUS, SUM, "\tx", "\rx"):
        assert csv_field(text) == "'" + text
    assert csv_field("Grésilles") == "Grésilles"
    assert csv_field(-3) == -3 and csv_field(0.5) == 0.5
    out = io.StringIO()
    SafeCsvWriter(out).writerow([CMD, -3, 12, "54 %", None])
    assert out.getvalue() == "\"'+cmd|' /C calc'!A0\";-3;12;54 %;\r\n"


def test_the_csv_report_writes_names_as_quoted_text(hostile: Engine, tmp_path: Path) -> None:
    path = write_report_csv(_report(hostile), tmp_path / "stats.csv", META)
    raw = path.read_bytes().decode("utf-8-sig")
    rows = _csv_rows(raw)
    header = next(r for r in rows if r and r[0] == "CONTACTS")
    assert header[1:4] == ["'" + name for name in SITES]
    assert ["Produit par", "'" + SUM] in rows
    service = next(r for r in rows if r and r[0] == "'" + SUM)
    assert service[1:] == ["2", "2", "2", "6"]
    # On disk: the formula-like text quoted, the counts bare numbers, the rest as always.
    assert '"\'=HYPERLINK(""http://evil.example/x"",""Cliquez"")"' in raw
    assert "NOMBRE TOTAL DES CONTACTS;2;2;2;6\r\n" in raw


def test_sarah_report_on_the_command_line_writes_names_as_text(
    hostile: Engine, db_target: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    save_settings(Settings(agent_name=CMD))
    hostile.dispose()
    xlsx, csv_path = tmp_path / "r.xlsx", tmp_path / "r.csv"
    for fmt, out in (("xlsx", xlsx), ("csv", csv_path)):
        code = main(
            [
                "--db",
                db_target,
                "report",
                "--semester",
                "2019-S1",
                "--format",
                fmt,
                "--output",
                str(out),
            ]
        )
        assert code == 0, capsys.readouterr().err
    _check_text_only(xlsx, SITES, TABLE_SHEETS)
    _check_text_only(xlsx, [SUM], ["Services"])
    info = load_workbook(xlsx)["Informations"]
    produced = next(r for r in info.iter_rows() if r[0].value == "Produit par")[1]
    assert produced.value == CMD and produced.data_type == "s"
    rows = _csv_rows(csv_path.read_bytes().decode("utf-8-sig"))
    assert ["Produit par", "'" + CMD] in rows
    assert ["Sites", "'" + ", ".join(SITES)] in rows
