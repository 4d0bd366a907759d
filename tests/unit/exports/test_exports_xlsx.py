"""The Excel workbook, read back with openpyxl: what a coordinator pastes into the report."""

from __future__ import annotations

import json
from datetime import datetime
from fractions import Fraction
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from sarah.exports.files import save_workbook
from sarah.exports.meta import ExportMeta
from sarah.exports.xlsx_report import build_report_workbook, write_report_xlsx
from sarah.reports.tables import Report, round_percent

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "reference-2019-S1.json"
META = ExportMeta("Nadia Benali", datetime(2019, 7, 3, 14, 5), "1.2.3")
SHEETS = ["Informations", "Contacts", "Services", "Personnes concernées", "Nouveaux publics"]


@pytest.fixture
def reference() -> Report:
    return Report.from_json(json.loads(FIXTURE.read_text(encoding="utf-8")))


@pytest.fixture
def book(reference: Report, tmp_path: Path):  # type: ignore[no-untyped-def]
    path = write_report_xlsx(reference, tmp_path / "rapport.xlsx", META)
    return load_workbook(path)


def row_values(ws: Worksheet, row: int) -> list[object]:
    return [c.value for c in ws[row]]


def find_row(ws: Worksheet, label: str) -> int:
    return next(r for r in range(1, ws.max_row + 1) if ws.cell(row=r, column=1).value == label)


def test_sheets_in_order(book) -> None:  # type: ignore[no-untyped-def]
    assert book.sheetnames == SHEETS


def test_information_sheet_says_what_when_who_and_checks(book) -> None:  # type: ignore[no-untyped-def]
    ws = book["Informations"]
    facts = {ws.cell(row=r, column=1).value: ws.cell(row=r, column=2).value for r in range(1, 10)}
    assert facts["Période"] == "1er semestre 2019 (du 01/01/2019 au 30/06/2019)"
    assert facts["Sites"] == "Fontaine d'Ouche, Grésilles"
    assert facts["Date de génération"] == "03/07/2019 à 14:05"
    assert facts["Version du programme"] == "SARAH 1.2.3"
    assert facts["Produit par"] == "Nadia Benali"
    words = [ws.cell(row=r, column=1).value for r in range(1, ws.max_row + 1)]
    for word in (
        "Contacts",
        "Services utilisés",
        "Jeune / adulte",
        "Publics nouvellement accueillis",
    ):
        assert word in words
    sentences = " ".join(str(ws.cell(row=r, column=2).value) for r in range(1, ws.max_row + 1))
    assert "moins de 26 ans révolus" in sentences
    start = find_row(ws, "Vérifications")
    statuses = [ws.cell(row=r, column=1).value for r in range(start + 1, ws.max_row + 1)]
    assert len(statuses) >= 9 and set(statuses) == {"vérifié"}
    labels = [ws.cell(row=r, column=2).value for r in range(start + 1, ws.max_row + 1)]
    assert any("somme" in str(label) for label in labels)
    assert ws.page_setup.orientation == "landscape"


def test_contacts_sheet_like_the_reference(book) -> None:  # type: ignore[no-untyped-def]
    ws = book["Contacts"]
    assert row_values(ws, 3) == ["CONTACTS", "Fontaine d'Ouche", "Grésilles", "TOTAL des 2 PR"]
    assert row_values(ws, 4) == ["Nombre d'entretiens Physiques", 2170, 2393, 4563]
    assert row_values(ws, 5) == ["Nombre d'entretiens Téléphoniques", 959, 415, 1374]
    assert row_values(ws, 6) == ["NOMBRE TOTAL DES CONTACTS", 3129, 2808, 5937]
    assert all(c.font.b for c in ws[6])  # total row
    assert ws["D4"].font.b and not ws["B4"].font.b  # total column
    assert ws.freeze_panes == "B4"
    assert ws.column_dimensions["A"].width >= 40


def test_services_sheet_rows_in_catalogue_order(book) -> None:  # type: ignore[no-untyped-def]
    ws = book["Services"]
    assert row_values(ws, 3)[0] == "SERVICES UTILISES"
    assert row_values(ws, 4) == ["Actualisation Pôle Emploi", 68, 184, 252]
    assert row_values(ws, 23) == ["Utiliser son espace emploi", 42, 98, 140]
    assert row_values(ws, 24) == ["Non renseigné", 0, 0, 0]
    assert row_values(ws, 25) == ["NOMBRE TOTAL DES SERVICES DELIVRES", 3925, 3896, 7821]
    assert ws["A25"].font.b


