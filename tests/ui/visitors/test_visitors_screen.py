"""The visitor page, driven with the keyboard and the mouse; the database is checked afterwards."""

from __future__ import annotations

import uuid
from datetime import date, time

import pytest
from PySide6.QtCore import QEvent, QPoint, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QMessageBox
from sqlalchemy import func, select

from sarah.db import read_session
from sarah.models import Contact, Visitor, VisitorMerge
from sarah.services.catalogue import list_services
from sarah.services.contacts import ContactDraft, log_contact
from sarah.services.sites import ensure_site
from sarah.services.visitor_history import search_visitors, visitor_history
from sarah.services.visitors import create_visitor, get_visitor
from sarah.ui.context import AppContext
from sarah.ui.table_models.visitor_models import (
    VisitorContactsModel,
    VisitorSearchModel,
    VisitorSitesModel,
)
from sarah.ui.visitors import VisitorsScreen

# The offscreen platform complains about size hints of top-level windows; nothing to act on.
pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")


def _log(ctx: AppContext, visitor_id: uuid.UUID, day: date, site_name: str | None = None) -> None:
    site = ensure_site(ctx.engine, site_name) if site_name else ctx.site
    log_contact(
        ctx.engine,
        ContactDraft(
            site_id=site.id,
            channel="physique",
            local_date=day,
            local_time=time(10, 30),
            visitor_id=visitor_id,
            service_ids=[list_services(ctx.engine)[0].id],
            agent="Nadia",
        ),
    )


def _screen(qtbot, ctx: AppContext) -> VisitorsScreen:  # type: ignore[no-untyped-def]
    screen = VisitorsScreen(ctx)
    qtbot.addWidget(screen)
    screen.resize(1366, 700)
    with qtbot.waitActive(screen):
        screen.show()
        screen.activateWindow()
    screen.focus_search()
    return screen


def _open(qtbot, screen: VisitorsScreen, letters: str, downs: int = 1) -> None:  # type: ignore[no-untyped-def]
    qtbot.keyClicks(screen.search, letters)
    for _ in range(downs):
        qtbot.keyClick(screen.search, Qt.Key.Key_Down)
    qtbot.keyClick(screen.search, Qt.Key.Key_Return)


def _panel_text(screen: VisitorsScreen) -> str:
    """Every line of the merges panel, as shown."""
    from PySide6.QtWidgets import QLabel

    return " | ".join(label.text() for label in screen.merges_panel.findChildren(QLabel))


