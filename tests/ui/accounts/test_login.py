"""The quick login before the window: names in a list, the password, Entrée."""

from __future__ import annotations

import argparse
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication

from sarah.services.accounts.store import add_account
from sarah.services.audit.actor import current_actor
from sarah.services.sites import ensure_site
from sarah.settings import Settings, save_settings
from sarah.ui.accounts.login import LoginDialog
from sarah.ui.accounts.signing_in import signed_in_role

PASSWORD = "Accueil-Gresilles-2026"  # as in conftest.py
OTHER_PASSWORD = "Bureau-Coordination-9"


def test_arrow_keys_pick_the_name_and_a_wrong_password_says_so(
    qtbot, keys, engine, agent_account, admin_account
) -> None:
    dialog = LoginDialog(engine)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    dialog.picker.password.setFocus()
    qtbot.waitUntil(dialog.picker.password.hasFocus)
    assert dialog.picker.chosen_name() == "Karim"  # by name
    keys.press(Qt.Key.Key_Down)
    assert dialog.picker.chosen_name() == "Nadia B."
    keys.type("mauvais mot de passe")
    keys.press(Qt.Key.Key_Return)
    assert dialog.picker.message.text() == "Connexion refusée : Nom ou mot de passe incorrect."
    assert dialog.picker.password.text() == ""
    keys.type(PASSWORD)
    with qtbot.waitSignal(dialog.accepted):
        keys.press(Qt.Key.Key_Return)
    assert dialog.account is not None and dialog.account.name == "Nadia B."


def test_a_disabled_account_is_not_listed(qtbot, engine, agent_account, admin_account) -> None:
    from sarah.services.accounts.store import disable_account

    disable_account(engine, "Nadia B.")
    dialog = LoginDialog(engine)
    qtbot.addWidget(dialog)
    assert [dialog.picker.names.item(i).text() for i in range(dialog.picker.names.count())] == [
        "Karim"
    ]


def test_the_waits_after_failures_are_told(qtbot, engine, agent_account) -> None:
    dialog = LoginDialog(engine)
    qtbot.addWidget(dialog)
    for _ in range(4):
        dialog.picker.password.setText("pas le bon")
        dialog.picker.try_password()
    dialog.picker.password.setText(PASSWORD)
    dialog.picker.try_password()
    assert "Trop d'essais manqués : réessayez dans" in dialog.picker.message.text()
    assert dialog.account is None


def _answer_login(qtbot, name: str, password: str) -> None:  # type: ignore[no-untyped-def]
    def later() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, LoginDialog):
            QTimer.singleShot(20, later)
            return
        dialog.picker.choose(name)
        dialog.picker.password.setText(password)
        dialog.picker.try_password()

    QTimer.singleShot(0, later)


def test_the_window_opens_as_the_account_that_logged_in(qtbot, db_path: Path, engine) -> None:
    from sarah.ui.app import build_main_window

    ensure_site(engine, "Grésilles")
    add_account(engine, "Amina", "coordinateur", OTHER_PASSWORD)
    save_settings(Settings(home_site="Grésilles", agent_name="Ancien nom"))
    _answer_login(qtbot, "Amina", OTHER_PASSWORD)
    window, code = build_main_window(argparse.Namespace(db=str(db_path)))
    assert code == 0 and window is not None
    qtbot.addWidget(window)
    assert window.ctx.agent == "Amina"  # the name on each contact comes from the account
    assert signed_in_role() == window.ctx.role == "coordinateur"
    assert current_actor() == "Amina"  # the audit log names the account
    assert "agent : Amina" in window.statusBar().currentMessage()
    assert window.findChild(object, "lock_action") is not None
    window.close()


def test_without_accounts_the_window_opens_as_before(qtbot, db_path: Path, engine) -> None:
    from sarah.ui.app import build_main_window

    ensure_site(engine, "Grésilles")
    save_settings(Settings(home_site="Grésilles", agent_name="Nadia"))
    window, code = build_main_window(argparse.Namespace(db=str(db_path)))
    assert code == 0 and window is not None
    qtbot.addWidget(window)
    assert window.ctx.agent == "Nadia"
    assert signed_in_role() is None
    assert window.findChild(object, "lock_action") is None
    assert window.findChild(object, "admin_action") is not None
    window.close()
