"""The neighbourhood of residence at the desk: asked by one key in the new person's dialog where
the network keeps a list, absent where it does not."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from sqlalchemy import select

from sarah.db import read_session
from sarah.models import Visitor
from sarah.services.neighbourhoods.listing import add_neighbourhood, list_neighbourhoods


def _open_dialog(qtbot, keys, window, name: str):  # type: ignore[no-untyped-def]
    form = window.desk.form
    keys.type(name)
    keys.press(Qt.Key.Key_Return)  # nobody found: Entrée opens the new person dialog
    dialog = form.new_visitor_dialog
    assert dialog is not None
    qtbot.waitExposed(dialog)
    qtbot.waitUntil(dialog.isActiveWindow)
    return form, dialog


def _stored(engine):  # type: ignore[no-untyped-def]
    with read_session(engine) as s:
        v = s.scalars(select(Visitor)).one()
        return v.last_name, v.birth_date, v.neighbourhood_id


def test_the_whole_birth_date_moves_on_to_the_neighbourhood_chosen_by_one_key(
    qtbot, keys, window, engine
) -> None:
    add_neighbourhood(engine, "Fontaine d'Ouche")  # key 1, and "Hors QPV" key 0
    gresilles = add_neighbourhood(engine, "Grésilles")  # key 2
    assert gresilles.shortcut == "2"
    form, dialog = _open_dialog(qtbot, keys, window, "kone")
    assert dialog.place_combo is not None
    assert [dialog.place_combo.itemText(i) for i in range(dialog.place_combo.count())] == [
        "Non renseigné",
        "1 — Fontaine d'Ouche (QPV)",
        "2 — Grésilles (QPV)",  # the priority neighbourhoods first, in their order
        "0 — Hors QPV",
    ]
    # The keys are written beside the field, not only inside the list.
    assert dialog.place_combo.keys_text() == "1 Fontaine d'Ouche · 2 Grésilles · 0 Hors QPV"
    keys.type("Awa")
    keys.press(Qt.Key.Key_Tab)
    keys.press(Qt.Key.Key_F)
    keys.type("01022005")
    assert dialog.place_combo.hasFocus()  # the date is whole: the neighbourhood comes next
    keys.press(Qt.Key.Key_X)
    assert "la touche « x » n'est celle d'aucun quartier" in dialog.error_label.text()
    assert dialog.place_combo.currentData() is None
    keys.press(Qt.Key.Key_2)
    assert dialog.place_combo.currentText() == "2 — Grésilles (QPV)"
    assert dialog.create_button.hasFocus()
    keys.press(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: form.new_visitor_dialog is None)
    assert _stored(engine) == ("Kone", date(2005, 2, 1), gresilles.id)


def test_entree_on_the_neighbourhood_creates_the_person_without_one(
    qtbot, keys, window, engine
) -> None:
    add_neighbourhood(engine, "Stalingrad")
    form, dialog = _open_dialog(qtbot, keys, window, "diallo mamadou")
    keys.press(Qt.Key.Key_H)
    keys.type("15061990")
    assert dialog.place_combo is not None and dialog.place_combo.hasFocus()
    keys.press(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: form.new_visitor_dialog is None)
    assert _stored(engine) == ("Diallo", date(1990, 6, 15), None)


def test_a_retired_neighbourhood_is_not_offered(qtbot, keys, window, engine) -> None:
    from sarah.services.neighbourhoods.listing import retire_neighbourhood

    stalingrad = add_neighbourhood(engine, "Stalingrad")
    retire_neighbourhood(engine, stalingrad.id)
    assert [n.label for n in list_neighbourhoods(engine, include_retired=False)] == ["Hors QPV"]
    _form, dialog = _open_dialog(qtbot, keys, window, "kone")
    assert dialog.place_combo is not None
    assert dialog.place_combo.count() == 2  # "Non renseigné" and "Hors QPV"


def test_without_a_list_the_dialog_does_not_ask(qtbot, keys, window, engine) -> None:
    form, dialog = _open_dialog(qtbot, keys, window, "kone awa")
    assert dialog.place_combo is None
    keys.press(Qt.Key.Key_F)
    keys.type("01022005")
    assert dialog.birth_edit.hasFocus()  # nothing to move on to
    keys.press(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: form.new_visitor_dialog is None)
    assert _stored(engine) == ("Kone", date(2005, 2, 1), None)


def _pick(qtbot, keys, window, engine, name: str):  # type: ignore[no-untyped-def]
    from sarah.services.visitors import create_visitor

    vid = create_visitor(engine, last_name=name, first_name="Awa").id
    form = window.desk.form
    keys.type(name.lower())
    qtbot.waitUntil(lambda: form.results_model.rowCount() == 1)
    keys.press(Qt.Key.Key_Return)
    assert form.visitor is not None and form.visitor.id == vid
    return form, vid


def test_f6_gives_a_known_person_a_neighbourhood_by_one_key(qtbot, keys, window, engine) -> None:
    fdo = add_neighbourhood(engine, "Fontaine d'Ouche")
    form, vid = _pick(qtbot, keys, window, engine, "Traore")
    assert "Quartier non renseigné — F6 pour le choisir" in form.visitor_card.text()
    keys.press(Qt.Key.Key_F6)
    dialog = form.residence.dialog
    assert dialog is not None
    qtbot.waitExposed(dialog)
    qtbot.waitUntil(dialog.combo.hasFocus)
    keys.press(Qt.Key.Key_1)
    qtbot.waitUntil(lambda: form.residence.dialog is None)
    with read_session(engine) as s:
        assert s.get(Visitor, vid).neighbourhood_id == fdo.id
    assert "Quartier : Fontaine d'Ouche (QPV) — F6 pour changer" in form.visitor_card.text()
    qtbot.waitUntil(form.services_view.hasFocus)  # back to the services, the contact goes on


def test_without_a_list_the_card_says_nothing_and_f6_explains(qtbot, keys, window, engine) -> None:
    form, _vid = _pick(qtbot, keys, window, engine, "Traore")
    assert "Quartier" not in form.visitor_card.text()
    keys.press(Qt.Key.Key_F6)
    assert form.residence.dialog is None
    assert "ne suit pas le quartier de résidence" in form.hint_label.text()