def test_people_sheet_headings_merged_groups_and_percentages(book) -> None:  # type: ignore[no-untyped-def]
    ws = book["Personnes concernées"]
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert {"A3:A4", "B3:G3", "H3:M3", "N3:N4"} <= merged
    assert ws["B3"].value == "Public jeunes" and ws["H3"].value == "Public adulte"
    assert row_values(ws, 4)[1:13] == [
        "Jeunes Femmes", "%", "Jeunes Hommes", "%", "Total jeunes", "% du total",
        "Adultes Femmes", "%", "Adultes Hommes", "%", "Total adultes", "% du total",
    ]  # fmt: skip
    assert ws["A3"].value == "Point Relais" and ws["N3"].value == "TOTAL tous publics"
    gre = row_values(ws, 6)
    assert gre[0] == "Grésilles"
    assert gre[7] == 249 and gre[9] == 208 and gre[11] == 457 and gre[13] == 798
    # The misprint of the 2019 report cannot happen: 54 % and 46 %, stored exact.
    assert gre[8] == pytest.approx(249 / 457, abs=1e-15)
    assert gre[10] == pytest.approx(208 / 457, abs=1e-15)
    assert round_percent(Fraction(249, 457)) == 54 and round_percent(Fraction(208, 457)) == 46
    assert ws["I6"].number_format == "0 %" and ws["H6"].number_format != "0 %"
    total = row_values(ws, 7)
    assert total[0] == "2 Points Relais" and total[13] == 1828
    assert all(c.font.b for c in ws[7])
    assert ws.freeze_panes == "B5"
    # No column for "non renseigné" when nobody is in it.
    assert not any("non renseigné" in str(v) for v in row_values(ws, 4))


def test_new_people_sheet(book) -> None:  # type: ignore[no-untyped-def]
    ws = book["Nouveaux publics"]
    assert row_values(ws, 5)[0] == "Fontaine d'Ouche"
    assert row_values(ws, 5)[13] == 353
    assert row_values(ws, 7)[13] == 493


def test_every_table_prints_a4_landscape_one_page_wide(book) -> None:  # type: ignore[no-untyped-def]
    for name in SHEETS[1:]:
        ws = book[name]
        assert ws.page_setup.orientation == "landscape"
        assert int(ws.page_setup.paperSize) == 9  # A4
        assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        assert ws.print_title_rows


def test_not_given_columns_appear_when_someone_is_in_them(reference: Report) -> None:
    reference.by_site["Grésilles"].persons.cells["adultes"]["NR"] = 3
    reference.total.persons.cells["adultes"]["NR"] = 3
    reference.total.persons.cells["NR"]["F"] = 1
    reference.by_site["Grésilles"].persons.cells["NR"]["F"] = 1
    wb = build_report_workbook(reference, META)
    headings = row_values(wb["Personnes concernées"], 4)
    assert "Adultes sexe non renseigné" in headings
    assert "Jeunes sexe non renseigné" in headings  # same columns in every group
    assert "Total âge non renseigné" in headings
    assert wb["Personnes concernées"].cell(row=3, column=2 + 2 * 8).value == "Âge non renseigné"
    # Table 4 has nobody there: its columns stay as in the reference.
    assert not any("non renseigné" in str(v) for v in row_values(wb["Nouveaux publics"], 4))


def test_a_failed_check_is_shown_as_failed(reference: Report) -> None:
    reference.by_site["Grésilles"].controls["contacts"] = 2807  # the database counted otherwise
    ws = build_report_workbook(reference, META)["Informations"]
    statuses = [ws.cell(row=r, column=1).value for r in range(1, ws.max_row + 1)]
    assert any(str(s).startswith("ÉCHEC") and "Grésilles" in str(s) for s in statuses)


def test_notes_for_anonymous_contacts_and_people_at_two_sites(reference: Report) -> None:
    reference.by_site["Grésilles"].anonymous_contacts = 4
    reference.total.anonymous_contacts = 4
    reference.total.persons.cells["jeunes"]["F"] -= 1
    wb = build_report_workbook(reference, META)
    contacts = [c.value for c in wb["Contacts"]["A"]]
    assert any("4 contact(s) anonyme(s)" in str(v) for v in contacts)
    people = [c.value for c in wb["Personnes concernées"]["A"]]
    assert any("plusieurs Points Relais" in str(v) for v in people)


def test_other_sheets_can_be_added_before_saving(reference: Report, tmp_path: Path) -> None:
    wb = build_report_workbook(reference, META)
    wb.create_sheet("Mois")["A1"] = "janvier"
    path = save_workbook(wb, tmp_path / "avec-mois.xlsx")
    assert load_workbook(path).sheetnames == [*SHEETS, "Mois"]
    assert [p.name for p in tmp_path.iterdir()] == ["avec-mois.xlsx"]
