"""The server's fields: hôte, port, base, utilisateur, mot de passe, and the TLS choice."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QFormLayout, QLineEdit, QSpinBox, QWidget

from sarah.services.server.keychain import DEFAULT_PORT, ServerFields

# The field a refusal or an unreachable server points to (see sarah.ui.server.problems).
HOST, PORT, DATABASE, USER, PASSWORD, TLS = "host", "port", "database", "user", "password", "tls"


class ServerFieldsForm(QWidget):
    """What the agent types; ``fields()`` and ``password()`` read it, ``focus()`` points to
    the field to correct."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.host_edit = self._edit("host", "ex. serveur-sarah.ville.fr")
        self.port_spin = QSpinBox(self)
        self.port_spin.setObjectName("port")
        self.port_spin.setRange(1, 65535)
        self.port_spin.setValue(DEFAULT_PORT)
        self.port_spin.setButtonSymbols(QSpinBox.ButtonSymbols.NoButtons)
        self.database_edit = self._edit("database", "ex. sarah")
        self.user_edit = self._edit("user", "ex. sarah")
        self.password_edit = self._edit("password", "")
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.tls_check = QCheckBox("E&xiger le chiffrement (TLS)", self)
        self.tls_check.setObjectName("tls")
        self.tls_check.setToolTip(
            "Refuser toute connexion en clair : le serveur doit accepter TLS "
            "(sslmode=require). Conseillé dès que le réseau n'est pas celui du bâtiment."
        )
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow("&Hôte :", self.host_edit)
        form.addRow("Po&rt :", self.port_spin)
        form.addRow("&Base :", self.database_edit)
        form.addRow("&Utilisateur :", self.user_edit)
        form.addRow("&Mot de passe :", self.password_edit)
        form.addRow("", self.tls_check)
        self._sslmode: str | None = None

    def _edit(self, name: str, placeholder: str) -> QLineEdit:
        edit = QLineEdit(self)
        edit.setObjectName(name)
        edit.setPlaceholderText(placeholder)
        return edit

    def set_fields(self, fields: ServerFields, password: str | None = None) -> None:
        self.host_edit.setText(fields.host)
        self.port_spin.setValue(fields.port)
        self.database_edit.setText(fields.database)
        self.user_edit.setText(fields.user)
        self.password_edit.setText(password or "")
        self.tls_check.setChecked(fields.encrypted)
        self._sslmode = fields.sslmode

    def fields(self) -> ServerFields:
        typed = ServerFields(
            host=self.host_edit.text().strip(),
            database=self.database_edit.text().strip(),
            user=self.user_edit.text().strip(),
            port=self.port_spin.value(),
            sslmode=self._sslmode,
        )
        return typed.with_encryption(self.tls_check.isChecked())

    def password(self) -> str:
        return self.password_edit.text()

    def missing(self) -> tuple[str, str] | None:
        """The first empty field that a server needs, with what to say; None when complete."""
        for name, edit, words in (
            (HOST, self.host_edit, "Indiquez l'hôte du serveur (son nom ou son adresse)."),
            (DATABASE, self.database_edit, "Indiquez le nom de la base sur le serveur."),
            (USER, self.user_edit, "Indiquez l'utilisateur de la base."),
        ):
            if not edit.text().strip():
                return name, words
        return None

    def focus(self, name: str) -> None:
        """The cursor in the field to correct, its text selected so that typing replaces it."""
        if name == TLS:
            self.tls_check.setFocus(Qt.FocusReason.OtherFocusReason)
            return
        if name == PORT:
            self.port_spin.setFocus(Qt.FocusReason.OtherFocusReason)
            self.port_spin.selectAll()
            return
        edit = {
            HOST: self.host_edit,
            DATABASE: self.database_edit,
            USER: self.user_edit,
            PASSWORD: self.password_edit,
        }.get(name, self.host_edit)
        edit.setFocus(Qt.FocusReason.OtherFocusReason)
        edit.selectAll()
