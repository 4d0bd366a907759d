"""Visiteurs: a coordinator reviews the whole base's probable duplicates, a pair at a time, and
merges one through the usual merge dialog, where the other record is proposed first."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt

from sarah.services.visitor_history import visitor_history
from sarah.services.visitors import create_visitor
from sarah.ui.context import AppContext
from sarah.ui.visitors import VisitorsScreen

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")

BORN = date(1990, 4, 12)


def _screen(qtbot, ctx: AppContext) -> VisitorsScreen:  # type: ignore[no-untyped-def]
    screen = VisitorsScreen(ctx)
    qtbot.addWidget(screen)
    with qtbot.waitExposed(screen):
        screen.show()
    return screen


def _review(qtbot, screen: VisitorsScreen) -> int:  # type: ignore[no-untyped-def]
    with qtbot.waitSignal(screen.pane.review_shown, timeout=10000) as shown:
        qtbot.mouseClick(screen.pane.review_button, Qt.MouseButton.LeftButton)
    return int(shown.args[0])


def test_pairs_are_listed_then_merged_through_the_merge_dialog(qtbot, ctx: AppContext) -> None:  # type: ignore[no-untyped-def]
    kept = create_visitor(ctx.engine, last_name="Diallo", first_name="Mamadou", birth_date=BORN)
    twin = create_visitor(ctx.engine, last_name="Dialo", first_name="Mamadou", birth_date=BORN)
    create_visitor(ctx.engine, last_name="Diallo", first_name="Fatou", birth_date=BORN)
    create_visitor(ctx.engine, last_name="Martin", first_name="Paul")
    screen = _screen(qtbot, ctx)

    assert _review(qtbot, screen) == 1
    rows = [
        screen.results_model.row_at(i).visitor.id for i in range(screen.results_model.rowCount())
    ]
    assert rows == [kept.id, twin.id]
    assert screen.hint.text().startswith("1 paire de fiches qui sont sans doute la même personne")
    assert "Fusionner avec une autre fiche" in screen.hint.text()
    # The list has the keyboard, the first record of the first pair open beside it.
    assert screen.search.text() == "" and screen.results.hasFocus()
    assert screen.history is not None and screen.history.visitor.id == kept.id
    screen.start_merge()
    dialog = screen.merge_dialog
    assert dialog is not None
    qtbot.waitExposed(dialog)
    assert dialog.other is not None and dialog.other.visitor.id == twin.id
    dialog.confirm.setChecked(True)
    with qtbot.waitSignal(screen.visitor_changed):
        qtbot.mouseClick(dialog.merge_button, Qt.MouseButton.LeftButton)
    assert visitor_history(ctx.engine, twin.id).visitor.id == kept.id

    assert _review(qtbot, screen) == 0
    assert screen.results_model.rowCount() == 0
    assert screen.hint.text() == "Aucun doublon probable dans les fiches."
