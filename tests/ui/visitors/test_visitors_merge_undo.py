"""Merging takes a deliberate step (never one Entrée), a merge is undone from the person's page,
and the status line never speaks about a page whose data changed since (restore, desk)."""

from __future__ import annotations

import uuid
from datetime import date, time
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QLabel
from sqlalchemy import Engine, select, text

from sarah.db import read_session, write_session
from sarah.models import Contact, Visitor, VisitorMerge
from sarah.services.backups.create import create_backup
from sarah.services.backups.restore import restore_backup
from sarah.services.catalogue import list_services
from sarah.services.contacts import ContactDraft, log_contact
from sarah.services.visitors import VisitorInfo, create_visitor, merge_visitors
from sarah.ui.context import AppContext
from sarah.ui.visitors import VisitorsScreen

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")


def _log(ctx: AppContext, who: VisitorInfo, day: date) -> uuid.UUID:
    return log_contact(
        ctx.engine,
        ContactDraft(
            site_id=ctx.site.id,
            channel="physique",
            local_date=day,
            local_time=time(10, 30),
            visitor_id=who.id,
            service_ids=[list_services(ctx.engine)[0].id],
            agent="Nadia",
        ),
    ).id


def _screen(qtbot, ctx: AppContext) -> VisitorsScreen:  # type: ignore[no-untyped-def]
    screen = VisitorsScreen(ctx)
    qtbot.addWidget(screen)
    screen.resize(1366, 700)
    with qtbot.waitActive(screen):
        screen.show()
        screen.activateWindow()
    screen.focus_search()
    return screen


def _open(qtbot, screen: VisitorsScreen, letters: str) -> None:  # type: ignore[no-untyped-def]
    qtbot.keyClicks(screen.search, letters)
    qtbot.keyClick(screen.search, Qt.Key.Key_Return)


def _contacts_of(engine: Engine, visitor_id: uuid.UUID) -> set[uuid.UUID]:
    with read_session(engine) as s:
        return set(s.scalars(select(Contact.id).where(Contact.visitor_id == visitor_id)))


def _merged(engine: Engine) -> int:
    with read_session(engine) as s:
        return len(s.scalars(select(Visitor).where(Visitor.merged_into_id.is_not(None))).all())


def _panel_text(screen: VisitorsScreen) -> str:
    return " | ".join(label.text() for label in screen.merges_panel.findChildren(QLabel))


@pytest.fixture
def bouviers(ctx: AppContext) -> tuple[VisitorInfo, VisitorInfo]:
    """The user trial's pair: two different women whose names start alike."""
    angelique = create_visitor(
        ctx.engine,
        last_name="Bouvier",
        first_name="Angélique",
        sex="F",
        birth_date=date(2002, 1, 18),
    )
    aya = create_visitor(
        ctx.engine, last_name="Bouvier", first_name="Aya", sex="F", birth_date=date(1972, 1, 11)
    )
    _log(ctx, angelique, date(2019, 2, 1))
    _log(ctx, aya, date(2019, 3, 4))
    _log(ctx, aya, date(2019, 4, 5))
    return angelique, aya


