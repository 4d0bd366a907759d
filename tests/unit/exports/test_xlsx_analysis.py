"""The window's extra Excel sheets, written then read back with openpyxl."""

from __future__ import annotations

import itertools
import math
import zipfile
from datetime import date, datetime, time
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import Engine

from sarah.exports.meta import ExportMeta
from sarah.exports.xlsx_analysis import (
    CHARTS_SHEET,
    COMPARISON_SHEET,
    MONTHS_SHEET,
    RATIOS_SHEET,
    add_analysis_sheets,
    add_charts_sheet,
)
from sarah.reports.comparison import compare_reports
from sarah.reports.ratios import ratios
from sarah.reports.tables import Period
from sarah.services.catalogue import list_services, rename_service, retire_service
from sarah.services.contacts import ContactDraft, log_contact
from sarah.services.sites import ensure_site
from sarah.services.statistics.months import month_breakdown
from sarah.services.statistics.tables import semester_tables
from sarah.services.visitors import create_visitor

FO, GR = "Fontaine d'Ouche", "Grésilles"
S1_2019 = Period.semester("2019-S1")


META = ExportMeta("Claire Martin", datetime(2019, 7, 2, 9, 15), "1.2.3")


@pytest.fixture
def workbook_path(engine: Engine, tmp_path: Path) -> Path:
    fo, gr = ensure_site(engine, FO), ensure_site(engine, GR)
    services = list_services(engine)
    actu, old = services[0], services[9]
    lea = create_visitor(
        engine, last_name="Martin", first_name="Léa", sex="F", birth_date=date(1998, 5, 1)
    )
    paul = create_visitor(
        engine, last_name="Roux", first_name="Paul", sex="H", birth_date=date(1970, 5, 1)
    )

    def log(site, day, visitor=None, ids=(), channel="physique") -> None:
        log_contact(engine, ContactDraft(site.id, channel, day, time(10), visitor, ids))

    log(fo, date(2018, 2, 1), lea.id, [actu.id, old.id])
    log(gr, date(2018, 3, 1), paul.id, [old.id])
    for day in (
        date(2019, 1, 7),
        date(2019, 2, 4),
        date(2019, 3, 4),
        date(2019, 4, 1),
        date(2019, 5, 6),
    ):
        log(fo, day, lea.id, [actu.id])
        log(fo, day, None, [], "telephone")
    log(gr, date(2019, 1, 8), paul.id, [actu.id])
    log(gr, date(2019, 6, 3), paul.id, [actu.id])
    rename_service(engine, actu.id, "Actualisation France Travail")
    retire_service(engine, old.id)

    report = semester_tables(engine, S1_2019)
    previous = semester_tables(engine, S1_2019.shifted_years(-1))
    wb = Workbook()
    add_analysis_sheets(
        wb,
        report,
        META,
        months=month_breakdown(engine, S1_2019, today=date(2026, 1, 1)),
        comparison=compare_reports(report, previous),
        ratio_rows=ratios(report),
    )
    path = tmp_path / "analyse.xlsx"
    wb.save(path)
    return path


def _rows(ws) -> list[tuple]:
    return [row for row in ws.iter_rows(values_only=True)]


def test_sheets_are_appended_in_order_and_state_their_provenance(workbook_path: Path) -> None:
    wb = load_workbook(workbook_path)
    assert wb.sheetnames[-4:] == [MONTHS_SHEET, COMPARISON_SHEET, RATIOS_SHEET, CHARTS_SHEET]
    for name in wb.sheetnames[-4:]:
        head = "\n".join(str(r[0]) for r in _rows(wb[name])[:6] if r[0])
        assert "Période : 1er semestre 2019 (du 01/01/2019 au 30/06/2019)" in head
        assert "Sites : Fontaine d'Ouche, Grésilles" in head
        assert "Produit par : Claire Martin, le 02/07/2019 à 09:15, avec SARAH 1.2.3" in head
        ws = wb[name]
        assert ws.page_setup.orientation == "landscape"


def test_months_sheet_has_numbers_a_period_row_and_flags_quiet_months(
    workbook_path: Path,
) -> None:
    ws = load_workbook(workbook_path)[MONTHS_SHEET]
    rows = _rows(ws)
    by_label = {r[0]: r for r in rows if r[0]}
    assert by_label["janvier 2019"][1:7] == (2, 1, 1, 1, 3, 2)
    assert by_label["juin 2019"][1:7] == (0, 0, 1, 1, 1, 1)
    assert by_label["Période"][1:7] == (10, 1, 2, 1, 12, 2)
    # Fontaine d'Ouche logged nothing in June: hatched, and said in words.
    june = next(i for i, r in enumerate(rows, start=1) if r[0] == "juin 2019")
    assert ws.cell(row=june, column=2).fill.fill_type == "lightGray"
    assert by_label["juin 2019"][-1] == "activité faible : Fontaine d'Ouche"
    assert ws.freeze_panes is not None


