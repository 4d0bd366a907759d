"""Accueil: no contact is ever saved by accident, Échap empties the form from anywhere, the new
person dialog keeps every key typed (user trial, issue 8). The database is checked after."""

from __future__ import annotations

from datetime import date, time

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget
from sqlalchemy import select

from sarah.db import read_session
from sarah.models import Contact, Visitor

CTRL = Qt.KeyboardModifier.ControlModifier


def _contacts(engine):  # type: ignore[no-untyped-def]
    with read_session(engine) as s:
        return [
            (c.visitor_id, c.channel)
            for c in s.scalars(select(Contact).order_by(Contact.entered_at, Contact.local_time))
        ]


def test_ctrl_enter_on_an_empty_form_saves_nothing_and_says_what_is_missing(
    qtbot, keys, window, engine
) -> None:
    form = window.desk.form
    assert form.search_edit.hasFocus()
    keys.press(Qt.Key.Key_Return, CTRL)
    assert not form.saving
    assert _contacts(engine) == []
    status = form.status_label.text()
    assert status.startswith("Rien à enregistrer : aucune personne choisie, aucun service")
    assert "Enregistré" not in status
    assert form.search_edit.hasFocus()

    # Services ticked but nobody chosen: still no anonymous visit, F9 is named as the way.
    keys.press(Qt.Key.Key_Return)  # empty search: to the services
    keys.press(Qt.Key.Key_A)
    keys.press(Qt.Key.Key_Return, CTRL)
    assert _contacts(engine) == []
    assert form.status_label.text().startswith("Aucune personne choisie")
    assert "F9" in form.status_label.text()
    assert len(form.services_model.checked_ids()) == 1  # what was typed stays
    keys.type("d")  # the agent goes on: the reason about the form as it was goes away
    assert form.status_label.text() == ""


def test_a_second_ctrl_enter_right_after_a_save_saves_nothing_more(
    qtbot, keys, window, engine, make_visitor
) -> None:
    diallo = make_visitor("Diallo", "Adama", "H", date(1967, 5, 2))
    form = window.desk.form
    keys.type("dia")
    keys.press(Qt.Key.Key_Return)
    keys.press(Qt.Key.Key_A)
    with qtbot.waitSignal(form.saved, timeout=5000):
        keys.press(Qt.Key.Key_Return, CTRL)
    keys.press(Qt.Key.Key_Return, CTRL)  # the trial's phantom "visite anonyme"
    keys.press(Qt.Key.Key_F9)  # nor an anonymous call
    assert not form.saving
    assert _contacts(engine) == [(diallo.id, "physique")]
    assert form.status_label.text().startswith(
        "Déjà enregistré : DIALLO Adama, Physique, 1 service"
    )
    assert "Rien n'a changé depuis" in form.status_label.text()
    assert "1 contact" in window.desk.count_label.text()

    # The next visitor is saved as usual.
    keys.type("dia")
    keys.press(Qt.Key.Key_Return)
    keys.press(Qt.Key.Key_C)
    with qtbot.waitSignal(form.saved, timeout=5000):
        keys.press(Qt.Key.Key_Return, CTRL)
    assert _contacts(engine) == [(diallo.id, "physique")] * 2


def test_f9_twice_makes_one_anonymous_call_and_refuses_a_chosen_person(
    qtbot, keys, window, engine, make_visitor
) -> None:
    make_visitor("Dupont", "Jean")
    form = window.desk.form
    keys.press(Qt.Key.Key_Return)
    keys.press(Qt.Key.Key_G)
    with qtbot.waitSignal(form.saved, timeout=5000):
        keys.press(Qt.Key.Key_F9)
    keys.press(Qt.Key.Key_F9)
    assert _contacts(engine) == [(None, "telephone")]
    assert form.status_label.text().startswith("Déjà enregistré : appel anonyme")

    # A person chosen, then F9: the person is not silently dropped.
    keys.type("dup")
    keys.press(Qt.Key.Key_Return)
    keys.press(Qt.Key.Key_A)
    keys.press(Qt.Key.Key_F9)
    assert _contacts(engine) == [(None, "telephone")]
    assert "DUPONT Jean est choisi(e)" in form.status_label.text()
    assert form.visitor is not None and len(form.services_model.checked_ids()) == 1

    # Échap then F9: the agent did ask for another call without a name.
    keys.press(Qt.Key.Key_Escape)
    with qtbot.waitSignal(form.saved, timeout=5000):
        keys.press(Qt.Key.Key_F9)
    assert _contacts(engine) == [(None, "telephone")] * 2


def test_escape_in_the_services_list_empties_the_whole_form(
    qtbot, keys, window, make_visitor
) -> None:
    make_visitor("Diallo", "Adama")
    form = window.desk.form
    keys.type("dia")
    keys.press(Qt.Key.Key_Return)
    keys.press(Qt.Key.Key_A)
    keys.press(Qt.Key.Key_F2)
    assert form.services_view.hasFocus()
    keys.press(Qt.Key.Key_Escape)  # once
    assert form.visitor is None
    assert form.services_model.checked_ids() == []
    assert form.physique_radio.isChecked()
    assert form.search_edit.hasFocus() and form.search_edit.text() == ""
    assert "Aucune personne choisie" in form.visitor_card.text()


