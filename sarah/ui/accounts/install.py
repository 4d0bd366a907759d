"""Plugging accounts into the main window: the idle lock and Ctrl+L once an account is signed
in; while the database has none, Fichier > Créer le compte administrateur…"""

from __future__ import annotations

from PySide6.QtGui import QAction, QKeySequence

from sarah.services.accounts.store import Account
from sarah.ui.accounts.admin import CreateAdminDialog
from sarah.ui.accounts.lock import IdleLock
from sarah.ui.accounts.signing_in import sign_in
from sarah.ui.main_window import MainWindow

LOCK_KEY = "Ctrl+L"


def install_accounts(window: MainWindow, account: Account | None) -> None:
    """``account``: the one that logged in, None when the database has no account yet."""
    if account is None:
        offer_admin_creation(window)
    else:
        start_idle_lock(window, account)


def start_idle_lock(window: MainWindow, account: Account) -> IdleLock:
    idle = IdleLock(window.ctx, window, account)
    idle.account_changed.connect(lambda _a: _account_changed(window))
    action = QAction("&Verrouiller le poste", window)
    action.setObjectName("lock_action")
    action.setShortcut(QKeySequence(LOCK_KEY))
    action.setToolTip(f"Cacher l'écran jusqu'au mot de passe ({LOCK_KEY})")
    action.triggered.connect(idle.lock)
    window.addAction(action)
    window.file_menu.insertAction(window.quit_action, action)
    return idle


def offer_admin_creation(window: MainWindow) -> None:
    action = QAction("Créer le compte &administrateur…", window)
    action.setObjectName("admin_action")
    action.setToolTip("Créer le premier compte : la fenêtre demandera ensuite un mot de passe")

    def open_dialog() -> None:
        dialog = CreateAdminDialog(window.ctx.engine, window)
        dialog.created.connect(lambda account: created(account, action))
        dialog.open()

    def created(account: Account, menu_entry: QAction) -> None:
        # The new admin is signed in at once: from now on the window locks when left alone.
        menu_entry.setVisible(False)
        menu_entry.setEnabled(False)
        sign_in(window.ctx, account)
        _account_changed(window)
        start_idle_lock(window, account)

    action.triggered.connect(open_dialog)
    window.file_menu.insertAction(window.quit_action, action)


def _account_changed(window: MainWindow) -> None:
    """Another account acts now: its name on the status line, its role's screens only."""
    window.show_workstation_line()
    window.apply_role()