def test_comparison_sheet_lines_up_renamed_and_retired_services(workbook_path: Path) -> None:
    ws = load_workbook(workbook_path)[COMPARISON_SHEET]
    rows = _rows(ws)
    renamed = next(r for r in rows if r[0] == "Actualisation France Travail")
    # previous, current, change for FO, GR, total
    assert renamed[1:10] == (1, 5, pytest.approx(4.0), 0, 2, "nouveau", 1, 7, pytest.approx(6.0))
    retired = next(r for r in rows if r[-1] == "service retiré")
    assert retired[1:4] == (1, 0, pytest.approx(-1.0))
    row = next(i for i, r in enumerate(rows, start=1) if r[0] == "Actualisation France Travail")
    assert ws.cell(row=row, column=4).number_format == "+0 %;−0 %;0 %"
    assert "1er semestre 2018" in [c for r in rows for c in r if isinstance(c, str)]


def test_ratios_sheet_keeps_exact_values_with_formats(workbook_path: Path) -> None:
    ws = load_workbook(workbook_path)[RATIOS_SHEET]
    rows = {r[0]: (i, r) for i, r in enumerate(_rows(ws), start=1) if r[0]}
    i, phone = rows["Part des contacts téléphoniques"]
    assert phone[1:4] == (pytest.approx(0.5), 0, pytest.approx(5 / 12))
    assert ws.cell(row=i, column=2).number_format == "0 %"
    i, per_person = rows["Contacts par personne"]
    assert per_person[1:4] == (pytest.approx(5.0), pytest.approx(2.0), pytest.approx(3.5))
    assert ws.cell(row=i, column=2).number_format == "0.00"


def test_charts_are_native_and_patterned_for_black_and_white(workbook_path: Path) -> None:
    ws = load_workbook(workbook_path)[CHARTS_SHEET]
    assert len(ws._charts) == 3
    with zipfile.ZipFile(workbook_path) as z:
        charts = [n for n in z.namelist() if n.startswith("xl/charts/chart")]
        # Serialised by lxml when installed (python-docx brings it) or by the standard
        # library: '<delete val="0"/>' or '<delete val="0" />'; compare without the space.
        xml = "".join(z.read(n).decode("utf-8") for n in charts).replace('" />', '"/>')
    assert len(charts) == 3
    assert xml.count("<a:pattFill") >= 2 + 2 + 4  # every series hatched
    for title in ("Contacts par mois et par site", "Répartition des services par site"):
        assert title in xml
    assert xml.count('<delete val="0"/>') == 6  # axes shown (openpyxl would hide them)
    # The people chart labels its bars with the number alone.
    for flag in ("showVal", "showSerName", "showCatName", "showLegendKey"):
        assert xml.count(f'<{flag} val="{int(flag == "showVal")}"/>') == 1, flag


def _chart_rows_and_data_rows(ws) -> tuple[list[tuple[int, int]], int, int]:
    """Rows each chart covers (first, last; 1-based), from its anchor and its height in the
    file, and the first and last rows of the data tables."""
    emu_per_point = 12700
    row_emu = ws.sheet_format.defaultRowHeight * emu_per_point
    assert not any(d.height for d in ws.row_dimensions.values())  # every row that height
    spans = []
    for chart in ws._charts:
        first = chart.anchor._from.row + 1  # 0-based in the file
        spans.append((first, first + math.ceil(chart.anchor.ext.height / row_emu) - 1))
    data = [r for r in range(1, ws.max_row + 1) if ws.cell(row=r, column=1).value is not None]
    title = next(r for r in data if ws.cell(row=r, column=1).value == "Données des graphiques")
    return sorted(spans), title, data[-1]


def test_charts_sit_one_under_the_other_above_their_data(workbook_path: Path) -> None:
    ws = load_workbook(workbook_path)[CHARTS_SHEET]
    spans, title, last = _chart_rows_and_data_rows(ws)
    assert len(spans) == 3
    assert spans[0][0] > 4  # under the title and the provenance lines
    for (_first, end), (start, _last) in itertools.pairwise(spans):
        assert end < start  # no chart covers another
    assert spans[-1][1] < title  # nor the data tables
    assert ws.cell(row=title + 1, column=1).value == "Mois"
    assert last > title + 10
    # Printed, each chart but the first and the data start a page.
    assert sorted(b.id + 1 for b in ws.row_breaks.brk) == [spans[1][0], spans[2][0], title]


def test_without_months_the_two_charts_stay_above_their_data(
    engine: Engine, tmp_path: Path
) -> None:
    ensure_site(engine, FO)
    wb = Workbook()
    add_charts_sheet(wb, semester_tables(engine, S1_2019), None, META)
    wb.save(tmp_path / "charts.xlsx")
    ws = load_workbook(tmp_path / "charts.xlsx")[CHARTS_SHEET]
    spans, title, _last = _chart_rows_and_data_rows(ws)
    assert len(spans) == 2 and spans[0][1] < spans[1][0] and spans[1][1] < title


def test_sheets_can_be_left_out(engine: Engine) -> None:
    ensure_site(engine, FO)
    report = semester_tables(engine, S1_2019)
    wb = Workbook()
    add_analysis_sheets(wb, report, META, charts=False)
    assert wb.sheetnames == ["Sheet"]
    add_analysis_sheets(wb, report, META, ratio_rows=ratios(report))
    assert wb.sheetnames == ["Sheet", RATIOS_SHEET, CHARTS_SHEET]
