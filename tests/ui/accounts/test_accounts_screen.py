"""The Comptes screen (admin): the accounts listed, adding one by the keyboard with the rule
checked as the password is typed, disabling one (never the last admin), a new password, and the
« Confidentialité » settings, each change audited once and followed by the idle lock at once."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit
from sqlalchemy import Engine

from sarah.services.accounts import passwords
from sarah.services.accounts.store import authenticate, list_accounts
from sarah.services.audit.listing import list_entries
from sarah.settings import load_settings
from sarah.ui.accounts.dialogs import AddAccountDialog, NewPasswordDialog
from sarah.ui.accounts.install import install_accounts
from sarah.ui.accounts.lock import IdleLock
from sarah.ui.accounts.screen import AccountsScreen
from sarah.ui.accounts.signing_in import sign_in

OTHER_PASSWORD = "Bureau-Coordination-9"  # Karim's, as in conftest.py
NEW_PASSWORD = "Le-guichet-ouvre-2027"
ALT = Qt.KeyboardModifier.AltModifier


@pytest.fixture(autouse=True)
def cheap_hasher(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(passwords, "HASHER", PasswordHasher(time_cost=1, memory_cost=1024))
    monkeypatch.setattr(passwords, "_decoy", [])


@pytest.fixture
def comptes(qtbot, make_window, ctx, admin_account, agent_account):  # type: ignore[no-untyped-def]
    sign_in(ctx, admin_account)
    window = make_window()
    install_accounts(window, admin_account)
    screen = window.show_screen("comptes")
    assert isinstance(screen, AccountsScreen)
    return window, screen


def rows(screen: AccountsScreen) -> list[list[str]]:
    table = screen.table
    return [
        [table.item(r, c).text() for c in range(table.columnCount())]
        for r in range(table.rowCount())
    ]


def every_text(widget) -> str:  # type: ignore[no-untyped-def]
    labels = [w.text() for w in widget.findChildren(QLabel)]
    edits = [w.displayText() for w in widget.findChildren(QLineEdit)]
    return " ".join([*labels, *edits])


def test_the_accounts_are_listed_with_role_state_and_dates(comptes, engine: Engine) -> None:
    _window, screen = comptes
    listed = rows(screen)
    assert [r[:3] for r in listed] == [["Karim", "admin", "actif"], ["Nadia B.", "agent", "actif"]]
    assert listed[1][3] == "jamais"
    assert screen.add_button.isEnabled() and screen.disable_button.isEnabled()


def test_adding_an_account_by_the_keyboard_checks_the_rule_as_typed(
    qtbot, keys, comptes, engine: Engine
) -> None:
    window, screen = comptes
    screen.table.setFocus()
    qtbot.waitUntil(screen.table.hasFocus)
    keys.press(Qt.Key.Key_J, ALT)  # A&jouter… (Alt+A is the Aide menu)
    qtbot.waitUntil(lambda: screen.dialog is not None)  # a mnemonic animates the click first
    dialog = screen.dialog
    assert isinstance(dialog, AddAccountDialog)
    qtbot.waitUntil(dialog.name_edit.hasFocus)
    keys.type("Chloe")
    keys.press(Qt.Key.Key_Tab)  # the role
    keys.press(Qt.Key.Key_Down)
    assert dialog.role() == "coordinateur"
    keys.press(Qt.Key.Key_Tab)
    keys.type("court")
    assert dialog.verdict.text().startswith("Mot de passe trop faible (il a 5 caractère(s)")
    dialog.password_edit.clear()
    keys.type(NEW_PASSWORD)
    assert dialog.verdict.text() == "Mot de passe conforme à la règle."
    keys.press(Qt.Key.Key_Tab)
    keys.type(NEW_PASSWORD[:-1])
    assert dialog.verdict.text() == "Les deux mots de passe ne sont pas les mêmes."
    keys.type(NEW_PASSWORD[-1])
    assert NEW_PASSWORD not in every_text(dialog)  # typed, never shown
    with qtbot.waitSignal(screen.accounts_changed):
        keys.press(Qt.Key.Key_Return)
    assert not dialog.isVisible()
    assert ["Chloe", "coordinateur", "actif"] in [r[:3] for r in rows(screen)]
    assert screen.message.text() == "Compte « Chloe » créé, rôle coordinateur."
    assert authenticate(engine, "Chloe", NEW_PASSWORD).role == "coordinateur"
    added = [e for e in list_entries(engine) if e.action == "account" and e.target == "Chloe"]
    assert [e.details for e in added] == [{"change": "add", "role": "coordinateur"}]
    assert all(NEW_PASSWORD not in str(e) for e in list_entries(engine))


def test_a_refused_account_keeps_the_dialog_with_the_reason(qtbot, comptes, engine) -> None:
    _window, screen = comptes
    dialog = screen.add_account()
    assert dialog is not None
    dialog.name_edit.setText("nadia b.")
    dialog.password_edit.setText(NEW_PASSWORD)
    dialog.confirm_edit.setText(NEW_PASSWORD)
    dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()
    assert dialog.isVisible()
    assert dialog.message.text() == "Compte non créé : Un compte nommé « Nadia B. » existe déjà."
    assert len(list_accounts(engine)) == 2


def test_disabling_an_account_and_never_the_last_admin(qtbot, comptes, engine) -> None:
    _window, screen = comptes
    asked: list[str] = []
    screen.confirm = lambda _title, text: asked.append(text) or True
    screen.table.selectRow(1)
    screen.disable_button.click()
    assert "« Nadia B. »" in asked[0]
    assert rows(screen)[1][2].startswith("désactivé le ")
    assert not screen.disable_button.isEnabled()  # already disabled
    screen.table.selectRow(0)
    screen.disable_button.click()
    assert screen.message.text().startswith(
        "Compte non désactivé : « Karim » est le dernier administrateur actif"
    )
    assert [a.active for a in list_accounts(engine)] == [True, False]


def test_no_is_the_default_answer_and_disables_nothing(qtbot, comptes, engine) -> None:
    _window, screen = comptes
    screen.confirm = lambda _title, _text: False
    screen.table.selectRow(1)
    screen.disable_button.click()
    assert all(a.active for a in list_accounts(engine))


def test_a_new_password_for_a_forgotten_one(qtbot, comptes, engine) -> None:
    _window, screen = comptes
    screen.table.selectRow(1)
    dialog = screen.new_password()
    assert isinstance(dialog, NewPasswordDialog) and dialog.name == "Nadia B."
    dialog.password_edit.setText(NEW_PASSWORD)
    dialog.confirm_edit.setText(NEW_PASSWORD)
    with qtbot.waitSignal(screen.accounts_changed):
        dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()
    assert screen.message.text() == "Nouveau mot de passe de « Nadia B. » enregistré."
    assert authenticate(engine, "Nadia B.", NEW_PASSWORD).name == "Nadia B."
    changes = [e.details for e in list_entries(engine) if e.target == "Nadia B."]
    assert {"change": "password"} in changes


def test_privacy_settings_saved_audited_and_the_lock_follows(qtbot, comptes, ctx, engine) -> None:
    window, screen = comptes
    boxes = screen.setting_boxes
    assert [boxes[n].value() for n in ("retention_months", "audit_months", "lock_minutes")] == [
        24,
        12,
        10,
    ]
    assert (boxes["audit_months"].minimum(), boxes["audit_months"].maximum()) == (6, 12)
    assert (boxes["retention_months"].minimum(), boxes["retention_months"].maximum()) == (6, 120)
    assert boxes["lock_minutes"].minimum() == 0
    boxes["retention_months"].setValue(36)
    boxes["lock_minutes"].setValue(3)
    with qtbot.waitSignal(screen.settings_saved) as saved:
        screen.save_button.click()
    assert saved.args == [["retention_months", "lock_minutes"]]
    stored = load_settings()
    assert (stored.retention_months, stored.audit_months, stored.lock_minutes) == (36, 12, 3)
    entries = [(e.target, e.details) for e in list_entries(engine) if e.action == "settings"]
    assert entries == [
        ("retention_months", {"old": 24, "new": 36}),
        ("lock_minutes", {"old": 10, "new": 3}),
    ]
    idle = window.findChild(IdleLock)
    assert idle.timer.isActive() and idle.timer.interval() == 3 * 60_000
    screen.save_button.click()  # nothing changed: no entry
    assert screen.settings_message.text() == "Aucun changement."
    assert len([e for e in list_entries(engine) if e.action == "settings"]) == 2
    boxes["lock_minutes"].setValue(0)
    screen.save_button.click()
    assert not idle.timer.isActive()  # 0: only Ctrl+L locks
    assert boxes["lock_minutes"].text() == "jamais (Ctrl+L seulement)"


def test_without_accounts_the_screen_points_to_the_admin_creation(qtbot, window) -> None:
    screen = window.show_screen("comptes")
    assert isinstance(screen, AccountsScreen)
    assert screen.table.rowCount() == 0
    assert not screen.add_button.isEnabled()
    assert "créez d'abord le compte administrateur" in screen.message.text()
    assert screen.save_button.isEnabled()  # no accounts: everything allowed, as before


def test_the_first_admin_created_from_the_menu_appears_and_signs_in(
    qtbot, make_window, ctx, engine
) -> None:
    from sarah.ui.accounts.admin import CreateAdminDialog

    window = make_window()
    install_accounts(window, None)
    window.findChild(object, "admin_action").trigger()
    dialog = window.findChild(CreateAdminDialog)
    dialog.name_edit.setText("Karim")
    dialog.password_edit.setText(OTHER_PASSWORD)
    dialog.confirm_edit.setText(OTHER_PASSWORD)
    with qtbot.waitSignal(dialog.created):
        dialog.create_account()
    screen = window.screen_for("comptes")
    assert [r[:2] for r in rows(screen)] == [["Karim", "admin"]]
    assert screen.add_button.isEnabled()
    QApplication.processEvents()