def test_escape_empties_the_form_from_the_results_list_and_the_channel_buttons(
    qtbot, keys, window, make_visitor
) -> None:
    make_visitor("Dupont", "Jean")
    make_visitor("Dupuis", "Marc")
    form = window.desk.form
    keys.type("dup")
    keys.press(Qt.Key.Key_Down)
    assert form.results_view.hasFocus()
    keys.press(Qt.Key.Key_Escape)
    assert form.search_edit.text() == "" and form.results_model.rowCount() == 0
    assert form.search_edit.hasFocus()

    keys.type("dupo")
    keys.press(Qt.Key.Key_Return)
    keys.press(Qt.Key.Key_S)
    form.telephone_radio.setFocus()
    keys.press(Qt.Key.Key_Escape)
    assert form.visitor is None and form.services_model.checked_ids() == []


def test_form_keys_work_when_the_window_is_not_the_active_one(
    qtbot, window, engine, make_visitor
) -> None:
    """Under Xvfb without a window manager, keys reach a window Qt does not take for the
    active one, and Qt fires no shortcut: Échap, F2 and Ctrl+Entrée must work all the same."""
    jean = make_visitor("Dupont", "Jean")
    form = window.desk.form
    qtbot.keyClicks(form.search_edit, "dup")
    qtbot.keyClick(form.search_edit, Qt.Key.Key_Return)
    qtbot.keyClick(form.services_view, Qt.Key.Key_A)
    other = QWidget()
    qtbot.addWidget(other)
    other.show()
    other.activateWindow()
    qtbot.waitUntil(other.isActiveWindow)
    assert not window.isActiveWindow()

    qtbot.keyClick(form.services_view, Qt.Key.Key_Escape)
    assert form.visitor is None and form.services_model.checked_ids() == []

    qtbot.keyClicks(form.search_edit, "dup")
    qtbot.keyClick(form.search_edit, Qt.Key.Key_Return)
    qtbot.keyClick(form.services_view, Qt.Key.Key_A)
    qtbot.keyClick(form.services_view, Qt.Key.Key_F2)
    assert form.channel == "telephone"
    with qtbot.waitSignal(form.saved, timeout=5000):
        qtbot.keyClick(form.services_view, Qt.Key.Key_Return, CTRL)
    assert _contacts(engine) == [(jean.id, "telephone")]


def test_editing_an_anonymous_contact_of_the_journal_still_saves(
    qtbot, keys, window, engine, make_contact
) -> None:
    cid = make_contact(date.today(), time(9, 10), channel="telephone")
    window.show_screen("journal")
    window.journal.view.setFocus()
    keys.press(Qt.Key.Key_Return)
    form = window.desk.form
    assert form.editing is not None and form.visitor is None
    qtbot.waitUntil(form.services_view.hasFocus)
    keys.press(Qt.Key.Key_G)
    with qtbot.waitSignal(form.saved, timeout=5000):
        keys.press(Qt.Key.Key_Return, CTRL)
    assert "Modifié" in form.status_label.text()
    with read_session(engine) as s:
        assert [c.id for c in s.scalars(select(Contact))] == [cid]


def _new_person_dialog(qtbot, keys, form, text: str):  # type: ignore[no-untyped-def]
    keys.type(text)
    keys.press(Qt.Key.Key_Return)  # nobody found: the new person dialog
    dialog = form.new_visitor_dialog
    assert dialog is not None
    qtbot.waitExposed(dialog)
    qtbot.waitUntil(dialog.isActiveWindow)
    return dialog


def test_new_person_f_then_the_eight_digits_keeps_the_birth_date(
    qtbot, keys, window, engine
) -> None:
    form = window.desk.form
    dialog = _new_person_dialog(qtbot, keys, form, "diallo fanta")
    assert dialog.sex_combo.hasFocus()
    keys.press(Qt.Key.Key_F)
    assert dialog.birth_edit.hasFocus()
    keys.type("05031990")
    assert dialog.sex_combo.currentData() == "F"
    assert dialog.birth_edit.text() == "05/03/1990"
    assert "adulte" in dialog.age_label.text()
    keys.press(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: form.new_visitor_dialog is None)
    with read_session(engine) as s:
        v = s.scalars(select(Visitor)).one()
        assert (v.last_name, v.first_name, v.sex, v.birth_date) == (
            "Diallo",
            "Fanta",
            "F",
            date(1990, 3, 5),
        )


def test_new_person_digits_on_sexe_start_the_date_and_a_wrong_letter_is_said(
    qtbot, keys, window
) -> None:
    form = window.desk.form
    dialog = _new_person_dialog(qtbot, keys, form, "kone awa")
    keys.press(Qt.Key.Key_M)  # not a choice here
    assert dialog.sex_combo.hasFocus() and dialog.sex_combo.currentData() is None
    assert "Tapez F (femme) ou H (homme)" in dialog.error_label.text()
    keys.type("01022005")  # sex unknown: the date goes where it belongs
    assert dialog.birth_edit.hasFocus() and dialog.birth_edit.text() == "01/02/2005"
    assert dialog.sex_combo.currentData() is None
    assert dialog.error_label.text() == ""


def test_new_person_a_wrong_birth_date_is_said_once(qtbot, keys, window) -> None:
    form = window.desk.form
    dialog = _new_person_dialog(qtbot, keys, form, "kone awa")
    keys.press(Qt.Key.Key_H)
    keys.type("31022005")
    keys.press(Qt.Key.Key_Return)
    assert dialog.isVisible()
    said = [
        label.text()
        for label in dialog.findChildren(QLabel)
        if label.isVisible() and "n'existe pas" in label.text()
    ]
    assert len(said) == 1
    keys.press(Qt.Key.Key_A, CTRL)
    keys.type("12")  # incomplete now: said once too, under the date
    keys.press(Qt.Key.Key_Return)
    said = [
        label.text()
        for label in dialog.findChildren(QLabel)
        if label.isVisible() and "incomplète" in label.text()
    ]
    assert len(said) == 1
