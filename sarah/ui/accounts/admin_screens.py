"""The admins' screens in the main window: Comptes, and the Journal d'audit (helper D's view).
The window's gate (sarah.ui.accounts.gating) hides them from the other roles."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sarah.ui.accounts.host import RoleScreenHost
from sarah.ui.accounts.screen import AccountsScreen
from sarah.ui.context import AppContext

if TYPE_CHECKING:
    from sarah.ui.main_window import MainWindow

ACCOUNTS_SHORTCUT = "Ctrl+Shift+C"
AUDIT_SHORTCUT = "Ctrl+Shift+J"


def install_account_screens(window: MainWindow, ctx: AppContext) -> None:
    """The audit view decides what it shows once, so it is built again when the role changes."""
    from sarah.ui.audit.screen import AuditScreen

    window.add_screen("comptes", "Comptes", AccountsScreen(ctx, window), ACCOUNTS_SHORTCUT)
    audit = RoleScreenHost(ctx, "audit", lambda parent: AuditScreen(ctx, parent), window)
    window.add_screen("audit", "Journal d'audit", audit, AUDIT_SHORTCUT)
