"""Visiteurs: the search forgives as the desk's does: the names as typed first, then the names
that sound alike or are a typo away, greyed and marked "≈ nom proche", never as if exact."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from sarah.services.visitors import create_visitor
from sarah.ui.context import AppContext
from sarah.ui.table_models.visitor_models import VisitorSearchModel
from sarah.ui.visitors import VisitorsScreen

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")


def _listed(screen: VisitorsScreen) -> list[str]:
    model = screen.pane.results_model
    return [
        model.data(model.index(row, VisitorSearchModel.NAME), Qt.ItemDataRole.DisplayRole)
        for row in range(model.rowCount())
    ]


@pytest.fixture
def screen(qtbot, ctx: AppContext) -> VisitorsScreen:  # type: ignore[no-untyped-def]
    create_visitor(ctx.engine, last_name="Diallo", first_name="Mamadou", site_id=ctx.site.id)
    create_visitor(ctx.engine, last_name="Dialo", first_name="Fatou", site_id=ctx.site.id)
    create_visitor(ctx.engine, last_name="Yıldız", first_name="Emre", site_id=ctx.site.id)
    screen = VisitorsScreen(ctx)
    qtbot.addWidget(screen)
    with qtbot.waitExposed(screen):
        screen.show()
    screen.focus_search()
    return screen


def test_a_near_name_comes_after_the_exact_one_and_is_marked(qtbot, screen: VisitorsScreen) -> None:  # type: ignore[no-untyped-def]
    qtbot.keyClicks(screen.search, "dialo")
    assert _listed(screen) == ["DIALO Fatou", "DIALLO Mamadou   ≈ nom proche"]
    assert screen.pane.hint.text() == (
        "2 personnes. Flèches puis Entrée pour ouvrir une fiche. Dont 1 nom proche (≈) : "
        "vérifiez que c'est bien la personne."
    )
    model = screen.pane.results_model
    grey = model.data(model.index(1, VisitorSearchModel.NAME), Qt.ItemDataRole.ForegroundRole)
    assert grey is not None and grey.color().name() == "#6b7280"
    assert (
        model.data(model.index(0, VisitorSearchModel.NAME), Qt.ItemDataRole.ForegroundRole) is None
    )


def test_a_typo_finds_the_near_name(qtbot, screen: VisitorsScreen) -> None:  # type: ignore[no-untyped-def]
    qtbot.keyClicks(screen.search, "daillo")
    assert _listed(screen)[0] == "DIALLO Mamadou   ≈ nom proche"
    assert all(name.endswith("≈ nom proche") for name in _listed(screen))


def test_a_dotless_i_typed_as_i_is_an_exact_match(qtbot, screen: VisitorsScreen) -> None:  # type: ignore[no-untyped-def]
    qtbot.keyClicks(screen.search, "yildiz")
    assert _listed(screen) == ["YILDIZ Emre"]
