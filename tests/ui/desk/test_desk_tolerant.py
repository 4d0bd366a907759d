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
