"""The quick login before the main window, when the database has accounts."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QLabel, QVBoxLayout, QWidget
from sqlalchemy import Engine

from sarah.services.accounts.store import Account
from sarah.ui.accounts.picker import AccountPicker


class LoginDialog(QDialog):
    """Accepted once a password matched; ``account`` is then the signed-in account."""

    def __init__(self, engine: Engine, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("SARAH — Connexion")
        self.account: Account | None = None
        self.picker = AccountPicker(engine, self)
        self.picker.signed_in.connect(self._signed_in)
        layout = QVBoxLayout(self)
        title = QLabel("<h2>Connexion</h2>Choisissez votre nom, tapez votre mot de passe.", self)
        layout.addWidget(title)
        layout.addWidget(self.picker, 1)
        self.resize(420, 360)
        self.picker.password.setFocus()

    def _signed_in(self, account: Account) -> None:
        self.account = account
        self.accept()


def ask_login(engine: Engine) -> Account | None:
    """The account that logged in, or None when the login was closed."""
    dialog = LoginDialog(engine)
    dialog.exec()
    return dialog.account
