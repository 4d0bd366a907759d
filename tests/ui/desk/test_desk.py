"""Accueil driven from the keyboard, as an agent at the desk; the database is checked afterwards."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import Qt
from sqlalchemy import func, select

from sarah.db import read_session
from sarah.models import Contact, Visitor, contact_services
from sarah.services.catalogue import list_services
from sarah.services.visitors import merge_visitors

CTRL = Qt.KeyboardModifier.ControlModifier


def _contacts(engine):  # type: ignore[no-untyped-def]
    with read_session(engine) as s:
        rows = s.scalars(select(Contact).order_by(Contact.entered_at)).all()
        out = []
        for c in rows:
            services = set(
                s.scalars(
                    select(contact_services.c.service_id).where(
                        contact_services.c.contact_id == c.id
                    )
                )
            )
            out.append((c.visitor_id, c.channel, c.local_date, services, c.agent, c.deleted_at))
        return out


def test_returning_visitor_logged_within_six_key_presses(
    qtbot, keys, window, engine, make_visitor, make_contact
) -> None:
    jean = make_visitor("Dupont", "Jean", "H", date(1985, 3, 12))
    make_visitor("Martin", "Jeanne", "F", date(2001, 1, 9))
    make_contact(date.today() - timedelta(days=7), visitor=jean)
    actualisation = next(s for s in list_services(engine) if s.code == "actualisation_pe")
    form = window.desk.form

    keys.type("dup")  # the name letters
    assert form.results_model.rowCount() == 1
    assert form.results_model.hit(0).last_visit == date.today() - timedelta(days=7)
    keys.press(Qt.Key.Key_Down)
    keys.press(Qt.Key.Key_Return)
    assert form.visitor is not None and form.visitor.id == jean.id
    keys.press(Qt.Key.Key_A)  # "A  Actualisation Pôle Emploi"
    with qtbot.waitSignal(form.saved, timeout=5000):
        keys.press(Qt.Key.Key_Return, CTRL)

    assert keys.presses <= 6
    assert keys.presses == 4
    logged = _contacts(engine)[-1]
    assert logged[:4] == (jean.id, "physique", date.today(), {actualisation.id})
    assert logged[4] == "Nadia B."
    assert "Enregistré" in form.status_label.text() and "DUPONT Jean" in form.status_label.text()
    # The form is empty again and ready for the next visitor.
    assert form.visitor is None and form.search_edit.text() == ""
    assert form.services_model.checked_ids() == []
    assert form.search_edit.hasFocus()
    assert "1 contact" in window.desk.count_label.text()
    assert window.journal.count == 1


def test_enter_in_the_search_picks_the_first_person_and_f2_switches_to_phone(
    qtbot, keys, window, engine, make_visitor
) -> None:
    lea = make_visitor("Benali", "Léa", "F", date(2003, 6, 1))
    form = window.desk.form
    keys.type("lea")  # first name, no accent typed
    keys.press(Qt.Key.Key_Return)
    assert form.visitor is not None and form.visitor.id == lea.id
    assert "jeune" in form.visitor_card.text()
    keys.press(Qt.Key.Key_F2)
    assert form.telephone_radio.isChecked()
    keys.press(Qt.Key.Key_C)
    keys.press(Qt.Key.Key_M)
    keys.press(Qt.Key.Key_M)  # twice: unchecked again
    keys.press(Qt.Key.Key_Space)  # the current line (Mobilité) checked again by Space
    with qtbot.waitSignal(form.saved, timeout=5000):
        keys.press(Qt.Key.Key_Enter, CTRL)  # keypad Enter works too
    codes = {s.id: s.code for s in list_services(engine)}
    visitor_id, channel, _day, services, _agent, _deleted = _contacts(engine)[-1]
    assert (visitor_id, channel) == (lea.id, "telephone")
    assert {codes[i] for i in services} == {"cv_lm", "info_mobilite"}
    assert form.physique_radio.isChecked()  # back to the default for the next contact


def test_anonymous_call_is_one_key(qtbot, keys, window, engine) -> None:
    form = window.desk.form
    keys.press(Qt.Key.Key_Return)  # nothing searched: straight to the services
    assert form.services_view.hasFocus()
    keys.press(Qt.Key.Key_G)  # "Message pour conseiller absent..."
    with qtbot.waitSignal(form.saved, timeout=5000):
        keys.press(Qt.Key.Key_F9)
    visitor_id, channel, _day, services, _agent, _deleted = _contacts(engine)[-1]
    assert visitor_id is None and channel == "telephone" and len(services) == 1
    assert "appel anonyme" in form.status_label.text()
    assert window.journal.model.entry(0).who == "Appel anonyme"


def test_failed_save_keeps_everything_and_says_why(
    qtbot, keys, window, engine, make_visitor
) -> None:
    keep = make_visitor("Roux", "Ana")
    twin = make_visitor("Roux", "Anna")
    form = window.desk.form
    keys.type("roux anna")
    keys.press(Qt.Key.Key_Return)
    assert form.visitor is not None and form.visitor.id == twin.id
    keys.press(Qt.Key.Key_A)
    merge_visitors(engine, keep.id, twin.id)  # meanwhile, on another screen
    with qtbot.waitSignal(form.save_failed, timeout=5000):
        keys.press(Qt.Key.Key_Return, CTRL)
    assert "Non enregistré" in form.status_label.text()
    assert "Enregistré" not in form.status_label.text().replace("Non enregistré", "")
    assert form.visitor is not None and form.visitor.id == twin.id
    assert len(form.services_model.checked_ids()) == 1
    assert _contacts(engine) == []


def test_new_person_only_after_a_search_found_nobody_with_duplicate_warning(
    qtbot, keys, window, engine, make_visitor
) -> None:
    existing = make_visitor("Dupont", "Jean", "H", date(1985, 3, 12))
    form = window.desk.form
    keys.press(Qt.Key.Key_N, CTRL)  # nothing searched yet: refused, with a reason
    assert form.new_visitor_dialog is None
    assert "tapez d'abord son nom" in form.hint_label.text()

    keys.type("dupond jean")  # a typo: no exact name, DUPONT Jean listed as a near name
    assert form.results_model.exact_count() == 0
    assert [h.display_name for h in form.results_model.hits()] == ["DUPONT Jean"]
    assert form.hint_label.text().startswith("Aucun nom exact ; 1 nom proche (≈)")
    keys.press(Qt.Key.Key_N, CTRL)  # a near name does not stop a new person
    dialog = form.new_visitor_dialog
    assert dialog is not None
    qtbot.waitExposed(dialog)
    qtbot.waitUntil(dialog.isActiveWindow)
    assert (dialog.last_edit.text(), dialog.first_edit.text()) == ("Dupond", "Jean")
    assert dialog.sex_combo.hasFocus()
    keys.press(Qt.Key.Key_H)  # the cursor moves on to the birth date by itself
    keys.type("12031985")
    assert dialog.birth_edit.text() == "12/03/1985"
    assert "adulte" in dialog.age_label.text()
    keys.press(Qt.Key.Key_Return)  # create -> warned first
    assert dialog.duplicates_frame.isVisible()
    assert dialog.duplicates_list.count() == 1
    assert "DUPONT Jean" in dialog.duplicates_list.item(0).text()
    keys.press(Qt.Key.Key_Return)  # "c'est cette personne"
    qtbot.waitUntil(lambda: form.new_visitor_dialog is None)
    assert form.visitor is not None and form.visitor.id == existing.id
    with read_session(engine) as s:
        assert s.scalar(select(func.count()).select_from(Visitor)) == 1


def test_new_person_created_when_not_a_duplicate(qtbot, keys, window, engine) -> None:
    form = window.desk.form
    keys.type("kone")
    keys.press(Qt.Key.Key_Return)  # nobody found: Entrée opens the new person dialog
    dialog = form.new_visitor_dialog
    assert dialog is not None
    qtbot.waitExposed(dialog)
    qtbot.waitUntil(dialog.isActiveWindow)
    assert dialog.first_edit.hasFocus()
    keys.type("Awa")
    keys.press(Qt.Key.Key_Tab)
    keys.press(Qt.Key.Key_F)
    keys.type("3102")
    keys.type("2005")
    assert "n'existe pas" in dialog.age_label.text()
    keys.press(Qt.Key.Key_Return)
    assert "n'existe pas" in dialog.age_label.text()  # said once, under the date
    assert dialog.error_label.text() == ""
    assert dialog.birth_edit.hasFocus()
    assert dialog.isVisible()
    dialog.birth_edit.clear()
    keys.type("01022005")
    assert "jeune" in dialog.age_label.text()
    keys.press(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: form.new_visitor_dialog is None)
    assert form.visitor is not None and form.visitor.display_name == "KONE Awa"
    qtbot.waitUntil(form.services_view.hasFocus)
    with read_session(engine) as s:
        v = s.scalars(select(Visitor)).one()
        profile = (v.id, v.last_name, v.first_name, v.sex, v.birth_date)
    assert profile[1:] == ("Kone", "Awa", "F", date(2005, 2, 1))
    with qtbot.waitSignal(form.saved, timeout=5000):
        keys.press(Qt.Key.Key_Return, CTRL)
    assert _contacts(engine)[-1][0] == profile[0]


def test_typing_in_the_result_list_goes_on_into_the_search(
    qtbot, keys, window, make_visitor
) -> None:
    make_visitor("Dupont", "Jean")
    make_visitor("Dupuis", "Marc")
    form = window.desk.form
    keys.type("dup")
    keys.press(Qt.Key.Key_Down)
    keys.press(Qt.Key.Key_Down)
    assert form.results_view.currentIndex().row() == 1
    keys.type("u")
    assert form.search_edit.hasFocus() and form.search_edit.text() == "dupu"
    assert form.results_model.rowCount() == 1


def test_retired_services_are_not_offered_and_keys_are_visible(qtbot, keys, window, engine) -> None:
    form = window.desk.form
    shown = form.services_model.services()
    assert [s.code for s in shown] == [s.code for s in list_services(engine, include_retired=False)]
    first = form.services_model.index(0)
    assert form.services_model.data(first).startswith("A  ")
    assert "touche A" in form.services_model.data(first, Qt.ItemDataRole.ToolTipRole)


def test_birth_date_search_and_impossible_date_message(qtbot, keys, window, make_visitor) -> None:
    sami = make_visitor("Benali", "Sami", "H", date(1990, 3, 5))
    form = window.desk.form
    keys.type("05/03/1990")
    assert [form.results_model.hit(0).id] == [sami.id]
    form.search_edit.clear()
    keys.type("31/02/1990")
    assert form.results_model.rowCount() == 0
    assert "n'existe pas" in form.hint_label.text()


def test_a_typed_name_not_chosen_is_never_saved_as_anonymous(
    qtbot, keys, window, engine, make_visitor
) -> None:
    make_visitor("Dupont", "Jean")
    form = window.desk.form
    keys.type("dup")
    form.services_view.setFocus()
    keys.press(Qt.Key.Key_A)
    keys.press(Qt.Key.Key_Return, CTRL)
    assert "Choisissez d'abord la personne" in form.status_label.text()
    assert form.search_edit.hasFocus() and form.search_edit.text() == "dup"
    assert len(form.services_model.checked_ids()) == 1
    assert _contacts(engine) == []
