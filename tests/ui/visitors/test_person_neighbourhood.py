"""The neighbourhood of residence on the person's page: shown and changed by one key where the
network keeps a list, absent where it does not; the database is checked afterwards."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import Engine, select

from sarah.db import read_session
from sarah.models import Visitor
from sarah.services.neighbourhoods.listing import (
    add_neighbourhood,
    retire_neighbourhood,
    set_visitor_neighbourhood,
)
from sarah.services.visitors import create_visitor
from sarah.ui.context import AppContext
from sarah.ui.visitors import VisitorsScreen

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")


def _open(qtbot, ctx: AppContext, letters: str) -> VisitorsScreen:  # type: ignore[no-untyped-def]
    screen = VisitorsScreen(ctx)
    qtbot.addWidget(screen)
    screen.resize(1366, 700)
    with qtbot.waitActive(screen):
        screen.show()
        screen.activateWindow()
    screen.focus_search()
    qtbot.keyClicks(screen.search, letters)
    qtbot.keyClick(screen.search, Qt.Key.Key_Down)
    qtbot.keyClick(screen.search, Qt.Key.Key_Return)
    assert screen.history is not None
    return screen


def _stored(engine: Engine) -> object:
    with read_session(engine) as s:
        return s.scalars(select(Visitor.neighbourhood_id)).one()


def test_the_neighbourhood_is_changed_by_one_key_and_saved(qtbot, ctx: AppContext) -> None:  # type: ignore[no-untyped-def]
    fdo = add_neighbourhood(ctx.engine, "Fontaine d'Ouche")  # 1 (and "Hors QPV": 0)
    gre = add_neighbourhood(ctx.engine, "Grésilles")  # 2
    v = create_visitor(ctx.engine, last_name="Dupont", first_name="Léa").id
    set_visitor_neighbourhood(ctx.engine, v, fdo.id)
    screen = _open(qtbot, ctx, "dup")
    place = screen.profile.place
    assert place.isVisible() and place.currentText() == "1 — Fontaine d'Ouche (QPV)"
    assert "(modifiée)" not in screen.title.text()
    place.setFocus()
    qtbot.keyClick(place, Qt.Key.Key_2)
    assert place.currentText() == "2 — Grésilles (QPV)"
    assert "(modifiée)" in screen.title.text() and screen.save_button.isEnabled()
    qtbot.keyClick(place, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert _stored(ctx.engine) == gre.id
    assert screen.status.kind == "ok" and "enregistrée" in screen.status.text()


def test_a_retired_neighbourhood_stays_shown_for_the_person_who_has_it(
    qtbot, ctx: AppContext
) -> None:  # type: ignore[no-untyped-def]
    old = add_neighbourhood(ctx.engine, "Stalingrad")
    v = create_visitor(ctx.engine, last_name="Dupont").id
    set_visitor_neighbourhood(ctx.engine, v, old.id)
    retire_neighbourhood(ctx.engine, old.id)
    screen = _open(qtbot, ctx, "dup")
    texts = [screen.profile.place.itemText(i) for i in range(screen.profile.place.count())]
    assert texts == ["Non renseigné", "Stalingrad (QPV)", "0 — Hors QPV"]
    assert screen.profile.place.currentText() == "Stalingrad (QPV)"


def test_without_a_list_the_page_does_not_show_it(qtbot, ctx: AppContext) -> None:  # type: ignore[no-untyped-def]
    create_visitor(ctx.engine, last_name="Dupont")
    screen = _open(qtbot, ctx, "dup")
    assert not screen.profile.place.isVisible()
    assert not screen.profile.place_label.isVisible()
