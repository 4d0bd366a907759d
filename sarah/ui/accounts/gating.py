"""What the signed-in role is offered in the main window: its screens' tabs, menu entries and
shortcuts only; a screen reached another way (a slot called, a tab set by code) is refused with
a French message naming who may. The rules are sarah.services.accounts.roles'."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget

from sarah.services.accounts.roles import may, refusal

if TYPE_CHECKING:
    from sarah.ui.main_window import MainWindow

# The permission each screen needs; a screen not listed here (a test's, a new part's) is
# offered to every role.
SCREEN_PERMISSIONS: dict[str, str] = {
    "accueil": "desk",
    "journal": "desk",
    "saisie": "desk",
    "visiteurs": "visitors",
    "statistiques": "statistics",
    "catalogue": "catalogue",
    "reseau": "sync",
    "sauvegardes": "backup",
    "comptes": "accounts",
    "audit": "audit",
}
DESK_SCREENS = ("accueil", "journal", "saisie")
REFUSAL_TITLE = "Action non permise"


class RoleGate:
    def __init__(self, window: MainWindow) -> None:
        self.window = window
        self.box: QMessageBox | None = None  # the last refusal shown
        self._applying = False  # tabs changed by the gate itself: never refused
        self._shown: QWidget | None = None  # the last screen shown that the role may see
        window.tabs.currentChanged.connect(self._screen_changed)

    def may(self, permission: str) -> bool:
        """Whether the signed-in role may (everything while the database has no accounts)."""
        return may(self.window.ctx.role, permission)

    def may_see(self, key: str) -> bool:
        permission = SCREEN_PERMISSIONS.get(key)
        return permission is None or self.may(permission)

    def offered(self, key: str) -> bool:
        """A coordination post has no reception desk: its screens are the others' (statistics,
        network, visitors); a role sees only its own screens."""
        if self.window.ctx.settings.coordination and key in DESK_SCREENS:
            return False
        return self.may_see(key)

    def apply(self) -> None:
        """Tabs of the screens the role may not see hidden, their actions hidden and disabled
        so that their shortcut does nothing; Importer and Synchroniser likewise."""
        window = self.window
        before = window.current_screen_key()  # Qt moves off a hidden tab to its neighbour
        self._applying = True
        try:
            for key in window.screen_keys():
                offered = self.offered(key)
                window.tabs.setTabVisible(window.tabs.indexOf(window.screen_for(key)), offered)
                window.screen_action(key).setVisible(offered)
                window.screen_action(key).setEnabled(offered)
            # The home site is the installation's setting (whose contacts it counts): admins'.
            window.workstation_action.setVisible(self.may("settings"))
            window.workstation_action.setEnabled(self.may("settings"))
            may_import = self.may("import")
            window.import_action.setVisible(may_import)
            window.import_action.setEnabled(may_import and not window.ctx.read_only)
            sync = getattr(window, "_sync_parts", None)
            if sync is not None:
                sync.action.setVisible(self.may("sync"))
                sync.action.setEnabled(self.may("sync"))
            for key in window.screen_keys():
                follow = getattr(window.screen_for(key), "apply_role", None)
                if callable(follow):
                    follow()  # a screen's own buttons (Restaurer, Comptes' actions)
        finally:
            self._applying = False
        current = window.current_screen_key()
        if current is None or not self.offered(current) or before != current:
            self.show_first_offered()
        else:
            self._shown = window.tabs.currentWidget()

    def show_first_offered(self, preferred: tuple[str, ...] = ()) -> None:
        keys = [*preferred, *self.window.screen_keys()]
        key = next((k for k in keys if k in self.window.screen_keys() and self.offered(k)), None)
        if key is None:
            return
        widget = self.window.screen_for(key)
        self._applying = True
        try:
            self.window.tabs.setCurrentWidget(widget)
        finally:
            self._applying = False
        self._shown = widget

    def refuse(self, permission: str) -> QMessageBox:
        """The French message naming who may; a window-modal box that does not block."""
        if self.box is not None:
            self.box.close()
            self.box.deleteLater()
        box = QMessageBox(QMessageBox.Icon.Warning, REFUSAL_TITLE, refusal(permission))
        box.setParent(self.window, box.windowFlags())
        box.setWindowModality(Qt.WindowModality.WindowModal)
        box.open()
        self.box = box
        return box

    def refuse_screen(self, key: str) -> None:
        self.refuse(SCREEN_PERMISSIONS[key])

    def _screen_changed(self, index: int) -> None:
        """A screen reached another way than its (hidden) tab: refused, the last one stays."""
        window = self.window
        widget = window.tabs.widget(index)
        key = next((k for k in window.screen_keys() if window.screen_for(k) is widget), None)
        if self._applying or key is None or self.may_see(key):
            self._shown = widget
            return
        self._applying = True
        try:
            window.tabs.setCurrentWidget(self._shown if self._shown is not None else window.desk)
        finally:
            self._applying = False
        self.refuse_screen(key)
