"""« Masquer les petits effectifs » on the Statistiques screen: off by default; ticked, every
exported file (Excel, CSV, PDF) writes counts of 1 to 4 "< 5", what rests on them "masqué",
and says so; the screen itself keeps the exact figures."""

from __future__ import annotations

import csv
from datetime import date, time
from pathlib import Path
from typing import Any

import pytest
from helpers.pdf_text import pdf_text
from openpyxl import load_workbook

from sarah.reports.tables import Period
from sarah.ui.reports.pdf_html import CHARTS_LEFT_OUT
from sarah.ui.reports.statistics_screen import StatisticsScreen

S1 = Period.semester("2019-S1")
WAIT = 30_000
NOTICE = "Effectifs de 1 à 4 masqués (« < 5 ») pour publication"


@pytest.fixture
def screen(qtbot, ctx, make_visitor, make_contact) -> StatisticsScreen:  # type: ignore[no-untyped-def]
    """Grésilles, first half of 2019: 6 women in February (kept), 3 calls in March (masked),
    2 of them anonymous; one visit a year earlier (masked in the comparison)."""
    women = [make_visitor(f"Femme{i}", "", "F", date(1980, 1, 1)) for i in range(6)]
    for i, woman in enumerate(women):
        make_contact(date(2019, 2, 1 + i), visitor=woman)
    caller = make_visitor("Appel", "", "F", date(1980, 1, 1))
    make_contact(date(2019, 3, 1), visitor=caller, channel="telephone")
    for day in (2, 3):
        make_contact(date(2019, 3, day), time(11), channel="telephone")
    make_contact(date(2018, 3, 1), visitor=women[0])
    stats = StatisticsScreen(ctx, today=date(2019, 11, 8))
    qtbot.addWidget(stats)
    stats.select(period=S1)
    with qtbot.waitSignal(stats.computed, timeout=WAIT):
        stats.show()
    return stats


def exported(qtbot, screen: StatisticsScreen, path: Path) -> Path:  # type: ignore[no-untyped-def]
    export = {"xlsx": screen.export_xlsx, "csv": screen.export_csv, "pdf": screen.export_pdf}
    with qtbot.waitSignal(screen.exported, timeout=WAIT):
        export[path.suffix[1:]](path)
    return path


def rows_of(wb: Any, sheet: str) -> list[tuple[Any, ...]]:
    return list(wb[sheet].iter_rows(values_only=True))


def test_off_by_default_and_the_screen_keeps_exact_figures(qtbot, screen, tmp_path) -> None:  # type: ignore[no-untyped-def]
    assert not screen.bar.mask_small.isChecked()
    assert "hors financeurs" in screen.bar.mask_small.toolTip()
    wb = load_workbook(exported(qtbot, screen, tmp_path / "financeurs.xlsx"))
    assert ("Nombre d'entretiens Téléphoniques", 3, 3) in [r[:3] for r in rows_of(wb, "Contacts")]
    screen.bar.mask_small.setChecked(True)
    texts = screen.tables["contacts"].grid_model
    assert texts.data(texts.index(1, 1)) == "3"  # on screen: the exact count


def test_the_workbook_masks_every_sheet_and_says_so(qtbot, screen, tmp_path) -> None:  # type: ignore[no-untyped-def]
    screen.bar.mask_small.setChecked(True)
    wb = load_workbook(exported(qtbot, screen, tmp_path / "publication.xlsx"))
    info = {r[0]: r[1] for r in rows_of(wb, "Informations") if r[0]}
    assert info["Petits effectifs"] == NOTICE + "."
    contacts = [r[:3] for r in rows_of(wb, "Contacts")]
    assert ("Nombre d'entretiens Physiques", 6, 6) in contacts
    assert ("Nombre d'entretiens Téléphoniques", "< 5", "< 5") in contacts
    months = {r[0]: r[1:5] for r in rows_of(wb, "Mois") if r[0]}
    assert months["février 2019"] == (6, 6, 6, 6) or months["Février 2019"] == (6, 6, 6, 6)
    march = months.get("mars 2019") or months["Mars 2019"]
    assert march == ("< 5", "< 5", "< 5", "< 5")
    assert NOTICE + "." in [r[0] for r in rows_of(wb, "Mois")]
    total = next(r for r in rows_of(wb, "Comparaison") if r[0] == "Total des contacts")
    assert total[1:4] == ("< 5", 9, "masqué")  # a year earlier: 1 visit
    ratios = {r[0]: r[1:3] for r in rows_of(wb, "Ratios") if r[0]}
    assert ratios["Part des contacts téléphoniques"] == ("masqué", "masqué")  # 3 of 9
    assert ratios["Contacts par personne"][0] == pytest.approx(7 / 7)  # 7 named contacts, 7 people
    charts = [r for r in rows_of(wb, "Graphiques")]
    assert any(r[0] and "mars" in str(r[0]).lower() and r[1] == "< 5" for r in charts)
    for name in wb.sheetnames:
        assert NOTICE + "." in [v for row in rows_of(wb, name) for v in row], name


def test_the_csv_masks_and_says_so(qtbot, screen, tmp_path) -> None:  # type: ignore[no-untyped-def]
    screen.bar.mask_small.setChecked(True)
    path = exported(qtbot, screen, tmp_path / "publication.csv")
    rows = list(csv.reader(path.read_text(encoding="utf-8-sig").splitlines(), delimiter=";"))
    assert ["Petits effectifs", NOTICE + "."] in rows
    assert ["Nombre d'entretiens Téléphoniques", "< 5", "< 5"] in rows
    # The note sits under table 1, the table it is about.
    assert any(r[0] == "Note" and "< 5 contact(s) anonyme(s)" in r[1] for r in rows if r)


def test_the_pdf_masks_says_so_and_leaves_the_charts_out(qtbot, screen, tmp_path) -> None:  # type: ignore[no-untyped-def]
    screen.bar.mask_small.setChecked(True)
    path = exported(qtbot, screen, tmp_path / "publication.pdf")
    text = pdf_text(path)
    flat = " ".join(text.split())
    assert " ".join(NOTICE.split()) in flat
    assert " ".join(CHARTS_LEFT_OUT.split()) in flat
    line = next(x for x in text.splitlines() if "Téléphoniques" in x)
    # ("< 5" may come out as "<5": the tools differ on the narrow space inside it.)
    assert "<5" in line.replace(" ", "") and " 3 " not in f"{line} "
    assert "masqué" in text
