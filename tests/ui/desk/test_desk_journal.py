"""Journal du jour: newest first, running count, edit in the form, delete with "Annuler"."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import date, time, timedelta

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import Engine, event, select

from sarah.db import read_session
from sarah.models import Contact, contact_services
from sarah.services.catalogue import list_services

CTRL = Qt.KeyboardModifier.ControlModifier


def _service_codes(engine, contact_id):  # type: ignore[no-untyped-def]
    codes = {s.id: s.code for s in list_services(engine)}
    with read_session(engine) as s:
        ids = list(
            s.scalars(
                select(contact_services.c.service_id).where(
                    contact_services.c.contact_id == contact_id
                )
            )
        )
    return {codes[i] for i in ids}


def _deleted(engine, contact_id) -> bool:  # type: ignore[no-untyped-def]
    with read_session(engine) as s:
        contact = s.get(Contact, contact_id)
        assert contact is not None
        return contact.deleted_at is not None


def test_journal_lists_today_newest_first_with_a_running_count(
    qtbot, window, engine, make_visitor, make_contact
) -> None:
    v = make_visitor("Dupont", "Jean")
    services = list_services(engine)
    make_contact(date.today(), time(9, 10), visitor=v, services=(services[0].id,))
    make_contact(date.today(), time(11, 45), channel="telephone")
    make_contact(date.today() - timedelta(days=1), time(12, 0), visitor=v)  # not today
    journal = window.show_screen("journal")
    assert journal is window.journal
    model = journal.model
    assert [model.data(model.index(r, 0)) for r in range(model.rowCount())] == ["11:45", "09:10"]
    assert model.data(model.index(0, 1)) == "Appel anonyme"
    assert model.data(model.index(1, 1)) == "DUPONT Jean"
    assert model.data(model.index(1, 3)) == services[0].label
    assert "2 contacts (1 physique, 1 au téléphone)" in journal.title_label.text()


def test_edit_reopens_the_contact_in_the_form_and_saves_changes(
    qtbot, keys, window, engine, make_visitor, make_contact
) -> None:
    v = make_visitor("Dupont", "Jean")
    services = {s.code: s for s in list_services(engine)}
    cid = make_contact(
        date.today(), time(9, 10), visitor=v, services=(services["actualisation_pe"].id,)
    )
    keys.press(Qt.Key.Key_2, CTRL)  # Journal du jour
    assert window.current_screen_key() == "journal"
    qtbot.waitUntil(window.journal.view.hasFocus)
    keys.press(Qt.Key.Key_Return)  # edit the selected (only) contact
    form = window.desk.form
    assert window.current_screen_key() == "accueil"
    assert form.editing is not None and form.editing.id == cid
    assert form.edit_banner.isVisible() and "09:10" in form.edit_banner.text()
    assert form.visitor is not None and form.visitor.id == v.id
    qtbot.waitUntil(form.services_view.hasFocus)
    keys.press(Qt.Key.Key_A)  # uncheck Actualisation
    keys.press(Qt.Key.Key_C)  # check CV / LM
    keys.press(Qt.Key.Key_F2)  # it was a phone call in fact
    with qtbot.waitSignal(form.saved, timeout=5000):
        keys.press(Qt.Key.Key_Return, CTRL)
    assert "Modifié" in form.status_label.text()
    assert form.editing is None and not form.edit_banner.isVisible()
    with read_session(engine) as s:
        rows = [(c.id, c.channel, c.local_time, c.visitor_id) for c in s.scalars(select(Contact))]
    assert rows == [(cid, "telephone", time(9, 10), v.id)]  # changed in place, not added
    assert _service_codes(engine, cid) == {"cv_lm"}
    assert window.journal.model.entry(0).channel == "telephone"


def test_escape_cancels_an_edit_without_saving(qtbot, keys, window, engine, make_contact) -> None:
    cid = make_contact(date.today(), time(9, 10))
    window.show_screen("journal")
    window.journal.view.setFocus()
    keys.press(Qt.Key.Key_Return)
    form = window.desk.form
    assert form.editing is not None
    keys.press(Qt.Key.Key_Escape)
    assert form.editing is None and not form.edit_banner.isVisible()
    assert _service_codes(engine, cid) == set()


def test_delete_then_undo_brings_the_contact_back(
    qtbot, keys, window, engine, make_contact
) -> None:
    make_contact(date.today(), time(9, 0))
    cid = make_contact(date.today(), time(10, 30), channel="telephone")
    journal = window.show_screen("journal")
    journal.view.setFocus()
    assert journal.model.entry(0).id == cid
    with qtbot.waitSignal(journal.deleted, timeout=5000):
        keys.press(Qt.Key.Key_Delete)
    assert journal.count == 1
    assert journal.undo_bar.isVisible() and "10:30" in journal.undo_label.text()
    assert _deleted(engine, cid)
    with qtbot.waitSignal(journal.restored, timeout=5000):
        keys.press(Qt.Key.Key_Z, CTRL)  # Annuler
    assert journal.count == 2 and not journal.undo_bar.isVisible()
    assert "rétabli" in journal.message_label.text()
    assert not _deleted(engine, cid)


def test_undo_is_offered_only_for_a_few_seconds(qtbot, ctx, engine, make_contact) -> None:
    from sarah.ui.desk.journal import JournalScreen

    cid = make_contact(date.today(), time(9, 0))
    journal = JournalScreen(ctx, undo_seconds=0.05)
    qtbot.addWidget(journal)
    journal.show()
    with qtbot.waitSignal(journal.deleted, timeout=5000):
        journal.delete_button.click()
    assert journal.undo_available
    qtbot.waitUntil(lambda: not journal.undo_bar.isVisible(), timeout=3000)
    assert not journal.undo_available
    journal.undo_delete()  # too late: nothing happens
    assert _deleted(engine, cid)
    assert journal.count == 0
    assert "aucun contact" in journal.title_label.text()


def test_mouse_delete_undo_and_edit_buttons(qtbot, window, engine, make_contact) -> None:
    cid = make_contact(date.today(), time(9, 0))
    journal = window.show_screen("journal")
    with qtbot.waitSignal(journal.deleted, timeout=5000):
        qtbot.mouseClick(journal.delete_button, Qt.MouseButton.LeftButton)
    assert journal.count == 0
    with qtbot.waitSignal(journal.restored, timeout=5000):
        qtbot.mouseClick(journal.undo_button, Qt.MouseButton.LeftButton)
    assert journal.count == 1
    qtbot.mouseClick(journal.edit_button, Qt.MouseButton.LeftButton)
    assert window.desk.form.editing is not None and window.desk.form.editing.id == cid


@pytest.fixture
def short_busy_timeout(engine: Engine) -> Iterator[int]:
    """The app's connections give up on a lock after 300 ms instead of 5 s (new connections)."""
    ms = 300

    def shorten(dbapi_conn, _record) -> None:  # type: ignore[no-untyped-def]
        dbapi_conn.execute(f"PRAGMA busy_timeout={ms}")

    event.listen(engine, "connect", shorten)
    engine.dispose()
    yield ms
    event.remove(engine, "connect", shorten)