def test_entree_never_merges_it_takes_the_confirmation_and_fusionner(
    qtbot, ctx: AppContext, bouviers: tuple[VisitorInfo, VisitorInfo]
) -> None:  # type: ignore[no-untyped-def]
    angelique, aya = bouviers
    screen = _screen(qtbot, ctx)
    _open(qtbot, screen, "bouvier ang")
    qtbot.keyClick(screen.profile.last_name, Qt.Key.Key_M, Qt.KeyboardModifier.ControlModifier)
    dialog = screen.merge_dialog
    assert dialog is not None
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)  # shortcuts (Alt+F) reach the active window only
    qtbot.keyClicks(dialog.search, "aya")  # as in the trial: the first match is picked
    assert dialog.other is not None and dialog.other.visitor.id == aya.id
    assert "dates de naissance différentes" in dialog.preview.text()
    assert not any(b.isDefault() for b in (dialog.merge_button, dialog.cancel_button))

    qtbot.keyClick(dialog.search, Qt.Key.Key_Return)  # the trial's Entrée
    assert dialog.isVisible() and _merged(ctx.engine) == 0
    assert dialog.focusWidget() is dialog.confirm and not dialog.merge_button.isEnabled()
    for widget in (dialog.confirm, dialog.table, dialog.keep_current, dialog.search):
        widget.setFocus()
        qtbot.keyClick(widget, Qt.Key.Key_Return)
        qtbot.keyClick(widget, Qt.Key.Key_Enter)
    assert dialog.isVisible() and _merged(ctx.engine) == 0

    dialog.confirm.setFocus()
    qtbot.keyClick(dialog.confirm, Qt.Key.Key_Space)  # the deliberate step
    assert dialog.confirm.isChecked() and dialog.merge_button.isEnabled()
    qtbot.keyClick(dialog.confirm, Qt.Key.Key_Return)  # still not one Entrée away
    assert dialog.isVisible() and _merged(ctx.engine) == 0
    with qtbot.waitSignal(dialog.finished):
        qtbot.keyClick(dialog.confirm, Qt.Key.Key_F, Qt.KeyboardModifier.AltModifier)
    assert _contacts_of(ctx.engine, aya.id) == set()
    assert len(_contacts_of(ctx.engine, angelique.id)) == 3


