"""Saisie différée: one contact at an earlier date, then a whole paper sheet in the grid."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from PySide6.QtCore import Qt, QTime
from sqlalchemy import select

from sarah.db import read_session
from sarah.models import Contact, contact_services
from sarah.services.catalogue import list_services
from sarah.services.visitors import merge_visitors
from sarah.ui.dialogs.crash import CrashDialog
from sarah.ui.table_models.desk_grid import CatchupGridModel

CTRL = Qt.KeyboardModifier.ControlModifier
DAY = date.today() - timedelta(days=5)


def _rows(engine):  # type: ignore[no-untyped-def]
    codes = {s.id: s.code for s in list_services(engine)}
    with read_session(engine) as s:
        out = []
        for c in s.scalars(select(Contact).order_by(Contact.local_time)):
            services = {
                codes[i]
                for i in s.scalars(
                    select(contact_services.c.service_id).where(
                        contact_services.c.contact_id == c.id
                    )
                )
            }
            out.append(
                (c.local_date, c.local_time, c.channel, c.visitor_id, services, c.entered_at)
            )
        return out


def test_one_contact_for_an_earlier_day_keeps_both_dates(
    qtbot, keys, window, engine, make_visitor
) -> None:
    v = make_visitor("Dupont", "Jean")
    before = datetime.now().replace(microsecond=0)
    keys.press(Qt.Key.Key_3, CTRL)
    catchup = window.catchup
    assert window.current_screen_key() == "saisie"
    catchup.set_day(DAY)
    catchup.time_edit.setTime(QTime(15, 45))
    form = catchup.active_form()
    assert form is catchup.form
    form.search_edit.setFocus()
    keys.type("dup")
    keys.press(Qt.Key.Key_Return)
    keys.press(Qt.Key.Key_O)
    with qtbot.waitSignal(form.saved, timeout=5000):
        keys.press(Qt.Key.Key_Return, CTRL)
    [(day, at, channel, visitor, services, entered)] = _rows(engine)
    assert (day, at, channel, visitor, services) == (
        DAY,
        time(15, 45),
        "physique",
        v.id,
        {"consulter_offres"},
    )
    assert entered >= before  # the moment it was typed is kept too
    assert DAY.strftime("%d/%m/%Y") in form.status_label.text()
    assert catchup.day_model.rowCount() == 1
    assert "1 contact" in catchup.day_count_label.text()
    assert window.journal.count == 0  # not a contact of today


def test_a_future_day_is_refused_and_the_form_kept(
    qtbot, keys, window, engine, make_visitor
) -> None:
    jean = make_visitor("Dupont", "Jean")
    catchup = window.show_screen("saisie")
    catchup.date_edit.setMaximumDate(catchup.date_edit.date().addDays(10))
    catchup.date_edit.setDate(catchup.date_edit.date().addDays(5))  # tomorrow or later
    form = catchup.form
    form.search_edit.setFocus()
    keys.type("dup")
    keys.press(Qt.Key.Key_Return)
    keys.press(Qt.Key.Key_A)
    keys.press(Qt.Key.Key_Return, CTRL)
    assert "futur" in form.status_label.text()
    assert form.visitor is not None and form.visitor.id == jean.id
    assert len(form.services_model.checked_ids()) == 1
    assert _rows(engine) == []


def test_grid_types_a_paper_sheet_row_by_row_and_saves_it_at_once(
    qtbot, keys, window, engine, make_visitor
) -> None:
    jean = make_visitor("Dupont", "Jean")
    awa = make_visitor("Kone", "Awa")
    catchup = window.show_screen("saisie")
    catchup.set_day(DAY, grid=True)
    catchup.time_edit.setTime(QTime(9, 0))
    grid = catchup.grid
    qtbot.waitUntil(grid.view.hasFocus)
    assert grid.view.currentIndex().row() == 0

    # Row 1: 9h30, Dupont, phone, services A and C
    keys.type("9h30")
    keys.press(Qt.Key.Key_Tab)
    keys.type("dup")
    assert grid.people_model.rowCount() == 1
    keys.press(Qt.Key.Key_Return)  # choose Jean Dupont -> next cell (Canal)
    keys.type("t")
    keys.press(Qt.Key.Key_Tab)
    keys.type("ac")
    keys.press(Qt.Key.Key_Return)  # next row
    assert grid.view.currentIndex().row() == 1
    # Row 2: no time (9:00 from above), anonymous, physique, service O
    keys.press(Qt.Key.Key_Tab)
    keys.press(Qt.Key.Key_Tab)
    keys.press(Qt.Key.Key_Tab)
    keys.type("o")
    keys.press(Qt.Key.Key_Return)
    # Row 3: two people called Kone? no: "ko" finds Awa; ↓ does not go past the end
    keys.type("10:15")
    keys.press(Qt.Key.Key_Tab)
    keys.type("ko")
    keys.press(Qt.Key.Key_Down)
    keys.press(Qt.Key.Key_Return)
    keys.press(Qt.Key.Key_Tab)
    keys.type("zz")  # unknown service key
    keys.press(Qt.Key.Key_Return)

    model = grid.model
    assert [r.visitor_id for _i, r in model.filled_rows()] == [jean.id, None, awa.id]
    with qtbot.assertNotEmitted(grid.saved):
        keys.press(Qt.Key.Key_Return, CTRL)
    assert _rows(engine) == []  # nothing saved while a row is wrong
    assert "ligne 3" in grid.status_label.text()
    assert "inconnue" in model.row(2).error and model.row(0).error == ""
    error_index = model.index(2, CatchupGridModel.STATE)
    assert "z" in model.data(error_index)

    # Fix row 3 and save everything.
    model.setData(model.index(2, CatchupGridModel.SERVICES), "i")
    with qtbot.waitSignal(grid.saved, timeout=5000):
        keys.press(Qt.Key.Key_Return, CTRL)
    rows = _rows(engine)
    assert [(r[0], r[1], r[2], r[3], r[4]) for r in rows] == [
        (DAY, time(9, 0), "physique", None, {"consulter_offres"}),
        (DAY, time(9, 30), "telephone", jean.id, {"actualisation_pe", "cv_lm"}),
        (DAY, time(10, 15), "physique", awa.id, {"info_emploi"}),
    ]
    assert "3 contacts enregistrés" in grid.status_label.text()
    assert model.filled_rows() == []  # the grid is empty for the next sheet
    assert catchup.day_model.rowCount() == 3


def test_grid_row_refused_by_the_database_names_the_row_and_saves_nothing(
    qtbot, keys, window, engine, make_visitor
) -> None:
    keep = make_visitor("Roux", "Ana")
    twin = make_visitor("Roux", "Anna")
    catchup = window.show_screen("saisie")
    catchup.set_day(DAY, grid=True)
    grid = catchup.grid
    qtbot.waitUntil(grid.view.hasFocus)
    keys.type("14:00")
    keys.press(Qt.Key.Key_Return)
    keys.type("14:10")
    keys.press(Qt.Key.Key_Tab)
    keys.type("roux anna")
    keys.press(Qt.Key.Key_Return)
    assert grid.model.row(1).visitor_id == twin.id
    merge_visitors(engine, keep.id, twin.id)  # meanwhile, on the Visiteurs screen
    keys.press(Qt.Key.Key_Return, CTRL)
    qtbot.waitUntil(lambda: not grid.saving, timeout=5000)
    assert _rows(engine) == []
    assert grid.model.row(0).error == ""
    assert "n'existe plus" in grid.model.row(1).error
    assert "ligne 2" in grid.status_label.text()


def test_typed_name_not_chosen_from_the_list_is_an_error(qtbot, keys, window, make_visitor) -> None:
    make_visitor("Dupont", "Jean")
    catchup = window.show_screen("saisie")
    catchup.set_day(DAY, grid=True)
    grid = catchup.grid
    qtbot.waitUntil(grid.view.hasFocus)
    keys.press(Qt.Key.Key_Tab)
    keys.type("zorro")  # nobody: Entrée goes on to the next row without choosing
    keys.press(Qt.Key.Key_Return)
    keys.press(Qt.Key.Key_Return, CTRL)
    assert "non choisie" in grid.model.row(0).error


def test_new_person_from_the_grid(qtbot, keys, window, engine) -> None:
    catchup = window.show_screen("saisie")
    catchup.set_day(DAY, grid=True)
    grid = catchup.grid
    qtbot.waitUntil(grid.view.hasFocus)
    keys.press(Qt.Key.Key_Tab)
    keys.type("diallo fanta")
    keys.press(Qt.Key.Key_N, CTRL)
    dialog = grid.new_visitor_dialog
    qtbot.waitUntil(dialog.isActiveWindow)
    assert (dialog.last_edit.text(), dialog.first_edit.text()) == ("Diallo", "Fanta")
    keys.press(Qt.Key.Key_F)
    keys.press(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: grid.model.row(0).visitor_id is not None)
    created = grid.model.row(0).visitor_id
    assert grid.model.row(0).person_text == "DIALLO Fanta"
    qtbot.waitUntil(grid.view.hasFocus)
    with qtbot.waitSignal(grid.saved, timeout=5000):
        keys.press(Qt.Key.Key_Return, CTRL)
    [(day, at, channel, visitor, services, _entered)] = _rows(engine)
    assert (day, at, channel, services) == (DAY, time(9, 0), "physique", set())
    assert visitor == created


def test_every_mistake_of_every_row_is_shown_in_one_round(
    qtbot, keys, window, engine, make_visitor
) -> None:
    keep = make_visitor("Roux", "Ana")
    twin = make_visitor("Roux", "Anna")
    catchup = window.show_screen("saisie")
    catchup.set_day(DAY, grid=True)
    grid = catchup.grid
    qtbot.waitUntil(grid.view.hasFocus)
    # Row 1: three mistakes at once (hour, channel, service key)
    keys.type("25h99")
    keys.press(Qt.Key.Key_Tab)
    keys.press(Qt.Key.Key_Tab)
    keys.type("z")
    keys.press(Qt.Key.Key_Tab)
    keys.type("w")
    keys.press(Qt.Key.Key_Return)
    # Row 2: a name typed but not chosen, and an unknown key
    keys.press(Qt.Key.Key_Tab)
    keys.type("zorro")
    keys.press(Qt.Key.Key_Tab)
    keys.press(Qt.Key.Key_Tab)
    keys.type("ab")
    keys.press(Qt.Key.Key_Return)
    # Row 3: right as typed, but the person is merged meanwhile (a database refusal)
    keys.press(Qt.Key.Key_Tab)
    keys.type("roux anna")
    keys.press(Qt.Key.Key_Return)
    keys.press(Qt.Key.Key_Tab)
    keys.type("a")
    keys.press(Qt.Key.Key_Return)
    assert grid.model.row(2).visitor_id == twin.id
    merge_visitors(engine, keep.id, twin.id)

    with qtbot.assertNotEmitted(grid.saved):
        keys.press(Qt.Key.Key_Return, CTRL)  # one round
    assert _rows(engine) == []
    first, second, third = (grid.model.row(i).error for i in range(3))
    assert "Heure impossible : 25:99." in first
    assert "Canal « z » inconnu" in first
    assert "Touche de service inconnue : w." in first
    assert "« zorro » non choisie" in second and "inconnue : b." in second
    assert "n'existe plus" in third
    status = grid.status_label.text()
    assert "3 lignes à corriger (lignes 1, 2, 3)" in status
    assert "colonne État" in status
    state = grid.model.index(0, CatchupGridModel.STATE)
    assert grid.model.data(state, Qt.ItemDataRole.ToolTipRole) == first


@pytest.mark.allow_log("unexpected error")
def test_a_bug_while_saving_the_grid_keeps_the_rows_and_opens_the_crash_dialog(
    qtbot, keys, window, engine, monkeypatch
) -> None:
    import sarah.ui.desk.grid as grid_module

    def broken(engine, drafts):  # type: ignore[no-untyped-def]
        raise RuntimeError("bug")

    monkeypatch.setattr(grid_module, "log_contacts", broken)
    catchup = window.show_screen("saisie")
    catchup.set_day(DAY, grid=True)
    grid = catchup.grid
    qtbot.waitUntil(grid.view.hasFocus)
    keys.type("14:00")
    keys.press(Qt.Key.Key_Return)
    keys.press(Qt.Key.Key_Return, CTRL)
    qtbot.waitUntil(lambda: not grid.saving, timeout=5000)
    assert grid.status_label.text() == (
        "Rien n'a été enregistré : erreur inattendue (détails dans la fenêtre d'erreur)."
    )
    assert [r.time_text for _, r in grid.model.filled_rows()] == ["14:00"]
    assert grid.save_button.isEnabled() and _rows(engine) == []
    dialogs = grid.findChildren(CrashDialog)
    assert len(dialogs) == 1
    dialogs[0].accept()


def test_a_day_of_a_closed_period_says_its_entries_will_show_as_changes(
    qtbot, keys, window, engine
) -> None:
    from sarah.reports.tables import Period
    from sarah.services.closing.periods import close_period

    closed = Period(DAY - timedelta(days=30), DAY)
    close_period(engine, closed, today=DAY + timedelta(days=1))
    keys.press(Qt.Key.Key_3, CTRL)
    catchup = window.catchup
    catchup.set_day(DAY)
    said = catchup.day_label.text()
    assert "— période clôturée (du " in said and ", chiffres publiés le " in said
    assert "apparaîtront comme changements depuis la publication" in said
    catchup.set_day(DAY + timedelta(days=1))  # the day after: not closed
    assert "clôturée" not in catchup.day_label.text()