class OtherProgram:
    """A second program on the same file: ``hold()`` takes the write lock, ``release()`` lets go."""

    def __init__(self, path) -> None:  # type: ignore[no-untyped-def]
        self.conn = sqlite3.connect(path, isolation_level=None)

    def hold(self) -> None:
        self.conn.execute("BEGIN IMMEDIATE")

    def release(self) -> None:
        if self.conn.in_transaction:
            self.conn.rollback()


@pytest.fixture
def other_program(db_path) -> Iterator[OtherProgram]:  # type: ignore[no-untyped-def]
    other = OtherProgram(db_path)
    yield other
    other.release()
    other.conn.close()


def test_a_delete_blocked_by_another_program_keeps_the_window_responsive_and_the_row(
    qtbot, window, engine, make_contact, short_busy_timeout, other_program
) -> None:
    cid = make_contact(date.today(), time(9, 0))
    journal = window.show_screen("journal")
    assert journal.count == 1
    other_program.hold()
    with qtbot.waitSignal(journal.write_failed, timeout=10_000) as failed:
        qtbot.mouseClick(journal.delete_button, Qt.MouseButton.LeftButton)
        # The click returned at once: the row says it is being deleted while the write waits.
        assert journal.writing
        assert journal.model.data(journal.model.index(0, 3)) == "suppression…"
        assert not journal.delete_button.isEnabled()
        # The window keeps answering: the agent can move to another screen and back.
        window.show_screen("accueil")
        window.show_screen("journal")
    assert "Non supprimé" in failed.args[0] and "occupée par un autre programme" in failed.args[0]
    assert journal.message_label.text() == failed.args[0]
    assert journal.count == 1 and journal.model.entry(0).id == cid
    assert journal.model.data(journal.model.index(0, 3)) == "aucun service"
    assert not journal.undo_bar.isVisible() and not journal.writing
    other_program.release()  # the other program lets go: deleting works again
    with qtbot.waitSignal(journal.deleted, timeout=5000):
        qtbot.mouseClick(journal.delete_button, Qt.MouseButton.LeftButton)
    assert journal.count == 0 and _deleted(engine, cid)


