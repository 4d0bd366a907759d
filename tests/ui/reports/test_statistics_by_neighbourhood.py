"""The people by neighbourhood of residence on the Statistiques screen: under the four tables
when the network keeps a list of neighbourhoods (even all retired), absent otherwise; in the
workbook exported from the screen. A small history with the numbers counted by hand."""

from __future__ import annotations

from datetime import date, time
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import Qt
from sqlalchemy import Engine

from sarah.reports.tables import Period
from sarah.services.contacts import ContactDraft, log_contact
from sarah.services.neighbourhoods.listing import (
    add_neighbourhood,
    list_neighbourhoods,
    retire_neighbourhood,
    set_visitor_neighbourhood,
)
from sarah.services.sites import ensure_site, list_sites
from sarah.services.visitors import create_visitor
from sarah.settings import Settings
from sarah.ui.context import AppContext
from sarah.ui.reports.statistics_screen import StatisticsScreen
from sarah.ui.reports.statistics_views import NEIGHBOURHOOD_TABLE

FDO, GRE = "Fontaine d'Ouche", "Grésilles"
S1_2019 = Period.semester("2019-S1")
WAIT = 30_000  # ms; generous for a loaded machine
TITLE = "Personnes concernées par quartier de résidence"


def _people(engine: Engine) -> None:
    """Ana (Grésilles) at GRE; Bruno (Fontaine d'Ouche) at both sites; Chloé (hors QPV) and
    Driss (not given) at FDO; Eve (Grésilles) only after the semester."""
    sites = {name: ensure_site(engine, name).id for name in (FDO, GRE)}
    places = {n.label: n.id for n in list_neighbourhoods(engine)}
    visits = {
        "Ana": ("Grésilles", [(GRE, date(2019, 2, 4))]),
        "Bruno": ("Fontaine d'Ouche", [(FDO, date(2019, 3, 5)), (GRE, date(2019, 4, 8))]),
        "Chloé": ("Hors QPV", [(FDO, date(2019, 5, 6)), (FDO, date(2019, 6, 3))]),
        "Driss": (None, [(FDO, date(2019, 1, 14))]),
        "Eve": ("Grésilles", [(GRE, date(2019, 8, 1))]),
    }
    for name, (place, days) in visits.items():
        v = create_visitor(engine, last_name=name, first_name="X", sex="F")
        if place is not None and place in places:
            set_visitor_neighbourhood(engine, v.id, places[place])
        for site, day in days:
            log_contact(engine, ContactDraft(sites[site], "physique", day, time(10), v.id))


def _listed(engine: Engine) -> None:
    add_neighbourhood(engine, "Grésilles")  # brings "Hors QPV"
    add_neighbourhood(engine, "Fontaine d'Ouche")


def _screen(qtbot, engine: Engine) -> StatisticsScreen:  # type: ignore[no-untyped-def]
    ctx = AppContext(
        engine=engine,
        settings=Settings(agent_name="Claire Martin"),
        site=list_sites(engine)[0],
        agent="Claire",
    )
    screen = StatisticsScreen(ctx, today=date(2019, 11, 8))
    qtbot.addWidget(screen)
    screen.resize(1300, 850)
    screen.select(period=S1_2019)
    with qtbot.waitSignal(screen.computed, timeout=WAIT):
        screen.show()
    return screen


def _texts(screen: StatisticsScreen) -> list[list[str]]:
    model = screen.tables[NEIGHBOURHOOD_TABLE].grid_model
    return [
        [model.data(model.index(r, c)) for c in range(model.columnCount())]
        for r in range(model.rowCount())
    ]


def test_the_table_shows_each_person_once_under_their_neighbourhood(qtbot, engine: Engine) -> None:  # type: ignore[no-untyped-def]
    _listed(engine)
    _people(engine)
    screen = _screen(qtbot, engine)
    table = screen.tables[NEIGHBOURHOOD_TABLE]
    assert table.isVisibleTo(screen)
    assert screen.table_titles[NEIGHBOURHOOD_TABLE].text() == TITLE
    headers = table.grid_model.grid.headers
    assert headers == [
        "Point Relais",
        "Grésilles (QPV)",
        "Fontaine d'Ouche (QPV)",
        "Ensemble des QPV",
        "% en QPV",
        "Hors QPV",
        "Non renseigné",
        "TOTAL tous publics",
    ]
    assert _texts(screen) == [
        [FDO, "0", "1", "1", "50 %", "1", "1", "3"],
        [GRE, "1", "1", "2", "100 %", "0", "0", "2"],
        ["2 Points Relais", "1", "1", "2", "67 %", "1", "1", "4"],
    ]
    assert screen.tabs.neighbourhood_share.text() == (
        "67 % des personnes dont le quartier est connu vivent dans un quartier prioritaire "
        "(2 sur 3) ; quartier non renseigné pour 1 sur 4."
    )
    assert "(1 de moins que la somme des sites)" in screen.tabs.neighbourhood_notes.text()
    assert screen.figures is not None and screen.figures.neighbourhoods is not None


