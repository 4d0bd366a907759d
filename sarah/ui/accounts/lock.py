"""The idle lock: after ``settings.lock_minutes`` without a key or a mouse move, or at Ctrl+L,
a screen covers the whole window (screens, menus, status bar: no name shows) and asks for the
password of the account signed in, or another account's (« Changer d'utilisateur »).
Unlocking leaves every screen as it was: only the focus moves, and it goes back."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QLabel,
    QMainWindow,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from sarah.services.accounts.store import Account
from sarah.ui.accounts.picker import AccountPicker
from sarah.ui.accounts.signing_in import sign_in
from sarah.ui.context import AppContext

# Input that means someone is at the desk.
ACTIVITY = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
    }
)
# While locked, input meant for anything but the lock screen is dropped (Tab, shortcuts).
BLOCKED = frozenset({QEvent.Type.KeyPress, QEvent.Type.Shortcut, QEvent.Type.ShortcutOverride})


class LockScreen(QFrame):
    """Covers the window; ``unlocked`` carries the account that typed its password."""

    unlocked = Signal(object)

    def __init__(self, ctx: AppContext, window: QMainWindow) -> None:
        super().__init__(window)
        self.setObjectName("lock_screen")
        self.setAutoFillBackground(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.picker = AccountPicker(ctx.engine, self)
        self.picker.signed_in.connect(self.unlocked.emit)
        self.switch_button = QPushButton("Changer d'&utilisateur", self)
        self.switch_button.clicked.connect(self.show_every_account)
        self.heading = QLabel(self)
        self.heading.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.heading.setText(
            "<h1>Poste verrouillé</h1><p>Tapez votre mot de passe puis Entrée.</p>"
        )
        box = QWidget(self)
        box.setMaximumWidth(420)
        inner = QVBoxLayout(box)
        inner.addWidget(self.heading)
        inner.addWidget(self.picker)
        inner.addWidget(self.switch_button)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(box, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(2)
        self.hide()

    def ask(self, account: Account) -> None:
        """Ask the password of ``account`` only: its name is not shown (a visitor may look)."""
        self.picker.reload()
        self.picker.choose(account.name)
        self.picker.show_names(False)
        self.picker.message.clear()
        self.switch_button.show()
        self.picker.password.setFocus()

    def show_every_account(self) -> None:
        self.picker.show_names(True)
        self.switch_button.hide()
        self.picker.password.setFocus()

    def owns(self, obj: QObject) -> bool:
        return obj is self or (isinstance(obj, QWidget) and self.isAncestorOf(obj))


class IdleLock(QObject):
    """Watches the application's input; locks ``window`` after ``minutes`` of none, or when
    :meth:`lock` is called (Ctrl+L). ``locked`` and ``unlocked`` tell tests and screens."""

    locked = Signal()
    unlocked = Signal()
    account_changed = Signal(object)  # « Changer d'utilisateur »: the new account

    def __init__(self, ctx: AppContext, window: QMainWindow, account: Account) -> None:
        super().__init__(window)
        self.ctx, self.window, self.account = ctx, window, account
        self.screen = LockScreen(ctx, window)
        self.screen.unlocked.connect(self._unlock)
        self._focus_before: QWidget | None = None
        self._hidden: list[QWidget] = []
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self.lock)
        self.restart_timer()
        window.installEventFilter(self)  # follow the window's size
        app = QApplication.instance()
        assert app is not None
        app.installEventFilter(self)
        window.destroyed.connect(lambda: app.removeEventFilter(self))

    @property
    def is_locked(self) -> bool:
        return self.screen.isVisible()

    def restart_timer(self) -> None:
        minutes = self.ctx.settings.lock_minutes
        if minutes <= 0:  # 0 (set by hand) turns the idle lock off; Ctrl+L still locks
            self.timer.stop()
            return
        self.timer.start(max(1, int(minutes * 60_000)))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.window and isinstance(event, QResizeEvent):
            self.screen.setGeometry(self.window.rect())
        if not self.is_locked:
            if event.type() in ACTIVITY:
                self.restart_timer()
            return False
        return event.type() in BLOCKED and not self.screen.owns(watched)

    def lock(self) -> None:
        if self.is_locked:
            return
        self.timer.stop()
        self._focus_before = QApplication.focusWidget()
        self._hide_other_windows()
        for part in self._window_parts():
            part.hide()
        self.screen.setGeometry(self.window.rect())
        self.screen.show()
        self.screen.raise_()
        self.screen.ask(self.account)
        self.locked.emit()

    def _window_parts(self) -> list[QWidget]:
        """Hidden, not only covered, while locked: nothing under the lock can be read."""
        central = self.window.centralWidget()
        parts = [self.window.menuBar(), self.window.statusBar()]
        return [*parts, central] if central is not None else parts

    def _hide_other_windows(self) -> None:
        """Dialogs of the window (a visitor's page, a report) would show names over the lock."""
        self._hidden = [
            w
            for w in QApplication.topLevelWidgets()
            if w is not self.window and w.isVisible() and w.parent() is not None
        ]
        for widget in self._hidden:
            widget.hide()

    def _unlock(self, account: Account) -> None:
        if account.name != self.account.name:
            sign_in(self.ctx, account)
            self.account = account
            self.account_changed.emit(account)
        self.screen.hide()
        for part in self._window_parts():
            part.show()
        for widget in self._hidden:
            widget.show()
        self._hidden = []
        if self._focus_before is not None:
            self._focus_before.setFocus()
        self.restart_timer()
        self.unlocked.emit()