def test_choosing_another_record_or_the_other_one_to_keep_asks_again(
    qtbot, ctx: AppContext, bouviers: tuple[VisitorInfo, VisitorInfo]
) -> None:  # type: ignore[no-untyped-def]
    create_visitor(ctx.engine, last_name="Bouvier", first_name="Ayana")
    screen = _screen(qtbot, ctx)
    _open(qtbot, screen, "bouvier ang")
    screen.start_merge()
    dialog = screen.merge_dialog
    assert dialog is not None
    qtbot.keyClicks(dialog.search, "bouvier ay")
    dialog.confirm.setChecked(True)
    assert dialog.merge_button.isEnabled()
    qtbot.keyClick(dialog.search, Qt.Key.Key_Down)  # another record: confirm again
    assert not dialog.confirm.isChecked() and not dialog.merge_button.isEnabled()
    dialog.confirm.setChecked(True)
    qtbot.mouseClick(
        dialog.keep_other, Qt.MouseButton.LeftButton, pos=QPoint(8, dialog.keep_other.height() // 2)
    )
    assert dialog.keep_other.isChecked()
    assert not dialog.confirm.isChecked() and not dialog.merge_button.isEnabled()
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert _merged(ctx.engine) == 0


def test_a_merge_is_undone_from_the_page_after_a_confirmation(
    qtbot, ctx: AppContext, bouviers: tuple[VisitorInfo, VisitorInfo]
) -> None:  # type: ignore[no-untyped-def]
    angelique, aya = bouviers
    own, theirs = _contacts_of(ctx.engine, angelique.id), _contacts_of(ctx.engine, aya.id)
    merge_visitors(ctx.engine, angelique.id, aya.id, site_id=ctx.site.id, agent="Nadia")
    screen = _screen(qtbot, ctx)
    _open(qtbot, screen, "bouvier")
    assert "BOUVIER Aya (né(e) le 11/01/1972), 2 contacts" in _panel_text(screen)
    [(merge_id, button)] = screen.merges_panel.undo_buttons.items()
    assert button.isEnabled() and button.text() == "Annuler la fusion…"
    screen.merge_button.setFocus()
    qtbot.keyClick(screen.merge_button, Qt.Key.Key_Tab)  # the keyboard reaches it
    assert screen.focusWidget() is button

    qtbot.keyClick(button, Qt.Key.Key_Space)
    box = screen.merges_panel.confirm_box
    assert box is not None
    qtbot.waitExposed(box)
    assert box.defaultButton() is screen.merges_panel.keep_button  # Entrée keeps the merge
    assert "BOUVIER Aya redevient une fiche à part, avec <b>2 contacts</b>" in box.text()
    with qtbot.waitSignal(box.finished):
        qtbot.keyClick(box, Qt.Key.Key_Return)
    assert _contacts_of(ctx.engine, aya.id) == set()

    button = screen.merges_panel.undo_buttons[merge_id]
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    box = screen.merges_panel.confirm_box
    assert box is not None and screen.merges_panel.undo_button is not None
    with qtbot.waitSignals([screen.visitor_changed, screen.visitor_changed]):
        qtbot.mouseClick(screen.merges_panel.undo_button, Qt.MouseButton.LeftButton)

    assert _contacts_of(ctx.engine, angelique.id) == own
    assert _contacts_of(ctx.engine, aya.id) == theirs
    assert screen.status.kind == "ok"
    assert screen.status.text() == (
        "Fusion annulée : BOUVIER Aya est de nouveau une fiche à part, avec 2 contacts."
    )
    assert not screen.merges_panel.isVisible()
    assert screen.contacts_model.rowCount() == 1
    names = [r.visitor.display_name for r in screen.results_model.rows()]
    assert names == ["BOUVIER Angélique", "BOUVIER Aya"]


def test_a_chain_shows_which_merge_to_undo_first(qtbot, ctx: AppContext) -> None:  # type: ignore[no-untyped-def]
    a = create_visitor(ctx.engine, last_name="Traore", first_name="Moussa")
    b = create_visitor(ctx.engine, last_name="Traoré", first_name="Mousa")
    c = create_visitor(ctx.engine, last_name="Traoré", first_name="Moussa", sex="H")
    for v in (a, b, c):
        _log(ctx, v, date(2019, 1, 7))
    merge_visitors(ctx.engine, b.id, a.id, site_id=ctx.site.id)
    merge_visitors(ctx.engine, c.id, b.id, site_id=ctx.site.id)
    screen = _screen(qtbot, ctx)
    _open(qtbot, screen, "traore")
    assert screen.history is not None and screen.history.visitor.id == c.id
    text = _panel_text(screen)
    assert "TRAORÉ Mousa, 2 contacts" in text and "↳ TRAORE Moussa, 1 contact" in text
    assert "annulez d'abord la fusion de la ligne au-dessus" in text
    [button] = screen.merges_panel.undo_buttons.values()  # only the newest link has one

    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    box = screen.merges_panel.confirm_box
    assert box is not None and "contenait déjà TRAORE Moussa" in box.text()
    assert screen.merges_panel.undo_button is not None
    with qtbot.waitSignal(screen.visitor_changed):
        qtbot.mouseClick(screen.merges_panel.undo_button, Qt.MouseButton.LeftButton)
    assert "TRAORÉ Mousa contient encore TRAORE Moussa" in screen.status.text()

    screen.open_visitor(b.id)  # B's page now offers to undo A's merge
    [button] = screen.merges_panel.undo_buttons.values()
    assert button.isEnabled()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert screen.merges_panel.undo_button is not None
    with qtbot.waitSignal(screen.visitor_changed):
        qtbot.mouseClick(screen.merges_panel.undo_button, Qt.MouseButton.LeftButton)
    assert _merged(ctx.engine) == 0
    assert [len(_contacts_of(ctx.engine, v.id)) for v in (a, b, c)] == [1, 1, 1]


def test_an_old_merge_says_why_it_cannot_be_undone(qtbot, ctx: AppContext) -> None:  # type: ignore[no-untyped-def]
    kept = create_visitor(ctx.engine, last_name="Moreau", first_name="Inès")
    other = create_visitor(ctx.engine, last_name="Moreau", first_name="Ines")
    merge_visitors(ctx.engine, kept.id, other.id, site_id=ctx.site.id)
    with write_session(ctx.engine) as s:  # a merge recorded before schema 0003
        s.execute(text("UPDATE visitor_merges SET moved_contact_ids = NULL"))
    screen = _screen(qtbot, ctx)
    _open(qtbot, screen, "moreau")
    [button] = screen.merges_panel.undo_buttons.values()
    assert not button.isEnabled() and "ne notait pas quels contacts" in button.toolTip()
    assert "ne peut pas être annulée" in _panel_text(screen)


def test_read_only_database_cannot_undo(qtbot, ctx: AppContext) -> None:  # type: ignore[no-untyped-def]
    kept = create_visitor(ctx.engine, last_name="Moreau", first_name="Inès")
    other = create_visitor(ctx.engine, last_name="Moreau", first_name="Ines")
    merge_visitors(ctx.engine, kept.id, other.id, site_id=ctx.site.id)
    ctx.read_only = True
    screen = _screen(qtbot, ctx)
    _open(qtbot, screen, "moreau")
    [button] = screen.merges_panel.undo_buttons.values()
    assert not button.isEnabled()


def _merge_in_dialog(qtbot, screen: VisitorsScreen) -> None:  # type: ignore[no-untyped-def]
    screen.start_merge()
    dialog = screen.merge_dialog
    assert dialog is not None and dialog.other is not None
    dialog.confirm.setChecked(True)
    with qtbot.waitSignal(dialog.finished):
        qtbot.mouseClick(dialog.merge_button, Qt.MouseButton.LeftButton)
    assert screen.status.isVisibleTo(screen) and "Fiches fusionnées" in screen.status.text()


def test_the_merge_banner_goes_when_a_restore_undid_the_merge(
    qtbot, ctx: AppContext, db_path: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    kept = create_visitor(ctx.engine, last_name="Nguyen", first_name="Linh", sex="F")
    twin = create_visitor(ctx.engine, last_name="NGUYEN", first_name="linh")
    _log(ctx, kept, date(2019, 5, 2))
    _log(ctx, twin, date(2019, 1, 7))
    folder = tmp_path / "sauvegardes"
    folder.mkdir()
    backup = create_backup(db_path, folder)
    screen = _screen(qtbot, ctx)
    _open(qtbot, screen, "nguyen")
    _merge_in_dialog(qtbot, screen)
    assert screen.contacts_model.rowCount() == 2

    screen.hide()  # the agent goes to Sauvegardes and puts back the backup made before
    ctx.engine.dispose()
    restore_backup(db_path, backup.path, folder=folder)
    ctx.engine.dispose()
    screen.show()

    assert not screen.status.isVisibleTo(screen)
    assert screen.contacts_model.rowCount() == 1
    assert not screen.merges_panel.isVisibleTo(screen)
    assert {r.visitor.id for r in screen.results_model.rows()} == {kept.id, twin.id}
    with read_session(ctx.engine) as s:
        assert s.scalars(select(VisitorMerge)).all() == []


def test_a_banner_stays_while_its_page_is_unchanged_and_goes_with_any_change(
    qtbot, ctx: AppContext
) -> None:  # type: ignore[no-untyped-def]
    kept = create_visitor(ctx.engine, last_name="Nguyen", first_name="Linh", sex="F")
    create_visitor(ctx.engine, last_name="NGUYEN", first_name="linh")
    screen = _screen(qtbot, ctx)
    _open(qtbot, screen, "nguyen")
    _merge_in_dialog(qtbot, screen)
    screen.hide()
    screen.show()  # nothing changed meanwhile: the message still tells the truth
    assert screen.status.isVisibleTo(screen)

    screen.hide()
    _log(ctx, kept, date(2019, 6, 3))  # the desk logs a visit meanwhile
    screen.show()
    assert not screen.status.isVisibleTo(screen)
    assert screen.contacts_model.rowCount() == 1

    _merge_stale_message = "Fiche de NGUYEN Linh enregistrée."
    screen.say(_merge_stale_message, "ok")
    screen.mark_stale()  # an import or a restore while the page is shown
    assert not screen.status.isVisibleTo(screen)


def test_the_open_person_gone_after_a_restore_leaves_the_page_empty(
    qtbot, ctx: AppContext, db_path: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "sauvegardes"
    folder.mkdir()
    create_visitor(ctx.engine, last_name="Avant", first_name="Paul")
    backup = create_backup(db_path, folder)
    create_visitor(ctx.engine, last_name="Apres", first_name="Rose")
    screen = _screen(qtbot, ctx)
    _open(qtbot, screen, "apres")
    assert screen.right.currentIndex() == 1
    screen.hide()
    ctx.engine.dispose()
    restore_backup(db_path, backup.path, folder=folder)
    ctx.engine.dispose()
    screen.show()
    assert screen.history is None and screen.right.currentIndex() == 0
    assert screen.results_model.rowCount() == 0 and not screen.status.isVisibleTo(screen)


def _broken(*_args: object, **_kwargs: object) -> None:
    raise RuntimeError("bug")


@pytest.mark.allow_log("unexpected error")
def test_a_bug_while_merging_opens_the_crash_dialog_and_keeps_the_dialog(
    qtbot, ctx: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    from sarah.ui.dialogs.crash import CrashDialog
    from sarah.ui.visitors import merge_dialog

    create_visitor(ctx.engine, last_name="Nguyen", first_name="Linh", sex="F")
    create_visitor(ctx.engine, last_name="NGUYEN", first_name="linh")
    monkeypatch.setattr(merge_dialog, "merge_visitors", _broken)
    screen = _screen(qtbot, ctx)
    _open(qtbot, screen, "nguyen")
    screen.start_merge()
    dialog = screen.merge_dialog
    assert dialog is not None and dialog.other is not None
    dialog.confirm.setChecked(True)
    qtbot.mouseClick(dialog.merge_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.cancel_button.isEnabled())
    assert dialog.isVisible() and _merged(ctx.engine) == 0
    assert dialog.error.text() == (
        "Fusion non faite : erreur inattendue (détails dans la fenêtre d'erreur)."
    )
    [crash] = dialog.findChildren(CrashDialog)
    assert crash.isVisible()
    crash.accept()


def test_a_locked_database_while_undoing_says_so_on_the_page(
    qtbot,
    ctx: AppContext,
    bouviers: tuple[VisitorInfo, VisitorInfo],
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # type: ignore[no-untyped-def]
    from sarah.errors import DatabaseLocked
    from sarah.ui.dialogs.crash import CrashDialog
    from sarah.ui.visitors import merges_panel

    def locked(*_args: object, **_kwargs: object) -> None:
        raise DatabaseLocked("La base de données est occupée.")

    angelique, aya = bouviers
    merge_visitors(ctx.engine, angelique.id, aya.id, site_id=ctx.site.id)
    monkeypatch.setattr(merges_panel, "unmerge_visitors", locked)
    screen = _screen(qtbot, ctx)
    _open(qtbot, screen, "bouvier")
    [button] = screen.merges_panel.undo_buttons.values()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert screen.merges_panel.undo_button is not None
    with qtbot.waitSignal(screen.merges_panel.failed):
        qtbot.mouseClick(screen.merges_panel.undo_button, Qt.MouseButton.LeftButton)
    assert screen.status.kind == "error"
    assert screen.status.text() == "Fusion non annulée : La base de données est occupée."
    assert screen.findChildren(CrashDialog) == [] and _merged(ctx.engine) == 1


@pytest.mark.allow_log("unexpected error")
def test_a_bug_while_undoing_opens_the_crash_dialog(
    qtbot,
    ctx: AppContext,
    bouviers: tuple[VisitorInfo, VisitorInfo],
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # type: ignore[no-untyped-def]
    from sarah.ui.dialogs.crash import CrashDialog
    from sarah.ui.visitors import merges_panel

    angelique, aya = bouviers
    merge_visitors(ctx.engine, angelique.id, aya.id, site_id=ctx.site.id)
    monkeypatch.setattr(merges_panel, "unmerge_visitors", _broken)
    screen = _screen(qtbot, ctx)
    _open(qtbot, screen, "bouvier")
    [button] = screen.merges_panel.undo_buttons.values()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert screen.merges_panel.undo_button is not None
    with qtbot.waitSignal(screen.merges_panel.failed):
        qtbot.mouseClick(screen.merges_panel.undo_button, Qt.MouseButton.LeftButton)
    assert screen.status.text() == (
        "Fusion non annulée : erreur inattendue (détails dans la fenêtre d'erreur)."
    )
    [crash] = screen.findChildren(CrashDialog)
    assert crash.isVisible()
    crash.accept()
    assert _merged(ctx.engine) == 1
