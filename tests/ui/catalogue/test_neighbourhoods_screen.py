"""The neighbourhoods of residence on the Catalogue screen, driven with the keyboard: off while the
list is empty, on with a first priority neighbourhood (which brings "Hors QPV"), then kept by
retiring, never deleting, what people have. The database is checked after each step."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt, QThreadPool
from PySide6.QtWidgets import QMessageBox
from sqlalchemy import Engine

from sarah.services.neighbourhoods.listing import (
    NeighbourhoodInfo,
    add_neighbourhood,
    list_neighbourhoods,
    neighbourhood_counts,
    set_visitor_neighbourhood,
)
from sarah.services.sites import ensure_site
from sarah.services.visitors import create_visitor
from sarah.settings import Settings
from sarah.ui.catalogue import CatalogueScreen
from sarah.ui.catalogue.neighbourhood_dialog import NeighbourhoodDialog
from sarah.ui.catalogue.neighbourhoods_screen import NeighbourhoodsScreen
from sarah.ui.context import AppContext
from sarah.ui.table_models.neighbourhoods_model import NeighbourhoodsModel

CTRL = Qt.KeyboardModifier.ControlModifier
ALT = Qt.KeyboardModifier.AltModifier


@pytest.fixture(autouse=True)
def _no_count_left_running() -> Iterator[None]:
    """People are counted on the thread pool: let them finish before the database goes away."""
    yield
    QThreadPool.globalInstance().waitForDone(5000)


@pytest.fixture
def ctx(engine: Engine) -> AppContext:
    site = ensure_site(engine, "Grésilles")
    return AppContext(engine, Settings(home_site=site.name, agent_name="Nadia"), site, "Nadia")


def _catalogue(qtbot, ctx: AppContext) -> CatalogueScreen:  # type: ignore[no-untyped-def]
    screen = CatalogueScreen(ctx)
    qtbot.addWidget(screen)
    screen.resize(1366, 700)
    with qtbot.waitActive(screen):
        screen.show()
        screen.activateWindow()
    qtbot.waitUntil(screen.model.usage_loaded)
    return screen


def _part(qtbot, ctx: AppContext) -> NeighbourhoodsScreen:  # type: ignore[no-untyped-def]
    """The Catalogue screen, on its neighbourhoods tab reached by its mnemonic (Alt+Q)."""
    screen = _catalogue(qtbot, ctx)
    screen.table.setFocus()
    qtbot.keyClick(screen.table, Qt.Key.Key_Q, ALT)
    part = screen.neighbourhoods
    assert screen.parts.currentWidget() is part
    qtbot.waitUntil(part.model.counts_loaded)
    return part


def _dialog(qtbot, part: NeighbourhoodsScreen) -> NeighbourhoodDialog:  # type: ignore[no-untyped-def]
    dialog = part.dialog
    assert dialog is not None
    qtbot.waitExposed(dialog)
    return dialog


def _back(qtbot, part: NeighbourhoodsScreen) -> None:  # type: ignore[no-untyped-def]
    """What the window manager does when a dialog closes: the screen is active again."""
    part.window().activateWindow()
    qtbot.waitUntil(part.window().isActiveWindow)
    qtbot.waitUntil(part.model.counts_loaded)


def _listed(ctx: AppContext) -> list[tuple[str, str, str | None, bool]]:
    return [(n.label, n.kind, n.shortcut, n.retired) for n in list_neighbourhoods(ctx.engine)]


def _select(part: NeighbourhoodsScreen, label: str) -> NeighbourhoodInfo:
    row = next(i for i, n in enumerate(part.model.neighbourhoods()) if n.label == label)
    part.table.selectRow(row)
    return part.model.neighbourhood(row)


def _row_texts(part: NeighbourhoodsScreen, label: str) -> list[str]:
    model = part.model
    row = next(i for i, n in enumerate(model.neighbourhoods()) if n.label == label)
    return [model.index(row, c).data() for c in range(model.columnCount())]


def test_off_while_empty_then_the_first_qpv_brings_hors_qpv(qtbot, ctx: AppContext) -> None:  # type: ignore[no-untyped-def]
    part = _part(qtbot, ctx)
    assert part.pages.currentIndex() == 0  # the intro, no empty table
    intro = part.off_text.text()
    assert "Le suivi des quartiers de résidence est désactivé" in intro
    assert "en une touche" in intro and "tous les sites" in intro
    assert "jamais une adresse" in intro
    assert part.activate_button.text() == "&Activer : ajouter un premier quartier prioritaire…"
    assert part.activate_button.hasFocus()
    changed: list[bool] = []
    part.neighbourhoods_changed.connect(lambda: changed.append(True))

    qtbot.keyClick(part.activate_button, Qt.Key.Key_Space)
    dialog = _dialog(qtbot, part)
    assert dialog.windowTitle() == "Ajouter un premier quartier prioritaire"
    assert dialog.priority_box.isChecked() and not dialog.key_edit.isVisible()
    qtbot.keyClicks(dialog.label_edit, "Fontaine d'Ouche")
    with qtbot.waitSignal(dialog.finished):
        qtbot.keyClick(dialog.label_edit, Qt.Key.Key_Return)

    assert _listed(ctx) == [
        ("Fontaine d'Ouche", "QPV", "1", False),
        ("Hors QPV", "hors QPV", "0", False),
    ]
    assert part.status.kind == "ok"
    assert part.status.text() == (
        "« Fontaine d'Ouche » ajouté (QPV, touche 1), avec « Hors QPV » (touche 0) : le suivi est "
        "activé, l'accueil demandera le quartier de résidence."
    )
    assert changed == [True]
    assert part.pages.currentIndex() == 1
    assert part.state_line.text().startswith("✓ Suivi activé")
    qtbot.waitUntil(part.model.counts_loaded)
    assert _row_texts(part, "Fontaine d'Ouche") == ["Fontaine d'Ouche", "QPV", "1", "0", "actif"]
    assert _row_texts(part, "Hors QPV") == ["Hors QPV", "hors QPV", "0", "0", "actif"]


def test_add_another_neighbourhood_with_its_key_and_a_refused_one(qtbot, ctx: AppContext) -> None:  # type: ignore[no-untyped-def]
    add_neighbourhood(ctx.engine, "Grésilles")
    part = _part(qtbot, ctx)
    assert part.table.hasFocus()

    qtbot.keyClick(part.table, Qt.Key.Key_N, CTRL)  # the neighbourhoods', not the services' Ctrl+N
    dialog = _dialog(qtbot, part)
    assert dialog.windowTitle() == "Ajouter un quartier"
    assert "libres : 2 3 4" in dialog.key_hint.text()
    qtbot.keyClicks(dialog.label_edit, "Fontaine d'Ouche")
    qtbot.keyClick(dialog.label_edit, Qt.Key.Key_Tab)  # the QPV box, ticked
    qtbot.keyClick(dialog.priority_box, Qt.Key.Key_Tab)
    qtbot.keyClicks(dialog.key_edit, "1")  # Grésilles'
    qtbot.keyClick(dialog.key_edit, Qt.Key.Key_Return)
    assert dialog.isVisible()
    assert dialog.error.text() == (
        "La touche « 1 » est déjà celle de « Grésilles » : choisissez-en une autre."
    )
    assert (dialog.label_edit.text(), dialog.key_edit.text()) == ("Fontaine d'Ouche", "1")
    assert len(list_neighbourhoods(ctx.engine)) == 2

    dialog.key_edit.selectAll()
    qtbot.keyClicks(dialog.key_edit, "3")
    with qtbot.waitSignal(dialog.finished):
        qtbot.keyClick(dialog.key_edit, Qt.Key.Key_Return)
    # A priority neighbourhood goes after the others of its kind, before « Hors QPV ».
    assert _listed(ctx)[1:] == [
        ("Fontaine d'Ouche", "QPV", "3", False),
        ("Hors QPV", "hors QPV", "0", False),
    ]
    assert part.status.text() == "« Fontaine d'Ouche » ajouté (QPV, touche 3)."
    assert part.current() is not None and part.current().label == "Fontaine d'Ouche"


def test_rename_type_key_and_order_by_keyboard(qtbot, ctx: AppContext) -> None:  # type: ignore[no-untyped-def]
    add_neighbourhood(ctx.engine, "Gresilles")  # the accent forgotten
    add_neighbourhood(ctx.engine, "Chenove centre")
    part = _part(qtbot, ctx)
    _select(part, "Gresilles")
    qtbot.keyClick(part.table, Qt.Key.Key_F2)
    dialog = _dialog(qtbot, part)
    assert not dialog.key_edit.isVisible() and not dialog.priority_box.isVisible()
    dialog.label_edit.end(False)
    qtbot.keyClick(dialog.label_edit, Qt.Key.Key_Home)
    qtbot.keyClicks(dialog.label_edit, "Les ")
    with qtbot.waitSignal(dialog.finished):
        qtbot.keyClick(dialog.label_edit, Qt.Key.Key_Return)
    assert part.status.text() == (
        "« Gresilles » s'appelle maintenant « Les Gresilles », pour ses personnes aussi."
    )
    _back(qtbot, part)

    _select(part, "Chenove centre")
    qtbot.keyClick(part.table, Qt.Key.Key_T, CTRL)
    assert part.status.text() == "« Chenove centre » est maintenant hors QPV."
    qtbot.keyClick(part.table, Qt.Key.Key_K, CTRL)
    dialog = _dialog(qtbot, part)
    assert dialog.key_edit.text() == "2" and not dialog.label_edit.isVisible()
    dialog.key_edit.selectAll()
    qtbot.keyClicks(dialog.key_edit, "c")
    with qtbot.waitSignal(dialog.finished):
        qtbot.keyClick(dialog.key_edit, Qt.Key.Key_Return)
    assert part.status.text() == "« Chenove centre » : touche C."
    _back(qtbot, part)

    qtbot.keyClick(part.table, Qt.Key.Key_Down, CTRL)
    assert _listed(ctx) == [
        ("Les Gresilles", "QPV", "1", False),
        ("Hors QPV", "hors QPV", "0", False),
        ("Chenove centre", "hors QPV", "c", False),
    ]
    assert part.current() is not None and part.current().label == "Chenove centre"
    assert _row_texts(part, "Chenove centre")[:3] == ["Chenove centre", "hors QPV", "C"]


def test_retire_everything_stops_the_tracking_and_a_neighbourhood_comes_back(
    qtbot, ctx: AppContext
) -> None:  # type: ignore[no-untyped-def]
    add_neighbourhood(ctx.engine, "Grésilles")
    part = _part(qtbot, ctx)
    _select(part, "Hors QPV")
    qtbot.keyClick(part.table, Qt.Key.Key_R, CTRL)
    assert part.status.text() == (
        "« Hors QPV » retiré : il n'apparaît plus à l'accueil ; ses personnes restent comptées."
    )
    assert _row_texts(part, "Hors QPV") == ["Hors QPV", "hors QPV", "(0)", "0", "retiré"]
    assert part.buttons["retire"].text() == "Rétab&lir"
    assert not part.buttons["key"].isEnabled()

    _select(part, "Grésilles")
    qtbot.keyClick(part.table, Qt.Key.Key_R, CTRL)
    assert part.status.text().endswith(
        "Plus aucun quartier actif : l'accueil ne demande plus le quartier."
    )
    assert part.state_line.text().startswith("Suivi arrêté : tous les quartiers sont retirés")
    assert [n.retired for n in list_neighbourhoods(ctx.engine)] == [True, True]

    qtbot.keyClick(part.table, Qt.Key.Key_R, CTRL)
    assert part.status.text() == "« Grésilles » rétabli à l'accueil (touche 1)."
    assert part.state_line.text().startswith("✓ Suivi activé")


def test_a_neighbourhood_someone_lives_in_is_never_deleted(qtbot, ctx: AppContext) -> None:  # type: ignore[no-untyped-def]
    gre = add_neighbourhood(ctx.engine, "Grésilles")
    for name in ("Martin", "Durand"):
        v = create_visitor(ctx.engine, last_name=name, site_id=ctx.site.id)
        set_visitor_neighbourhood(ctx.engine, v.id, gre.id)
    part = _part(qtbot, ctx)
    _select(part, "Grésilles")
    assert _row_texts(part, "Grésilles")[3] == "2"
    assert "est le quartier de 2 personnes" in part.buttons["delete"].toolTip()

    qtbot.keyClick(part.table, Qt.Key.Key_Delete)
    assert part.confirm_box is None  # refused at once, nothing to confirm
    assert part.status.kind == "error"
    assert part.status.text() == (
        "Quartier déjà attribué : retirez-le plutôt. « Grésilles » est celui de personnes "
        "enregistrées ; le retirer le cache de l'accueil sans rien effacer."
    )
    assert [n.label for n in list_neighbourhoods(ctx.engine)] == ["Grésilles", "Hors QPV"]
    assert neighbourhood_counts(ctx.engine) == {gre.id: 2}


def test_unused_ones_are_deleted_after_confirmation_until_the_list_is_off(
    qtbot, ctx: AppContext
) -> None:  # type: ignore[no-untyped-def]
    add_neighbourhood(ctx.engine, "Gresiles")  # a typo
    part = _part(qtbot, ctx)

    def delete(label: str, answer: QMessageBox.StandardButton) -> None:
        _select(part, label)
        qtbot.keyClick(part.table, Qt.Key.Key_Delete)
        box = part.confirm_box
        assert box is not None
        qtbot.waitExposed(box)
        assert f"Supprimer « {label} » de la liste ?" in box.text()
        qtbot.mouseClick(box.button(answer), Qt.MouseButton.LeftButton)
        _back(qtbot, part)

    delete("Gresiles", QMessageBox.StandardButton.No)
    assert len(list_neighbourhoods(ctx.engine)) == 2
    delete("Gresiles", QMessageBox.StandardButton.Yes)
    assert part.status.text() == "« Gresiles » supprimé de la liste."
    assert [n.label for n in list_neighbourhoods(ctx.engine)] == ["Hors QPV"]
    delete("Hors QPV", QMessageBox.StandardButton.Yes)
    assert part.status.text() == (
        "« Hors QPV » supprimé de la liste. La liste est vide : le suivi des quartiers est "
        "désactivé."
    )
    assert list_neighbourhoods(ctx.engine) == []
    assert part.pages.currentIndex() == 0 and part.activate_button.hasFocus()


def test_read_only_database_changes_nothing(qtbot, ctx: AppContext) -> None:  # type: ignore[no-untyped-def]
    ctx.read_only = True
    part = _part(qtbot, ctx)
    assert not part.activate_button.isEnabled()
    assert not any(b.isEnabled() for b in part.buttons.values())
    qtbot.keyClick(part.activate_button, Qt.Key.Key_N, CTRL)
    assert part.dialog is None and list_neighbourhoods(ctx.engine) == []


def test_the_neighbourhoods_model_passes_the_model_tester(qtmodeltester, ctx: AppContext) -> None:  # type: ignore[no-untyped-def]
    add_neighbourhood(ctx.engine, "Grésilles")
    model = NeighbourhoodsModel()
    model.set_neighbourhoods(list_neighbourhoods(ctx.engine))
    qtmodeltester.check(model, force_py=True)  # counts still loading
    assert model.index(0, NeighbourhoodsModel.PEOPLE).data() == "…"
    model.set_counts(neighbourhood_counts(ctx.engine))
    qtmodeltester.check(model, force_py=True)
    assert model.index(0, NeighbourhoodsModel.PEOPLE).data() == "0"
