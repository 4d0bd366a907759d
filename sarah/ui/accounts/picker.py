"""Pick an account and type its password: the list of active names (arrow keys), the password
field, Entrée. Shared by the login before the window and the lock screen's user change."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QLabel, QLineEdit, QListWidget, QVBoxLayout, QWidget
from sqlalchemy import Engine

from sarah.services.accounts.store import Account, authenticate, list_accounts
from sarah.ui.dialogs.crash import failure_text


class AccountPicker(QWidget):
    """``signed_in`` carries the :class:`Account` once its password matched."""

    signed_in = Signal(object)

    def __init__(self, engine: Engine, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.engine = engine
        self.names = QListWidget(self)
        self.names.setObjectName("account_names")
        self.names.setAccessibleName("Comptes")
        self.password = QLineEdit(self)
        self.password.setObjectName("password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText("Mot de passe, puis Entrée")
        self.password.returnPressed.connect(self.try_password)
        self.message = QLabel(self)
        self.message.setObjectName("login_message")
        self.message.setWordWrap(True)
        self.names_label = QLabel("&Compte :", self)
        self.names_label.setBuddy(self.names)
        password_label = QLabel("&Mot de passe :", self)
        password_label.setBuddy(self.password)
        layout = QVBoxLayout(self)
        layout.addWidget(self.names_label)
        layout.addWidget(self.names, 1)
        layout.addWidget(password_label)
        layout.addWidget(self.password)
        layout.addWidget(self.message)
        self.password.installEventFilter(self)
        self.reload()

    def reload(self) -> None:
        """The active accounts, by name; the first one chosen."""
        self.names.clear()
        self.names.addItems([a.name for a in list_accounts(self.engine) if a.active])
        self.names.setCurrentRow(0)

    def show_names(self, shown: bool) -> None:
        """The list of names, hidden on the lock screen until « Changer d'utilisateur »."""
        self.names_label.setVisible(shown)
        self.names.setVisible(shown)

    def choose(self, name: str) -> None:
        matches = self.names.findItems(name, Qt.MatchFlag.MatchFixedString)
        if matches:
            self.names.setCurrentItem(matches[0])

    def chosen_name(self) -> str:
        item = self.names.currentItem()
        return item.text() if item is not None else ""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Up and Down in the password field move in the list: the name is picked without
        # leaving the field.
        if watched is self.password and isinstance(event, QKeyEvent):
            step = {Qt.Key.Key_Up: -1, Qt.Key.Key_Down: 1}.get(Qt.Key(event.key()), 0)
            if step and event.type() == QEvent.Type.KeyPress:
                row = self.names.currentRow() + step
                self.names.setCurrentRow(max(0, min(row, self.names.count() - 1)))
                return True
        return False

    def try_password(self) -> None:
        """Check the password of the chosen account; a refusal shows the service's French
        message and empties the field."""
        try:
            account: Account = authenticate(self.engine, self.chosen_name(), self.password.text())
        except Exception as exc:  # failure_text sorts user errors from bugs
            self.message.setText(failure_text("Connexion refusée", exc, self))
            self.password.clear()
            return
        self.message.clear()
        self.password.clear()
        self.signed_in.emit(account)
