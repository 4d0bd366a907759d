"""Fichier > Créer le compte administrateur…: the first account of an installation that has
none yet (name, password twice, the rules shown)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import Engine

from sarah.services.accounts import passwords
from sarah.services.accounts.store import ADMIN, Account, add_account
from sarah.ui.dialogs.crash import failure_text

RULES = (
    f"Au moins {passwords.MIN_LENGTH} caractères mêlant au moins {passwords.MIN_KINDS} sortes "
    "parmi minuscules, majuscules, chiffres et autres signes, ou une phrase de passe d'au "
    f"moins {passwords.PASSPHRASE_MIN_LENGTH} caractères et {passwords.PASSPHRASE_MIN_WORDS} "
    "mots. Jamais le nom du compte."
)


class CreateAdminDialog(QDialog):
    """``created`` carries the new admin :class:`Account`."""

    created = Signal(object)

    def __init__(self, engine: Engine, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.engine = engine
        self.setWindowTitle("Créer le compte administrateur")
        self.name_edit = QLineEdit(self)
        self.password_edit = QLineEdit(self)
        self.confirm_edit = QLineEdit(self)
        for edit in (self.password_edit, self.confirm_edit):
            edit.setEchoMode(QLineEdit.EchoMode.Password)
        rules = QLabel(RULES, self)
        rules.setWordWrap(True)
        self.message = QLabel(self)
        self.message.setObjectName("admin_message")
        self.message.setWordWrap(True)
        form = QFormLayout()
        form.addRow("&Nom :", self.name_edit)
        form.addRow("&Mot de passe :", self.password_edit)
        form.addRow("&Confirmation :", self.confirm_edit)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Créer")
        buttons.accepted.connect(self.create_account)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(
            QLabel("Ce compte pourra créer ceux des agents et des coordinateurs.", self)
        )
        layout.addLayout(form)
        layout.addWidget(rules)
        layout.addWidget(self.message)
        layout.addWidget(buttons)

    def create_account(self) -> None:
        """Add the admin account; a problem is shown and what was typed stays."""
        if self.password_edit.text() != self.confirm_edit.text():
            self.message.setText("Les deux mots de passe ne sont pas les mêmes.")
            return
        try:
            account: Account = add_account(
                self.engine, self.name_edit.text(), ADMIN, self.password_edit.text()
            )
        except Exception as exc:  # failure_text sorts user errors from bugs
            self.message.setText(failure_text("Compte non créé", exc, self))
            return
        self.created.emit(account)
        self.accept()
