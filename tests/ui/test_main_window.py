"""Main window: title, pluggable screens and shortcuts, menus, first start, errors sorted."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox, QWidget
from sqlalchemy import select

from sarah import __version__, paths
from sarah.db import read_session
from sarah.errors import DatabaseLocked
from sarah.models import Contact, Site
from sarah.services.sites import ensure_site, list_sites
from sarah.settings import Settings, load_settings, save_settings

CTRL = Qt.KeyboardModifier.ControlModifier


def test_title_names_the_site_and_the_desk_has_the_focus(qtbot, window) -> None:
    assert window.windowTitle() == f"SARAH {__version__} — Grésilles"
    assert window.current_screen_key() == "accueil"
    qtbot.waitUntil(window.desk.form.search_edit.hasFocus)
    assert window.screen_keys()[:3] == ["accueil", "journal", "saisie"]
    assert "Nadia B." in window.desk.title_label.text()


def test_other_screens_plug_in_with_their_shortcut_and_status_widget(qtbot, keys, window) -> None:
    screen = QWidget()
    taken = {a.shortcut().toString() for a in window.screens_menu.actions()}
    action = window.add_screen("essai", "Essai", screen)  # the next free Ctrl+digit
    shortcut = action.shortcut().toString()
    digit = int(shortcut.removeprefix("Ctrl+"))
    assert shortcut not in taken
    assert all(f"Ctrl+{n}" in taken for n in range(1, digit))
    assert action in window.screens_menu.actions()
    keys.press(getattr(Qt.Key, f"Key_{digit}"), CTRL)
    assert window.current_screen_key() == "essai"
    keys.press(Qt.Key.Key_1, CTRL)
    assert window.current_screen_key() == "accueil"
    with pytest.raises(ValueError):
        window.add_screen("autre", "Autre", QWidget(), f"Ctrl+{digit}")
    with pytest.raises(ValueError):
        window.add_screen("essai", "Encore", QWidget(), "Ctrl+0")
    label = QLabel("Dernière sauvegarde vérifiée : il y a 2 min")
    window.add_status_widget(label)
    assert label.parent() is not None and label.isVisible()


def test_menus_list_the_shortcuts_and_act_on_the_current_form(qtbot, window, engine) -> None:
    titles = [a.text() for a in window.menuBar().actions()]
    assert titles == ["&Fichier", "&Écrans", "&Saisie", "&Aide"]
    entry = window.menuBar().actions()[2].menu()
    texts = [a.text() for a in entry.actions() if a.text()]
    assert "Enregistrer le contact\tCtrl+Entrée" in texts
    assert "Appel anonyme (sans nom)\tF9" in texts
    anonymous = next(a for a in entry.actions() if a.text().startswith("Appel anonyme"))
    with qtbot.waitSignal(window.desk.form.saved, timeout=5000):
        anonymous.trigger()
    with read_session(engine) as s:
        channels = list(s.scalars(select(Contact.channel)))
    assert channels == ["telephone"]
    html = window.shortcuts_html()
    for key in ("Ctrl+1", "Ctrl+2", "Ctrl+3", "F9", "F2", "Ctrl+Z", "Ctrl+Entrée"):
        assert key in html
    dialog = window.show_shortcuts()
    assert dialog.isVisible()
    dialog.close()


def test_tooltips_give_the_shortcuts(window) -> None:
    form = window.desk.form
    assert "Ctrl+Entrée" in form.save_button.toolTip()
    assert "F9" in form.anonymous_button.toolTip()
    assert "F2" in form.physique_radio.toolTip()
    assert window.tabs.tabToolTip(1) == "Journal du jour — Ctrl+2"


def test_fits_a_1366_by_768_screen_with_larger_fonts(qtbot, ctx, tmp_path) -> None:
    from sarah.ui.main_window import MainWindow

    app = QApplication.instance()
    font = app.font()
    # A backup folder deep in a share: its path is shown cut, never widening the window.
    deep = tmp_path.joinpath(*["Sauvegardes du Point Relais de la Fontaine d'Ouche"] * 4)
    deep.mkdir(parents=True)
    ctx.settings.backup_dir = str(deep)
    try:
        bigger = app.font()
        bigger.setPointSizeF(font.pointSizeF() * 1.25)
        app.setFont(bigger)
        win = MainWindow(ctx)
        qtbot.addWidget(win)
        hint = win.minimumSizeHint()
        assert hint.width() <= 1366 and hint.height() <= 700
    finally:
        app.setFont(font)


def test_tab_order_goes_from_search_to_results_channel_services_and_save(
    qtbot, keys, window, make_visitor
) -> None:
    make_visitor("Dupont", "Jean")
    form = window.desk.form
    qtbot.waitUntil(form.search_edit.hasFocus)
    keys.type("dup")
    visited = []
    for _ in range(4):
        keys.press(Qt.Key.Key_Tab)
        visited.append(QApplication.focusWidget())
    assert visited == [form.results_view, form.physique_radio, form.services_view, form.save_button]
    form.search_edit.setFocus()
    form.search_edit.setText("zzz")  # nobody found: Tab skips the empty list
    keys.press(Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is form.physique_radio


# --- first start ----------------------------------------------------------------------------------


def test_first_start_creates_the_home_site_and_remembers_the_agent(qtbot, keys, engine) -> None:
    from sarah.ui.dialogs.first_start import FirstStartDialog

    settings = Settings()
    dialog = FirstStartDialog(engine, settings)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    assert dialog.new_site_edit.hasFocus()  # no site yet: type its name
    keys.press(Qt.Key.Key_Return)
    assert "Point Relais" in dialog.error_label.text() and dialog.isVisible()
    keys.type("Fontaine d'Ouche")
    keys.press(Qt.Key.Key_Tab)
    keys.press(Qt.Key.Key_Return)
    assert "votre nom" in dialog.error_label.text()
    keys.type("Karim")
    with qtbot.waitSignal(dialog.accepted):
        keys.press(Qt.Key.Key_Return)
    assert [s.name for s in list_sites(engine)] == ["Fontaine d'Ouche"]
    saved = load_settings()
    assert (saved.home_site, saved.agent_name) == ("Fontaine d'Ouche", "Karim")
    assert paths.settings_file().exists()


def test_first_start_picks_an_existing_site_from_the_list(qtbot, keys, engine) -> None:
    from sarah.ui.dialogs.first_start import FirstStartDialog

    ensure_site(engine, "Fontaine d'Ouche")
    ensure_site(engine, "Grésilles")
    dialog = FirstStartDialog(engine, Settings())
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    assert dialog.site_list.hasFocus()
    keys.press(Qt.Key.Key_Down)
    dialog.agent_edit.setFocus()
    keys.type("Nadia")
    with qtbot.waitSignal(dialog.accepted):
        keys.press(Qt.Key.Key_Return)
    assert dialog.site is not None and dialog.site.name == "Grésilles"
    with read_session(engine) as s:
        assert len(s.scalars(select(Site)).all()) == 2  # nothing created


def _answer_next_dialog(qtbot, fill) -> None:  # type: ignore[no-untyped-def]
    """Fill the next modal dialog once it is up (build_main_window waits in exec())."""

    def later() -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            QTimer.singleShot(20, later)
            return
        fill(dialog)

    QTimer.singleShot(0, later)


def test_build_main_window_asks_site_and_agent_once(qtbot, db_path: Path) -> None:
    from sarah.ui.app import build_main_window

    def fill(dialog) -> None:  # type: ignore[no-untyped-def]
        dialog.new_site_edit.setText("Grésilles")
        dialog.agent_edit.setText("Nadia")
        dialog.ok_button.click()

    _answer_next_dialog(qtbot, fill)
    window, code = build_main_window(argparse.Namespace(db=str(db_path)))
    assert code == 0 and window is not None
    qtbot.addWidget(window)
    assert window.windowTitle() == f"SARAH {__version__} — Grésilles"
    assert window.ctx.agent == "Nadia"
    window.close()
    # Second start: straight to the window, no question.
    again, code = build_main_window(argparse.Namespace(db=str(db_path)))
    assert code == 0 and again is not None
    qtbot.addWidget(again)
    assert again.ctx.site.name == "Grésilles"
    again.close()


def test_cancelled_first_start_opens_nothing(qtbot, db_path: Path) -> None:
    from sarah.ui.app import build_main_window

    _answer_next_dialog(qtbot, lambda dialog: dialog.reject())
    window, code = build_main_window(argparse.Namespace(db=str(db_path)))
    assert window is None and code == 0


def test_a_database_that_cannot_be_opened_is_a_plain_message_and_exit_code_2(
    qtbot, tmp_path: Path
) -> None:
    from sarah.ui.app import build_main_window

    synced = tmp_path / "Dropbox" / "sarah.sqlite"  # a cloud-synced folder: refused
    save_settings(Settings(home_site="Grésilles", agent_name="Nadia"))
    shown: list[str] = []

    def fill(box) -> None:  # type: ignore[no-untyped-def]
        shown.append(box.text() if isinstance(box, QMessageBox) else repr(box))
        box.accept()

    _answer_next_dialog(qtbot, fill)
    window, code = build_main_window(argparse.Namespace(db=str(synced)))
    assert window is None and code == 2
    assert shown and "synchronisé" in shown[0]
    assert "Traceback" not in shown[0]
    assert not synced.exists()


# --- errors sorted --------------------------------------------------------------------------------


@pytest.mark.allow_log("unexpected error")
def test_a_bug_opens_the_crash_dialog_and_writes_a_log(qtbot) -> None:
    from sarah.ui.dialogs.crash import CrashDialog, report_exception

    try:
        raise RuntimeError("boom")
    except RuntimeError as exc:
        dialog = report_exception(exc)
    qtbot.addWidget(dialog)
    assert isinstance(dialog, CrashDialog) and dialog.isVisible()
    logs = list(paths.log_dir().glob("erreur-*.log"))
    assert len(logs) == 1
    text = logs[0].read_text(encoding="utf-8")
    assert "RuntimeError: boom" in text and "Traceback" in text
    assert str(logs[0]) in dialog.findChild(QLabel).text()
    dialog.copy_details()
    assert "RuntimeError" in QApplication.clipboard().text()
    dialog.accept()


def test_a_user_error_is_a_plain_message_without_log(qtbot) -> None:
    from sarah.ui.dialogs.crash import report_exception

    box = report_exception(DatabaseLocked("La base de données est occupée."))
    qtbot.addWidget(box)
    assert isinstance(box, QMessageBox)
    assert box.text() == "La base de données est occupée."
    assert list(paths.log_dir().glob("erreur-*.log")) == []
    box.accept()


@pytest.mark.allow_log("unexpected error")
def test_a_failed_task_says_why_or_opens_the_crash_dialog(qtbot) -> None:
    from sarah.ui.dialogs.crash import CrashDialog, failure_text

    screen = QWidget()
    qtbot.addWidget(screen)
    locked = DatabaseLocked("La base de données est occupée.")
    text = failure_text("Non enregistré", locked, screen)
    assert text == "Non enregistré : La base de données est occupée."
    assert list(paths.log_dir().glob("erreur-*.log")) == []
    assert screen.findChildren(CrashDialog) == []

    try:
        raise RuntimeError("boom")
    except RuntimeError as exc:
        text = failure_text("Non enregistré", exc, screen)
    assert text == "Non enregistré : erreur inattendue (détails dans la fenêtre d'erreur)."
    dialogs = screen.findChildren(CrashDialog)
    assert len(dialogs) == 1 and dialogs[0].isVisible()
    assert len(list(paths.log_dir().glob("erreur-*.log"))) == 1
    dialogs[0].accept()


def test_a_bug_while_saving_keeps_the_form_and_reports_it(qtbot, keys, window, monkeypatch) -> None:
    import sarah.ui.desk.form as form_module
    import sarah.ui.dialogs.crash as crash_module

    reported: list[BaseException] = []
    monkeypatch.setattr(crash_module, "report_exception", lambda exc, parent: reported.append(exc))

    def broken(engine, draft):  # type: ignore[no-untyped-def]
        raise RuntimeError("bug")

    monkeypatch.setattr(form_module, "log_contact", broken)
    form = window.desk.form
    form.services_view.setFocus()
    keys.press(Qt.Key.Key_A)
    with qtbot.waitSignal(form.save_failed, timeout=5000):
        keys.press(Qt.Key.Key_F9)  # Ctrl+Entrée wants a person: an anonymous call instead
    assert [str(e) for e in reported] == ["bug"]
    assert "erreur inattendue" in form.status_label.text()
    assert len(form.services_model.checked_ids()) == 1


def test_read_only_database_refuses_to_save_with_a_reason(qtbot, keys, make_window, ctx) -> None:
    ctx.read_only = True
    window = make_window()
    assert window.windowTitle().endswith("(lecture seule)")
    form = window.desk.form
    form.services_view.setFocus()
    keys.press(Qt.Key.Key_A)
    keys.press(Qt.Key.Key_Return, CTRL)
    assert "lecture seule" in form.status_label.text()
    assert not form.saving


def test_today_count_follows_saves(qtbot, keys, window, make_contact) -> None:
    make_contact(date.today())
    window.desk.refresh_count()
    assert "1 contact (1 physique" in window.desk.count_label.text()


def test_workstation_can_be_changed_later(qtbot, window, engine) -> None:
    ensure_site(engine, "Fontaine d'Ouche")
    dialog = window.edit_workstation()
    qtbot.waitExposed(dialog)
    assert dialog.agent_edit.text() == "Nadia B."
    dialog.new_site_edit.setText("Fontaine d'Ouche")
    dialog.agent_edit.setText("Karim")
    with qtbot.waitSignal(dialog.accepted):
        dialog.ok_button.click()
    assert window.windowTitle() == f"SARAH {__version__} — Fontaine d'Ouche"
    assert window.ctx.site.name == "Fontaine d'Ouche" and window.ctx.agent == "Karim"
    assert "Fontaine d'Ouche" in window.journal.title_label.text()
    assert load_settings().home_site == "Fontaine d'Ouche"
