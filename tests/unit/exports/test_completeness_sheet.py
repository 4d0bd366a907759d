"""The « Complétude » sheet and its CSV lines, written then read back (values by hand)."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

from openpyxl import Workbook, load_workbook

from sarah.exports.cells import SafeCsvWriter
from sarah.exports.completeness_sheet import (
    CHECK_HEADING,
    DATES_HEADING,
    SHEET_NAME,
    completeness_csv_rows,
    write_completeness_sheet,
)
from sarah.reports.completeness import Completeness, Gaps, MonthGaps
from sarah.reports.tables import Period

GR, ODD = "Grésilles", '=HYPERLINK("http://x")'
GAPS = (date(2019, 3, 12), date(2019, 3, 13), date(2019, 3, 14))
HEADINGS = [
    "Mois",
    "Site",
    "Jours ouvrés",
    "Jours sans saisie",
    "Contacts",
    "Sans service",
    "Personnes",
    "Sans date de naissance",
    "Sans sexe",
    "Saisies tardives",
    "% tardives",
    "Importés",
    DATES_HEADING,
    CHECK_HEADING,
]


def _completeness(today: date = date(2026, 12, 3)) -> Completeness:
    """March 2019 at Grésilles (3 days missing, 2 contacts without service, 2 of 28 typed
    late) and at a site whose name looks like a formula (nothing missing)."""
    gr = Gaps(20, {GR: GAPS}, 28, 2, 7, 0, 1, 2, 0)
    odd = Gaps(21, {ODD: ()}, 10, 0, 4, 0, 0, 0, 3)
    total = Gaps(41, {ODD: (), GR: GAPS}, 38, 2, 11, 0, 1, 2, 3)
    return Completeness(
        period=Period.month(2019, 3),
        sites=[ODD, GR],
        months=[MonthGaps(date(2019, 3, 1), date(2019, 3, 31), {ODD: odd, GR: gr}, total)],
        period_by_site={ODD: odd, GR: gr},
        period_total=total,
        judged_before=today,
    )


def _sheet(tmp_path: Path, completeness: Completeness):  # type: ignore[no-untyped-def]
    wb = Workbook()
    write_completeness_sheet(wb, completeness)
    path = tmp_path / "c.xlsx"
    wb.save(path)
    return load_workbook(path)[SHEET_NAME]


def _header_row(ws) -> int:  # type: ignore[no-untyped-def]
    return next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "Mois")


def test_the_sheet_lists_each_site_and_month_then_the_period(tmp_path: Path) -> None:
    ws = _sheet(tmp_path, _completeness())
    head = _header_row(ws)
    assert [ws.cell(head, c).value for c in range(1, len(HEADINGS) + 1)] == HEADINGS
    gr = [ws.cell(head + 2, c).value for c in range(1, len(HEADINGS) + 1)]
    assert gr[:12] == ["mars 2019", GR, 20, 3, 28, 2, 7, 0, 1, 2, 2 / 28, 0]
    assert gr[12] == "12/03, 13/03, 14/03"
    assert gr[13] == (
        "3 jours ouvrés sans saisie ; 2 contacts sans service ; 1 personne sans sexe renseigné"
    )
    labels = [(ws.cell(r, 1).value, ws.cell(r, 2).value) for r in range(head + 1, head + 7)]
    assert labels == [
        ("mars 2019", ODD),
        ("mars 2019", GR),
        ("mars 2019", "2 Points Relais"),
        ("Période", ODD),
        ("Période", GR),
        ("Période", "2 Points Relais"),
    ]
    assert ws.cell(head + 3, 13).value == "Grésilles : 12/03, 13/03, 14/03"
    assert ws.cell(head + 1, 14).value == "rien à compléter"


def test_shares_keep_their_exact_value_and_gaps_are_shaded_and_named(tmp_path: Path) -> None:
    ws = _sheet(tmp_path, _completeness())
    gr = _header_row(ws) + 2
    share = ws.cell(gr, 11)
    assert share.number_format == "0 %"
    assert share.value == 2 / 28
    missing, contacts = ws.cell(gr, 4), ws.cell(gr, 5)
    assert missing.fill.fgColor.rgb.endswith("FCE4D6") and missing.font.bold
    assert contacts.fill.fgColor.rgb != missing.fill.fgColor.rgb
    assert ws.cell(gr - 1, 4).fill.fgColor.rgb != missing.fill.fgColor.rgb  # 0 days: no shade


def test_the_sheet_says_what_to_check_and_which_days_are_not_judged(tmp_path: Path) -> None:
    ws = _sheet(tmp_path, _completeness(today=date(2019, 3, 20)))
    top = [ws.cell(r, 1).value for r in range(1, _header_row(ws))]
    assert top[0] == "Complétude des saisies"
    assert "Jours à partir du 20/03/2019 non jugés : ils peuvent encore être saisis." in top
    assert (
        "Grésilles, mars 2019 : 3 jours ouvrés sans saisie (12/03, 13/03, 14/03) ; 2 contacts "
        "sans service ; 1 personne sans sexe renseigné." in top
    )
    past = _sheet(tmp_path, _completeness())
    assert not any("non jugés" in str(past.cell(r, 1).value) for r in range(1, 8))


def test_a_site_named_like_a_formula_stays_text(tmp_path: Path) -> None:
    ws = _sheet(tmp_path, _completeness())
    cell = ws.cell(_header_row(ws) + 1, 2)
    assert cell.value == ODD and cell.data_type == "s"


def test_csv_lines_read_as_shown_and_cannot_start_a_formula() -> None:
    rows = completeness_csv_rows(_completeness())
    assert rows[0] == ["Complétude des saisies"]
    head = rows.index(HEADINGS)
    gr = rows[head + 2]
    assert gr == [
        "mars 2019",
        GR,
        20,
        3,
        28,
        2,
        7,
        0,
        1,
        2,
        "7 %",
        0,
        "12/03, 13/03, 14/03",
        "3 jours ouvrés sans saisie ; 2 contacts sans service ; 1 personne sans sexe renseigné",
    ]
    assert [
        "Sans service",
        "Contacts sans aucun service noté (« Non renseigné » du tableau 2).",
    ] in rows
    out = io.StringIO()
    writer = SafeCsvWriter(out)
    for row in rows:
        writer.writerow(row)
    assert "\r\nmars 2019;'=HYPERLINK" not in out.getvalue()
    assert '\r\nmars 2019;"\'=HYPERLINK(""http://x"")";21;0;10' in out.getvalue()
