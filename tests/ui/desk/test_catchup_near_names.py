"""Saisie différée, grid: a near name (≈) in the list under the grid is picked only when the
agent goes down to it (↓) or clicks it, never by Entrée alone; with only near names listed,
Entrée does what it does when nobody is found: the next row, the name left unchosen (the desk
rule of issue 13, as at the Accueil)."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import Qt

from sarah.ui.table_models.desk_grid import CatchupGridModel
from sarah.ui.table_models.desk_results import VisitorResultsModel

CTRL = Qt.KeyboardModifier.ControlModifier
DAY = date.today() - timedelta(days=5)


def _grid(qtbot, window):  # type: ignore[no-untyped-def]
    """The grid open on DAY, the cursor in the Personne cell of the first row."""
    catchup = window.show_screen("saisie")
    catchup.set_day(DAY, grid=True)
    grid = catchup.grid
    qtbot.waitUntil(grid.view.hasFocus)
    qtbot.keyClick(grid.view, Qt.Key.Key_Tab)  # Heure -> Personne
    return grid


def _listed(grid) -> list[str]:  # type: ignore[no-untyped-def]
    model = grid.people_model
    return [
        model.data(model.index(row, VisitorResultsModel.NAME)) for row in range(model.rowCount())
    ]


def _highlighted(grid) -> list[int]:  # type: ignore[no-untyped-def]
    """The rows the list shows highlighted (the person Entrée in the Personne cell picks)."""
    view = grid.people_view
    return sorted({index.row() for index in view.selectionModel().selectedIndexes()})


def test_entree_with_only_near_names_goes_to_the_next_row_without_choosing(
    qtbot, keys, window, make_visitor
) -> None:
    make_visitor("Diallo", "Mamadou")
    grid = _grid(qtbot, window)
    keys.type("daillo mamdou")
    assert _listed(grid) == ["DIALLO Mamadou   ≈ nom proche"]
    assert _highlighted(grid) == []  # nothing looks chosen that the agent did not choose
    keys.press(Qt.Key.Key_Return)
    assert grid.view.currentIndex().row() == 1  # as when nobody is found: the next row
    first = grid.model.row(0)
    assert (first.person_text, first.visitor_id) == ("daillo mamdou", None)
    keys.press(Qt.Key.Key_Return, CTRL)
    assert "« daillo mamdou » non choisie" in grid.model.row(0).error


def test_going_down_to_a_near_name_then_entree_picks_it(qtbot, keys, window, make_visitor) -> None:
    mamadou = make_visitor("Diallo", "Mamadou")
    grid = _grid(qtbot, window)
    keys.type("daillo mamdou")
    assert _highlighted(grid) == []
    keys.press(Qt.Key.Key_Down)
    assert _highlighted(grid) == [0]
    keys.press(Qt.Key.Key_Return)
    first = grid.model.row(0)
    assert (first.person_text, first.visitor_id) == ("DIALLO Mamadou", mamadou.id)
    assert grid.view.currentIndex() == grid.model.index(0, CatchupGridModel.CHANNEL)


def test_going_down_to_a_near_name_and_back_up_gives_it_up(
    qtbot, keys, window, make_visitor
) -> None:
    make_visitor("Diallo", "Mamadou")
    grid = _grid(qtbot, window)
    keys.type("daillo mamdou")
    keys.press(Qt.Key.Key_Down)
    keys.press(Qt.Key.Key_Up)
    assert _highlighted(grid) == []  # ↑ undoes ↓
    keys.press(Qt.Key.Key_Return)
    assert grid.view.currentIndex().row() == 1
    assert grid.model.row(0).visitor_id is None


def test_a_click_on_a_near_name_chooses_it_for_entree(qtbot, keys, window, make_visitor) -> None:
    mamadou = make_visitor("Diallo", "Mamadou")
    grid = _grid(qtbot, window)
    keys.type("daillo mamdou")
    assert _highlighted(grid) == []
    view = grid.people_view
    cell = view.visualRect(grid.people_model.index(0, VisitorResultsModel.NAME))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=cell.center())
    assert _highlighted(grid) == [0]
    keys.press(Qt.Key.Key_Return)  # the Personne cell still has the keyboard
    assert grid.model.row(0).visitor_id == mamadou.id