def _click_radio(qtbot, radio) -> None:  # type: ignore[no-untyped-def]
    """Click on the round indicator (a radio button's middle may be empty space)."""
    qtbot.mouseClick(radio, Qt.MouseButton.LeftButton, pos=QPoint(8, radio.height() // 2))
    assert radio.isChecked()


def test_find_a_person_and_correct_the_profile_with_the_keyboard(qtbot, ctx: AppContext) -> None:  # type: ignore[no-untyped-def]
    v = create_visitor(ctx.engine, last_name="Dupont", first_name="lea")
    create_visitor(ctx.engine, last_name="Martin", first_name="Paul")
    screen = _screen(qtbot, ctx)

    _open(qtbot, screen, "dup")
    assert screen.history is not None and screen.history.visitor.id == v.id
    assert screen.profile.last_name.hasFocus()

    qtbot.keyClicks(screen.profile.last_name, "Dupont-Martin")  # the name was selected: replaced
    qtbot.keyClick(screen.profile.last_name, Qt.Key.Key_Tab)
    screen.profile.first_name.selectAll()
    qtbot.keyClicks(screen.profile.first_name, "L")
    # QTest types ASCII only: an accented key arrives as one key event with its text
    for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
        event = QKeyEvent(kind, Qt.Key.Key_Eacute, Qt.KeyboardModifier.NoModifier, "é")
        QApplication.sendEvent(screen.profile.first_name, event)
    qtbot.keyClicks(screen.profile.first_name, "a")
    qtbot.keyClick(screen.profile.first_name, Qt.Key.Key_Tab)
    qtbot.keyClick(screen.profile.sex, Qt.Key.Key_Down)  # Non renseigné -> Femme
    qtbot.keyClick(screen.profile.sex, Qt.Key.Key_Tab)
    qtbot.keyClicks(screen.profile.birth_date, "12/03/1998")
    today = date.today()
    age = today.year - 1998 - ((today.month, today.day) < (3, 12))
    assert screen.profile.age_label.text().startswith(f"{age} ans")
    assert "(modifiée)" in screen.title.text()
    qtbot.keyClick(screen.profile.birth_date, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)

    saved = get_visitor(ctx.engine, v.id)
    assert (saved.last_name, saved.first_name, saved.sex, saved.birth_date) == (
        "Dupont-Martin",
        "Léa",
        "F",
        date(1998, 3, 12),
    )
    assert screen.status.kind == "ok" and "enregistrée" in screen.status.text()
    assert screen.title.text() == "DUPONT-MARTIN Léa"
    assert not screen.save_button.isEnabled()
    # the search list shows the new name at once, and the new name is found
    assert screen.results_model.row_at(0).visitor.display_name == "DUPONT-MARTIN Léa"
    assert [r.visitor.id for r in search_visitors(ctx.engine, "martin lea")] == [v.id]


def test_an_impossible_birth_date_is_refused_and_the_form_keeps_it(qtbot, ctx: AppContext) -> None:  # type: ignore[no-untyped-def]
    v = create_visitor(ctx.engine, last_name="Benali", first_name="Sami")
    screen = _screen(qtbot, ctx)
    _open(qtbot, screen, "ben")
    screen.profile.birth_date.setFocus()
    qtbot.keyClicks(screen.profile.birth_date, "31/02/1995")
    assert screen.profile.age_label.text() == "date impossible"
    qtbot.mouseClick(screen.save_button, Qt.MouseButton.LeftButton)

    assert screen.status.kind == "error"
    assert "31/02/1995 n'existe pas" in screen.status.text()
    assert screen.profile.birth_date.text() == "31/02/1995"
    assert get_visitor(ctx.engine, v.id).birth_date is None
    qtbot.mouseClick(screen.revert_button, Qt.MouseButton.LeftButton)
    assert screen.profile.birth_date.text() == ""


def test_the_page_lists_every_contact_at_every_site_and_the_first_visits(
    qtbot, ctx: AppContext
) -> None:  # type: ignore[no-untyped-def]
    v = create_visitor(
        ctx.engine, last_name="Diallo", first_name="Awa", birth_date=date(1990, 4, 2)
    )
    _log(ctx, v.id, date(2019, 3, 1), "Fontaine d'Ouche")
    _log(ctx, v.id, date(2018, 11, 20))
    _log(ctx, v.id, date(2019, 4, 8))
    screen = _screen(qtbot, ctx)
    _open(qtbot, screen, "02/04/1990", downs=0)  # a birth date finds the person too

    assert screen.contacts_model.rowCount() == 3
    first = screen.contacts_model.index(0, VisitorContactsModel.DATE).data()
    site = screen.contacts_model.index(1, VisitorContactsModel.SITE).data()
    assert (first, site) == ("08/04/2019", "Fontaine d'Ouche")
    assert "Première visite : 20/11/2018</b> à Grésilles" in screen.summary.text()
    assert "3 contacts sur 2 sites" in screen.summary.text()
    sites = [
        (screen.sites_model.index(r, 0).data(), screen.sites_model.index(r, 1).data())
        for r in range(screen.sites_model.rowCount())
    ]
    assert sites == [("Grésilles", "20/11/2018"), ("Fontaine d'Ouche", "01/03/2019")]

    # A contact logged on the desk meanwhile shows when the page comes back.
    _log(ctx, v.id, date(2019, 5, 2))
    screen.hide()
    screen.show()
    qtbot.waitUntil(lambda: screen.contacts_model.rowCount() == 4)


def test_merge_shows_what_moves_then_merges(qtbot, ctx: AppContext) -> None:  # type: ignore[no-untyped-def]
    kept = create_visitor(ctx.engine, last_name="Nguyen", first_name="Linh", sex="F")
    twin = create_visitor(
        ctx.engine, last_name="NGUYEN", first_name="linh", birth_date=date(2001, 9, 9)
    )
    _log(ctx, kept.id, date(2019, 5, 2))
    _log(ctx, twin.id, date(2019, 1, 7), "Chenôve")
    _log(ctx, twin.id, date(2019, 2, 11))
    screen = _screen(qtbot, ctx)
    _open(qtbot, screen, "nguy", downs=0)  # Enter picks the first: the record without birth date
    assert screen.history is not None and screen.history.visitor.id == kept.id

    qtbot.keyClick(screen.profile.last_name, Qt.Key.Key_M, Qt.KeyboardModifier.ControlModifier)
    dialog = screen.merge_dialog
    assert dialog is not None
    qtbot.waitExposed(dialog)
    # the likely duplicate is proposed and chosen; the preview says what will happen
    assert dialog.other is not None and dialog.other.visitor.id == twin.id
    assert dialog.focusWidget() is dialog.table
    text = dialog.preview.text()
    assert "<b>2 contacts</b> de NGUYEN linh seront rattachés à NGUYEN Linh" in text
    assert "date de naissance (09/09/2001)" in text
    with read_session(ctx.engine) as s:  # nothing moved yet
        assert s.scalar(select(func.count()).where(Contact.visitor_id == twin.id)) == 2

    # keeping the other record instead reverses the preview
    _click_radio(qtbot, dialog.keep_other)
    assert "<b>1 contact</b> de NGUYEN Linh sera rattaché à NGUYEN linh" in dialog.preview.text()
    _click_radio(qtbot, dialog.keep_current)

    # "Fusionner" waits for the confirmation of this very pair
    assert not dialog.merge_button.isEnabled()
    qtbot.mouseClick(dialog.merge_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible()
    assert "NGUYEN Linh et NGUYEN linh sont la même personne" in dialog.confirm.text()
    qtbot.mouseClick(dialog.confirm, Qt.MouseButton.LeftButton, pos=QPoint(8, 8))
    assert dialog.confirm.isChecked() and dialog.merge_button.isEnabled()
    with qtbot.waitSignal(dialog.finished):
        qtbot.mouseClick(dialog.merge_button, Qt.MouseButton.LeftButton)

    with read_session(ctx.engine) as s:
        absorbed = s.get(Visitor, twin.id)
        survivor = s.get(Visitor, kept.id)
        assert absorbed is not None and survivor is not None
        assert absorbed.merged_into_id == kept.id and absorbed.deleted_at is not None
        assert survivor.birth_date == date(2001, 9, 9) and survivor.sex == "F"
        assert s.scalar(select(func.count()).where(Contact.visitor_id == kept.id)) == 3
        trace = s.scalars(select(VisitorMerge)).one()
        assert (trace.moved_contacts, trace.agent, trace.origin_site_id) == (
            2,
            "Nadia",
            ctx.site.id,
        )
    assert screen.status.kind == "ok"
    assert screen.status.text().startswith(
        "Fiches fusionnées : 2 contacts rattachés à NGUYEN Linh. En cas d'erreur : "
        "« Annuler la fusion… »"
    )
    assert screen.contacts_model.rowCount() == 3
    assert "Première visite : 07/01/2019</b> à Chenôve" in screen.summary.text()
    assert screen.merges_panel.isVisible()
    assert "NGUYEN linh (né(e) le 09/09/2001), 2 contacts" in _panel_text(screen)
    assert [r.visitor.id for r in screen.results_model.rows()] == [kept.id]


def test_merge_with_a_record_found_by_search(qtbot, ctx: AppContext) -> None:  # type: ignore[no-untyped-def]
    a = create_visitor(ctx.engine, last_name="Traore", first_name="Moussa")
    b = create_visitor(  # the same family name, not a likely twin (Moussa/Mousa would be)
        ctx.engine, last_name="Traoré", first_name="Awa", birth_date=date(1980, 1, 5)
    )
    _log(ctx, b.id, date(2019, 3, 3))
    screen = _screen(qtbot, ctx)
    _open(qtbot, screen, "moussa", downs=0)
    screen.start_merge()
    dialog = screen.merge_dialog
    assert dialog is not None
    qtbot.waitExposed(dialog)
    assert dialog.other is None and not dialog.merge_button.isEnabled()  # no obvious twin
    assert dialog.focusWidget() is dialog.search
    qtbot.keyClicks(dialog.search, "trao")  # the open record itself is never offered
    assert [r.visitor.id for r in dialog.model.rows()] == [b.id]
    assert "Attention" not in dialog.preview.text()
    dialog.confirm.setChecked(True)
    with qtbot.waitSignal(screen.visitor_changed):
        qtbot.mouseClick(dialog.merge_button, Qt.MouseButton.LeftButton)
    assert visitor_history(ctx.engine, b.id).visitor.id == a.id
    assert screen.status.text().startswith(
        "Fiches fusionnées : 1 contact rattaché à TRAORE Moussa."
    )


def test_unsaved_changes_are_not_lost_when_picking_someone_else(
    qtbot, ctx: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    first = create_visitor(ctx.engine, last_name="Lemaire", first_name="Paul")
    create_visitor(ctx.engine, last_name="Lemoine", first_name="Rose")
    screen = _screen(qtbot, ctx)
    _open(qtbot, screen, "lem")
    qtbot.keyClicks(screen.profile.last_name, "Lemaitre")
    asked: list[str] = []

    def answer(_parent, _title, text, *_args):  # type: ignore[no-untyped-def]
        asked.append(text)
        return QMessageBox.StandardButton.Cancel

    monkeypatch.setattr(QMessageBox, "question", answer)
    screen.search.setFocus()
    qtbot.keyClick(screen.search, Qt.Key.Key_Down)
    assert asked and "LEMAIRE Paul a été modifiée" in asked[0]
    assert screen.history is not None and screen.history.visitor.id == first.id
    assert screen.profile.last_name.text() == "Lemaitre"

    monkeypatch.setattr(QMessageBox, "question", lambda *a: QMessageBox.StandardButton.Save)
    qtbot.keyClick(screen.search, Qt.Key.Key_Down)
    assert get_visitor(ctx.engine, first.id).last_name == "Lemaitre"
    assert screen.history.visitor.last_name == "Lemoine"


def test_read_only_database_shows_but_does_not_edit(qtbot, ctx: AppContext) -> None:  # type: ignore[no-untyped-def]
    create_visitor(ctx.engine, last_name="Moreau", first_name="Inès")
    ctx.read_only = True
    screen = _screen(qtbot, ctx)
    _open(qtbot, screen, "mor", downs=0)
    assert screen.history is not None
    assert not screen.profile.isEnabled() and not screen.merge_button.isEnabled()


def test_search_explains_itself(qtbot, ctx: AppContext) -> None:  # type: ignore[no-untyped-def]
    screen = _screen(qtbot, ctx)
    assert "deux lettres" in screen.hint.text()
    qtbot.keyClicks(screen.search, "zz")
    assert screen.hint.text() == "Personne ne correspond."
    screen.search.clear()
    qtbot.keyClicks(screen.search, "30/02/2000")
    assert "n'existe pas" in screen.hint.text()


def test_visitor_models_pass_the_model_tester(qtmodeltester, ctx: AppContext) -> None:  # type: ignore[no-untyped-def]
    v = create_visitor(ctx.engine, last_name="Durand", first_name="Éloïse", sex="F")
    _log(ctx, v.id, date(2019, 1, 2))
    _log(ctx, v.id, date(2019, 2, 3), "Quetigny")
    history = visitor_history(ctx.engine, v.id)
    search = VisitorSearchModel()
    search.set_rows(search_visitors(ctx.engine, "dur"))
    contacts = VisitorContactsModel()
    contacts.set_rows(history.contacts)
    sites = VisitorSitesModel()
    sites.set_rows(history.sites)
    for model in (search, contacts, sites):
        assert model.rowCount() > 0
        qtmodeltester.check(model, force_py=True)
    qtmodeltester.check(VisitorSearchModel(), force_py=True)
