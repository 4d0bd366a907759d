"""Roles in the window: each role is offered its screens, menu entries and shortcuts only;
a screen reached another way is refused with a French message naming who may; after
« Changer d'utilisateur » the window follows the new role at once."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher
from PySide6.QtCore import Qt
from sqlalchemy import Engine

from sarah.services.accounts import passwords
from sarah.services.accounts.store import Account, add_account
from sarah.ui.accounts.install import install_accounts
from sarah.ui.accounts.lock import IdleLock
from sarah.ui.accounts.signing_in import sign_in

PASSWORD = "Accueil-Gresilles-2026"  # as in conftest.py
OTHER_PASSWORD = "Bureau-Coordination-9"
COORDINATOR_PASSWORD = "Statistiques-Dijon-7"
CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier

DESK = ["Accueil", "Journal du jour", "Saisie différée", "Visiteurs"]
COORDINATOR = [*DESK, "Catalogue", "Sauvegardes", "Statistiques", "Réseau"]
ADMIN = [*COORDINATOR, "Comptes", "Journal d'audit"]
TABS = {"agent": DESK, "coordinateur": COORDINATOR, "admin": ADMIN}
FOR_COORDINATORS = "Action réservée aux coordinateurs et aux administrateurs"
FOR_ADMINS = "Action réservée aux administrateurs"


@pytest.fixture(autouse=True)
def cheap_hasher(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(passwords, "HASHER", PasswordHasher(time_cost=1, memory_cost=1024))
    monkeypatch.setattr(passwords, "_decoy", [])


@pytest.fixture
def coordinator_account(engine: Engine) -> Account:
    return add_account(engine, "Chloé", "coordinateur", COORDINATOR_PASSWORD)


def shown_tabs(window) -> list[str]:  # type: ignore[no-untyped-def]
    tabs = window.tabs
    return [tabs.tabText(i) for i in range(tabs.count()) if tabs.isTabVisible(i)]


def offered_actions(window) -> list[str]:  # type: ignore[no-untyped-def]
    return [a.text() for a in window.screens_menu.actions() if a.isVisible() and a.isEnabled()]


def signed_window(make_window, ctx, account):  # type: ignore[no-untyped-def]
    sign_in(ctx, account)
    window = make_window()
    install_accounts(window, account)
    return window


def refusal_text(window) -> str:  # type: ignore[no-untyped-def]
    box = window.refusal_box
    assert box is not None and box.isVisible()
    return str(box.text())


@pytest.mark.parametrize("role", ["agent", "coordinateur", "admin"])
def test_each_role_is_offered_its_screens_and_menu_entries_only(
    qtbot, make_window, ctx, engine, role, agent_account, coordinator_account, admin_account
) -> None:
    account = {"agent": agent_account, "coordinateur": coordinator_account, "admin": admin_account}
    window = signed_window(make_window, ctx, account[role])
    assert shown_tabs(window) == TABS[role]
    assert offered_actions(window) == TABS[role]
    coordinator = role != "agent"
    assert window.import_action.isVisible() == coordinator == window.import_action.isEnabled()
    sync = window._sync_parts.action
    assert sync.isVisible() == coordinator == sync.isEnabled()
    assert window.current_screen_key() == "accueil"
    assert window.refusal_box is None  # nothing refused while nothing was asked


def test_without_accounts_everything_is_offered(qtbot, window) -> None:
    assert window.ctx.role is None
    assert shown_tabs(window) == ADMIN
    assert window.import_action.isEnabled() and window._sync_parts.action.isEnabled()


def test_an_agent_s_shortcuts_to_other_screens_do_nothing(
    qtbot, keys, make_window, ctx, agent_account
) -> None:
    window = signed_window(make_window, ctx, agent_account)
    window.desk.form.search_edit.setFocus()
    qtbot.waitUntil(window.desk.form.search_edit.hasFocus)
    for key, modifiers in (
        (Qt.Key.Key_5, CTRL),  # Catalogue
        (Qt.Key.Key_6, CTRL),  # Statistiques
        (Qt.Key.Key_8, CTRL),  # Réseau
        (Qt.Key.Key_9, CTRL),  # Sauvegardes
        (Qt.Key.Key_C, CTRL | SHIFT),  # Comptes
        (Qt.Key.Key_J, CTRL | SHIFT),  # Journal d'audit
        (Qt.Key.Key_I, CTRL),  # Importer un tableur
        (Qt.Key.Key_S, CTRL | SHIFT),  # Synchroniser
    ):
        keys.press(key, modifiers)
        assert window.current_screen_key() == "accueil"
    assert window.import_dialog is None and window._sync_parts.dialog is None
    keys.press(Qt.Key.Key_4, CTRL)  # Visiteurs: an agent's screen
    assert window.current_screen_key() == "visiteurs"


@pytest.mark.parametrize(
    ("key", "message"),
    [
        ("statistiques", FOR_COORDINATORS),
        ("catalogue", FOR_COORDINATORS),
        ("reseau", FOR_COORDINATORS),
        ("sauvegardes", FOR_COORDINATORS),
        ("comptes", FOR_ADMINS),
        ("audit", FOR_ADMINS),
    ],
)
def test_a_screen_reached_another_way_is_refused_saying_who_may(
    qtbot, make_window, ctx, agent_account, key, message
) -> None:
    window = signed_window(make_window, ctx, agent_account)
    window.show_screen("journal")
    window.show_screen(key)  # a slot called: a status-bar click, a link
    assert window.current_screen_key() == "journal"
    assert refusal_text(window).startswith(message)
    window.refusal_box.close()
    window.tabs.setCurrentWidget(window.screen_for(key))  # past the hidden tab
    assert window.current_screen_key() == "journal"
    assert refusal_text(window).startswith(message)


def test_import_called_for_an_agent_is_refused(qtbot, make_window, ctx, agent_account) -> None:
    window = signed_window(make_window, ctx, agent_account)
    assert window.import_spreadsheet() is None
    assert refusal_text(window).startswith(FOR_COORDINATORS)
    assert window.import_dialog is None


def test_a_coordinator_is_refused_the_admin_screens_and_the_restore(
    qtbot, make_window, ctx, coordinator_account
) -> None:
    window = signed_window(make_window, ctx, coordinator_account)
    backups = window.screen_for("sauvegardes")
    window.show_screen("sauvegardes")
    assert window.current_screen_key() == "sauvegardes"
    assert backups.backup_button.isVisible()
    assert not backups.restore_button.isVisible() and not backups.restore_button.isEnabled()
    assert not backups.restore_file_button.isVisible()
    told: list[tuple[str, str]] = []
    backups.inform = lambda title, text: told.append((title, text))
    backups.confirm = lambda _t, _x: pytest.fail("no question before a refused restore")
    backups.restore_from_file()  # a slot called: refused before any file is chosen
    assert told and told[0][1].startswith(FOR_ADMINS)
    window.show_screen("comptes")
    assert window.current_screen_key() == "sauvegardes"
    assert refusal_text(window).startswith(FOR_ADMINS)


def test_an_admin_may_restore(qtbot, make_window, ctx, admin_account) -> None:
    window = signed_window(make_window, ctx, admin_account)
    backups = window.screen_for("sauvegardes")
    window.show_screen("sauvegardes")
    assert backups.restore_button.isVisible() and backups.restore_file_button.isEnabled()


def test_after_changing_user_the_window_follows_the_new_role(
    qtbot, keys, make_window, ctx, agent_account, admin_account
) -> None:
    window = signed_window(make_window, ctx, agent_account)
    idle = window.findChild(IdleLock)
    assert shown_tabs(window) == DESK
    idle.lock()
    idle.screen.switch_button.click()
    idle.screen.picker.choose("Karim")
    idle.screen.picker.password.setText(OTHER_PASSWORD)
    with qtbot.waitSignal(idle.unlocked):
        idle.screen.picker.try_password()
    assert shown_tabs(window) == ADMIN and window.import_action.isEnabled()
    keys.press(Qt.Key.Key_C, CTRL | SHIFT)
    assert window.current_screen_key() == "comptes"
    audit = window.screen_for("audit")
    assert not audit.inner.refused  # the audit view was built again for the admin
    # Back to the agent while on an admin's screen: the desk shows, nothing of Comptes.
    idle.lock()
    idle.screen.switch_button.click()
    idle.screen.picker.choose("Nadia B.")
    idle.screen.picker.password.setText(PASSWORD)
    with qtbot.waitSignal(idle.unlocked):
        idle.screen.picker.try_password()
    assert shown_tabs(window) == DESK
    assert window.current_screen_key() == "accueil"
    assert not window.import_action.isEnabled()
    keys.press(Qt.Key.Key_C, CTRL | SHIFT)
    assert window.current_screen_key() == "accueil"


def test_a_coordination_post_still_hides_the_desk_for_every_role(
    qtbot, make_window, ctx, coordinator_account
) -> None:
    ctx.settings.coordination = True
    window = signed_window(make_window, ctx, coordinator_account)
    assert shown_tabs(window) == ["Visiteurs", "Catalogue", "Sauvegardes", "Statistiques", "Réseau"]
    assert window.current_screen_key() == "statistiques"


def test_a_coordination_post_opens_an_agent_on_the_visitors(
    qtbot, make_window, ctx, agent_account
) -> None:
    ctx.settings.coordination = True
    window = signed_window(make_window, ctx, agent_account)
    assert shown_tabs(window) == ["Visiteurs"]
    assert window.current_screen_key() == "visiteurs"


def test_the_shortcuts_help_lists_the_role_s_screens_only(
    qtbot, make_window, ctx, agent_account
) -> None:
    window = signed_window(make_window, ctx, agent_account)
    html = window.shortcuts_html()
    assert "Visiteurs" in html and "Journal du jour" in html
    assert "Statistiques" not in html and "Comptes" not in html and "Réseau" not in html
    assert "Ctrl+I" not in html  # an agent does not import
    assert not window.workstation_action.isVisible()  # nor changes the installation's site