def test_no_list_no_table_anywhere(qtbot, engine: Engine, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _people(engine)
    screen = _screen(qtbot, engine)
    assert not screen.tables[NEIGHBOURHOOD_TABLE].isVisibleTo(screen)
    assert not screen.table_titles[NEIGHBOURHOOD_TABLE].isVisibleTo(screen)
    assert not screen.tabs.neighbourhood_share.isVisibleTo(screen)
    assert screen.figures is not None and screen.figures.neighbourhoods is None
    path = tmp_path / "sans-quartiers.xlsx"
    with qtbot.waitSignal(screen.exported, timeout=WAIT):
        screen.export_xlsx(path)
    cells = [v for ws in load_workbook(path) for row in ws.iter_rows(values_only=True) for v in row]
    assert not any(isinstance(v, str) and TITLE in v for v in cells)


def test_all_retired_the_table_stays_for_the_people_already_counted(qtbot, engine: Engine) -> None:  # type: ignore[no-untyped-def]
    _listed(engine)
    _people(engine)
    for n in list_neighbourhoods(engine):
        retire_neighbourhood(engine, n.id)
    screen = _screen(qtbot, engine)
    assert screen.tables[NEIGHBOURHOOD_TABLE].isVisibleTo(screen)
    assert _texts(screen)[-1] == ["2 Points Relais", "1", "1", "2", "67 %", "1", "1", "4"]


def test_the_workbook_exported_from_the_screen_has_the_table(
    qtbot, engine: Engine, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    _listed(engine)
    _people(engine)
    screen = _screen(qtbot, engine)
    path = tmp_path / "quartiers.xlsx"
    with qtbot.waitSignal(screen.exported, timeout=WAIT):
        screen.export_xlsx(path)
    [sheet] = [ws for ws in load_workbook(path) if str(ws["A1"].value).startswith(TITLE)]
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert [FDO, 0, 1, 1] == rows[4][:4] and rows[4][-1] == 3
    assert ["2 Points Relais", 1, 1, 2] == rows[6][:4] and rows[6][-1] == 4
    assert rows[6][4] == pytest.approx(2 / 3)


def test_a_first_neighbourhood_in_the_catalogue_brings_the_table_to_the_statistics(
    qtbot, window, engine: Engine
) -> None:  # type: ignore[no-untyped-def]
    _people(engine)  # nobody has a neighbourhood: there was no list
    statistics = window.screen_for("statistiques")
    statistics.select(period=S1_2019, sites=[FDO, GRE])
    with qtbot.waitSignal(statistics.computed, timeout=WAIT):
        window.show_screen("statistiques")
    assert not statistics.tables[NEIGHBOURHOOD_TABLE].isVisibleTo(statistics)

    catalogue = window.show_screen("catalogue")
    qtbot.keyClick(catalogue.table, Qt.Key.Key_Q, Qt.KeyboardModifier.AltModifier)
    part = catalogue.neighbourhoods
    qtbot.keyClick(part.activate_button, Qt.Key.Key_Space)
    dialog = part.dialog
    assert dialog is not None
    qtbot.waitExposed(dialog)
    qtbot.keyClicks(dialog.label_edit, "Fontaine d'Ouche")
    with qtbot.waitSignal(dialog.finished):
        qtbot.keyClick(dialog.label_edit, Qt.Key.Key_Return)

    with qtbot.waitSignal(statistics.computed, timeout=WAIT):
        window.show_screen("statistiques")
    assert statistics.tables[NEIGHBOURHOOD_TABLE].isVisibleTo(statistics)
    assert _texts(statistics)[-1] == ["2 Points Relais", "0", "0", "—", "0", "4", "4"]
    assert statistics.tabs.neighbourhood_share.text() == (
        "Aucune personne n'a de quartier de résidence renseigné (4 en tout)."
    )
