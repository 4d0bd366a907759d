"""Accueil: a name typed as heard still finds the person, shown after the exact ones, greyed and
marked "≈ nom proche" so that the agent checks before choosing (issue 13)."""

from __future__ import annotations

from PySide6.QtCore import Qt

from sarah.ui.table_models.desk_results import VisitorResultsModel

GREY = "#6b7280"


def _names(model: VisitorResultsModel) -> list[str]:
    return [
        model.data(model.index(row, VisitorResultsModel.NAME)) for row in range(model.rowCount())
    ]


def test_near_names_come_after_the_exact_ones_and_say_so(qtbot, keys, window, make_visitor) -> None:
    make_visitor("Diallo", "Mamadou")
    exact = make_visitor("Dialo", "Fatou")
    form = window.desk.form
    keys.type("dialo")
    model = form.results_model
    assert _names(model) == ["DIALO Fatou", "DIALLO Mamadou   ≈ nom proche"]
    near = model.index(1, VisitorResultsModel.NAME)
    assert model.data(near, Qt.ItemDataRole.ForegroundRole).color().name() == GREY
    assert "vérifiez avec la personne" in model.data(near, Qt.ItemDataRole.ToolTipRole)
    assert model.data(model.index(0, 0), Qt.ItemDataRole.ForegroundRole) is None
    keys.press(Qt.Key.Key_Return)  # the exact one is highlighted first
    assert form.visitor is not None and form.visitor.id == exact.id


def test_a_typo_alone_lists_the_near_names(qtbot, keys, window, make_visitor) -> None:
    mamadou = make_visitor("Diallo", "Mamadou")
    form = window.desk.form
    keys.type("daillo mamdou")
    assert _names(form.results_model) == ["DIALLO Mamadou   ≈ nom proche"]
    keys.press(Qt.Key.Key_Down)
    keys.press(Qt.Key.Key_Return)
    assert form.visitor is not None and form.visitor.id == mamadou.id


def _highlighted(form) -> list[int]:  # type: ignore[no-untyped-def]
    """The rows the list shows highlighted (what Entrée in the search field would pick)."""
    view = form.results_view
    return sorted({index.row() for index in view.selectionModel().selectedIndexes()})


def test_entree_with_only_near_names_opens_a_new_person(
    qtbot, keys, window, engine, make_visitor
) -> None:
    make_visitor("Diallo", "Mamadou")
    form = window.desk.form
    keys.type("daillo mamdou")
    assert _names(form.results_model) == ["DIALLO Mamadou   ≈ nom proche"]
    assert _highlighted(form) == []  # nothing looks chosen that the agent did not choose
    assert not form.results_view.currentIndex().isValid()
    keys.press(Qt.Key.Key_Return)
    dialog = form.new_visitor_dialog
    assert dialog is not None and form.visitor is None
    qtbot.waitExposed(dialog)
    assert (dialog.last_edit.text(), dialog.first_edit.text()) == ("Daillo", "Mamdou")
    dialog.reject()
    qtbot.waitUntil(lambda: form.new_visitor_dialog is None)
    assert form.visitor is None


def test_going_down_to_a_near_name_and_back_up_gives_it_up(
    qtbot, keys, window, make_visitor
) -> None:
    make_visitor("Diallo", "Mamadou")
    form = window.desk.form
    keys.type("daillo mamdou")
    keys.press(Qt.Key.Key_Down)
    assert form.results_view.hasFocus()
    assert _highlighted(form) == [0]  # ↓: the near name is now the one highlighted
    keys.press(Qt.Key.Key_Up)
    assert form.search_edit.hasFocus()
    assert _highlighted(form) == []
    keys.press(Qt.Key.Key_Return)
    assert form.new_visitor_dialog is not None and form.visitor is None
    form.new_visitor_dialog.reject()
    qtbot.waitUntil(lambda: form.new_visitor_dialog is None)


def test_entree_picks_the_near_name_gone_down_to_after_the_exact_ones(
    qtbot, keys, window, make_visitor
) -> None:
    near = make_visitor("Diallo", "Mamadou")
    make_visitor("Dialo", "Fatou")
    form = window.desk.form
    keys.type("dialo")
    assert _highlighted(form) == [0]  # the exact one, which Entrée would pick
    keys.press(Qt.Key.Key_Down)
    keys.press(Qt.Key.Key_Down)
    assert _highlighted(form) == [1]
    keys.press(Qt.Key.Key_Return)
    assert form.visitor is not None and form.visitor.id == near.id
