"""Visiteurs lists the records of two sites that only look alike, for a person to confirm."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt

from sarah.services.sites import ensure_site
from sarah.services.visitors import create_visitor
from sarah.ui.context import AppContext
from sarah.ui.visitors import VisitorsScreen

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")


def test_look_alikes_of_two_sites_are_listed_side_by_side(qtbot, ctx: AppContext) -> None:  # type: ignore[no-untyped-def]
    other = ensure_site(ctx.engine, "Fontaine d'Ouche")
    create_visitor(ctx.engine, last_name="Martin", first_name="Paul", site_id=ctx.site.id)
    create_visitor(
        ctx.engine,
        last_name="MARTIN",
        first_name="Paul",
        birth_date=date(1980, 1, 2),
        site_id=other.id,
    )
    create_visitor(ctx.engine, last_name="Martin", first_name="Paul", site_id=ctx.site.id)
    screen = VisitorsScreen(ctx)
    qtbot.addWidget(screen)
    with qtbot.waitExposed(screen):
        screen.show()
    button = screen.pane.duplicates_button
    # The two records of Grésilles are one site's business (the merge dialog proposes them);
    # each of them with the one of Fontaine d'Ouche is a pair between sites.
    assert button.isVisible() and button.text() == "Doublons probables entre sites : 3 fiches…"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    names = [
        screen.results_model.row_at(i).visitor.last_name
        for i in range(screen.results_model.rowCount())
    ]
    assert [n.casefold() for n in names] == ["martin"] * 3
    assert "Fusionner avec une autre fiche" in screen.hint.text()


def test_no_look_alikes_no_button(qtbot, ctx: AppContext) -> None:  # type: ignore[no-untyped-def]
    create_visitor(ctx.engine, last_name="Martin", first_name="Paul", site_id=ctx.site.id)
    create_visitor(ctx.engine, last_name="Martin", first_name="Paule", site_id=ctx.site.id)
    screen = VisitorsScreen(ctx)
    qtbot.addWidget(screen)
    with qtbot.waitExposed(screen):
        screen.show()
    assert not screen.pane.duplicates_button.isVisible()
