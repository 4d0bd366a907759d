"""The idle lock: a short lock time in the settings, Ctrl+L, unlock where the agent was."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel

from sarah.ui.accounts.install import install_accounts, offer_admin_creation
from sarah.ui.accounts.lock import IdleLock
from sarah.ui.accounts.signing_in import sign_in, signed_in_account

PASSWORD = "Accueil-Gresilles-2026"  # as in conftest.py
OTHER_PASSWORD = "Bureau-Coordination-9"
CTRL = Qt.KeyboardModifier.ControlModifier


def _locked_window(make_window, ctx, account):  # type: ignore[no-untyped-def]
    sign_in(ctx, account)
    window = make_window()
    install_accounts(window, account)
    idle = window.findChild(IdleLock)
    assert idle is not None
    return window, idle


def _visible_texts(window) -> str:  # type: ignore[no-untyped-def]
    """Every text a person could read in the window."""
    labels = [w.text() for w in window.findChildren(QLabel) if w.isVisible()]
    shown = window.statusBar().currentMessage() if window.statusBar().isVisible() else ""
    return " ".join([*labels, shown])


def test_idle_time_locks_and_the_password_returns_where_the_agent_was(
    qtbot, keys, make_window, ctx, agent_account
) -> None:
    ctx.settings.lock_minutes = 0.005  # type: ignore[assignment]  # 0.3 s for the test
    window, idle = _locked_window(make_window, ctx, agent_account)
    window.desk.form.search_edit.setFocus()
    qtbot.waitUntil(window.desk.form.search_edit.hasFocus)
    keys.type("Dupo")
    with qtbot.waitSignal(idle.locked, timeout=5000):
        pass
    assert idle.is_locked and not window.statusBar().isVisible()
    assert "Nadia" not in _visible_texts(window)  # no name anywhere, the agent's neither
    assert idle.screen.picker.password.hasFocus()
    keys.type("Dupont")  # typed on the lock screen: never reaches the desk
    keys.press(Qt.Key.Key_Return)
    assert idle.is_locked
    assert "incorrect" in idle.screen.picker.message.text()
    keys.type(PASSWORD)
    with qtbot.waitSignal(idle.unlocked):
        keys.press(Qt.Key.Key_Return)
    assert window.desk.form.search_edit.text() == "Dupo"  # typed text kept
    qtbot.waitUntil(window.desk.form.search_edit.hasFocus)
    assert window.statusBar().isVisible()


def test_ctrl_l_locks_at_once_and_shortcuts_wait(
    qtbot, keys, make_window, ctx, agent_account
) -> None:
    window, idle = _locked_window(make_window, ctx, agent_account)
    window.desk.form.search_edit.setFocus()
    qtbot.waitUntil(window.desk.form.search_edit.hasFocus)
    with qtbot.waitSignal(idle.locked):
        keys.press(Qt.Key.Key_L, CTRL)
    keys.press(Qt.Key.Key_2, CTRL)  # no screen changes behind the lock
    assert window.current_screen_key() == "accueil"
    for _ in range(6):  # Tab never reaches the screens under the lock
        keys.press(Qt.Key.Key_Tab)
        assert idle.screen.owns(QApplication.focusWidget())


def test_another_user_unlocks_and_becomes_the_agent(
    qtbot, keys, make_window, ctx, agent_account, admin_account
) -> None:
    window, idle = _locked_window(make_window, ctx, agent_account)
    idle.lock()
    assert not idle.screen.picker.names.isVisible()
    idle.screen.switch_button.click()
    assert idle.screen.picker.names.isVisible()
    idle.screen.picker.choose("Karim")
    idle.screen.picker.password.setText(OTHER_PASSWORD)
    with qtbot.waitSignal(idle.unlocked):
        idle.screen.picker.try_password()
    assert window.ctx.agent == "Karim"
    assert signed_in_account() == idle.account and idle.account.role == "admin"
    assert "agent : Karim" in window.statusBar().currentMessage()


def test_the_first_admin_is_created_from_the_file_menu(qtbot, make_window, ctx, engine) -> None:
    from sarah.services.accounts.store import list_accounts
    from sarah.ui.accounts.admin import CreateAdminDialog

    window = make_window()
    offer_admin_creation(window)
    action = window.findChild(object, "admin_action")
    assert action in window.file_menu.actions()
    assert action.text() == "Créer le compte &administrateur…"
    action.trigger()
    dialog = window.findChild(CreateAdminDialog)
    dialog.name_edit.setText("Karim")
    dialog.password_edit.setText("court")
    dialog.confirm_edit.setText("court")
    dialog.create_account()
    assert dialog.message.text().startswith("Compte non créé : Mot de passe trop faible")
    dialog.password_edit.setText(OTHER_PASSWORD)
    dialog.create_account()
    assert dialog.message.text() == "Les deux mots de passe ne sont pas les mêmes."
    dialog.confirm_edit.setText(OTHER_PASSWORD)
    with qtbot.waitSignal(dialog.created):
        dialog.create_account()
    assert [(a.name, a.role) for a in list_accounts(engine)] == [("Karim", "admin")]
    assert window.ctx.agent == "Karim" and not action.isVisible()
    assert window.findChild(IdleLock) is not None


def test_open_dialogs_hide_behind_the_lock_and_come_back(
    qtbot, make_window, ctx, agent_account
) -> None:
    window, idle = _locked_window(make_window, ctx, agent_account)
    shortcuts = window.show_shortcuts()  # a window-modal dialog, as the screens open them
    qtbot.waitExposed(shortcuts)
    with qtbot.waitSignal(idle.locked):
        idle.lock()
    assert not shortcuts.isVisible()
    assert idle.is_locked
    idle.screen.picker.password.setText(PASSWORD)
    with qtbot.waitSignal(idle.unlocked):
        idle.screen.picker.try_password()
    assert shortcuts.isVisible()


def test_no_idle_lock_when_the_setting_is_zero(make_window, ctx, agent_account) -> None:
    ctx.settings.lock_minutes = 0
    _window, idle = _locked_window(make_window, ctx, agent_account)
    assert not idle.timer.isActive()
    idle.lock()  # Ctrl+L still locks
    assert idle.is_locked