def test_an_undo_blocked_by_another_program_stays_offered(
    qtbot, window, engine, make_contact, short_busy_timeout, other_program
) -> None:
    cid = make_contact(date.today(), time(9, 0))
    journal = window.show_screen("journal")
    with qtbot.waitSignal(journal.deleted, timeout=5000):
        qtbot.mouseClick(journal.delete_button, Qt.MouseButton.LeftButton)
    other_program.hold()
    with qtbot.waitSignal(journal.write_failed, timeout=10_000) as failed:
        qtbot.mouseClick(journal.undo_button, Qt.MouseButton.LeftButton)
        assert "Rétablissement" in journal.undo_label.text()
        assert not journal.undo_button.isEnabled()
    assert failed.args[0].startswith("Impossible de rétablir")
    assert journal.undo_bar.isVisible() and journal.undo_button.isEnabled()
    assert journal.undo_available and _deleted(engine, cid)
    other_program.release()
    with qtbot.waitSignal(journal.restored, timeout=5000):
        qtbot.mouseClick(journal.undo_button, Qt.MouseButton.LeftButton)
    assert journal.count == 1 and not _deleted(engine, cid)


@pytest.mark.allow_log("unexpected error")
def test_a_bug_while_deleting_keeps_the_row_and_opens_the_crash_dialog(
    qtbot, window, engine, make_contact, monkeypatch
) -> None:
    import sarah.ui.desk.journal as journal_module
    from sarah.ui.dialogs.crash import CrashDialog

    def broken(engine, contact_id):  # type: ignore[no-untyped-def]
        raise RuntimeError("bug")

    monkeypatch.setattr(journal_module, "delete_contact", broken)
    cid = make_contact(date.today(), time(9, 0))
    journal = window.show_screen("journal")
    with qtbot.waitSignal(journal.write_failed, timeout=5000) as failed:
        qtbot.mouseClick(journal.delete_button, Qt.MouseButton.LeftButton)
    assert failed.args[0] == "Non supprimé : erreur inattendue (détails dans la fenêtre d'erreur)."
    assert journal.message_label.text() == failed.args[0]
    assert journal.count == 1 and not _deleted(engine, cid) and not journal.writing
    dialogs = journal.findChildren(CrashDialog)
    assert len(dialogs) == 1
    dialogs[0].accept()
