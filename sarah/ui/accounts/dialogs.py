"""The Comptes screen's dialogs: a new account (name, role, password twice) and a new password
for an account (a forgotten one). The CNIL rule is shown and checked as the password is typed;
the password itself is never shown."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import Engine

from sarah.services.accounts import passwords
from sarah.services.accounts.store import ROLES, Account, add_account, set_password
from sarah.ui.accounts.admin import RULES
from sarah.ui.dialogs.crash import failure_text
from sarah.ui.style import ERROR_STYLE, SUCCESS_STYLE

ROLE_LABELS = {
    "agent": "agent — l'accueil, le journal, les visiteurs",
    "coordinateur": "coordinateur — en plus statistiques, exports, import, synchronisation",
    "admin": "admin — en plus comptes, réglages, restauration, purge",
}
GOOD_PASSWORD = "Mot de passe conforme à la règle."
NOT_THE_SAME = "Les deux mots de passe ne sont pas les mêmes."


class PasswordDialog(QDialog):
    """A password typed twice, checked live against the rule; ``done_with`` carries the
    :class:`Account` once the work of :meth:`apply` succeeded."""

    done_with = Signal(object)

    def __init__(self, engine: Engine, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.engine = engine
        self.setWindowTitle(title)
        self.form = QFormLayout()
        self.password_edit = QLineEdit(self)
        self.password_edit.setObjectName("new_password")
        self.confirm_edit = QLineEdit(self)
        self.confirm_edit.setObjectName("confirm_password")
        for edit in (self.password_edit, self.confirm_edit):
            edit.setEchoMode(QLineEdit.EchoMode.Password)
            edit.textChanged.connect(self.check_live)
        rules = QLabel(RULES, self)
        rules.setWordWrap(True)
        self.verdict = QLabel(self)
        self.verdict.setObjectName("password_verdict")
        self.verdict.setWordWrap(True)
        self.message = QLabel(self)
        self.message.setObjectName("dialog_message")
        self.message.setWordWrap(True)
        self.message.setStyleSheet(ERROR_STYLE)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.accepted.connect(self.apply)
        self.buttons.rejected.connect(self.reject)
        self.layout_ = QVBoxLayout(self)
        self.layout_.addLayout(self.form)
        self.layout_.addWidget(rules)
        self.layout_.addWidget(self.verdict)
        self.layout_.addWidget(self.message)
        self.layout_.addWidget(self.buttons)
        self.setMinimumWidth(520)
        # Word-wrapped lines that change as one types: the dialog grows rather than overlaps.
        self.layout_.setSizeConstraint(QLayout.SizeConstraint.SetMinimumSize)

    def add_password_rows(self) -> None:
        self.form.addRow("&Mot de passe :", self.password_edit)
        self.form.addRow("&Confirmation :", self.confirm_edit)

    def account_name(self) -> str:
        raise NotImplementedError

    def check_live(self) -> None:
        """What the password lacks, as it is typed (its length and kinds, never the text)."""
        password = self.password_edit.text()
        if not password:
            self.verdict.clear()
            return
        problem = passwords.password_problem(self.account_name(), password)
        confirm = self.confirm_edit.text()
        if problem is None and confirm and confirm != password:
            problem = NOT_THE_SAME
        if problem is not None:
            problem = problem.split(" Il faut ")[0]  # the rule itself is shown above
        self.verdict.setText(problem or GOOD_PASSWORD)
        self.verdict.setStyleSheet(ERROR_STYLE if problem else SUCCESS_STYLE)

    def apply(self) -> None:
        if self.password_edit.text() != self.confirm_edit.text():
            self.message.setText(NOT_THE_SAME)
            return
        try:
            account = self.work(self.password_edit.text())
        except Exception as exc:  # failure_text sorts user errors from bugs
            self.message.setText(failure_text(self.failure_words(), exc, self))
            return
        self.done_with.emit(account)
        self.accept()

    def work(self, password: str) -> Account:
        raise NotImplementedError

    def failure_words(self) -> str:
        raise NotImplementedError


class AddAccountDialog(PasswordDialog):
    def __init__(self, engine: Engine, parent: QWidget | None = None) -> None:
        super().__init__(engine, "Ajouter un compte", parent)
        self.name_edit = QLineEdit(self)
        self.name_edit.setObjectName("account_name")
        self.name_edit.setPlaceholderText("Prénom et nom, ou le nom d'agent de la personne")
        self.name_edit.textChanged.connect(self.check_live)
        self.role_box = QComboBox(self)
        self.role_box.setObjectName("account_role")
        for role in ROLES:
            self.role_box.addItem(ROLE_LABELS[role], role)
        self.form.addRow("&Nom :", self.name_edit)
        self.form.addRow("&Rôle :", self.role_box)
        self.add_password_rows()
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Créer le compte")
        self.name_edit.setFocus()

    def account_name(self) -> str:
        return self.name_edit.text()

    def role(self) -> str:
        return str(self.role_box.currentData())

    def work(self, password: str) -> Account:
        return add_account(
            self.engine, self.name_edit.text(), self.role(), password, first_must_be_admin=True
        )

    def failure_words(self) -> str:
        return "Compte non créé"


class NewPasswordDialog(PasswordDialog):
    """The admin gives an account a new password; the wait after failed attempts ends."""

    def __init__(self, engine: Engine, name: str, parent: QWidget | None = None) -> None:
        super().__init__(engine, f"Nouveau mot de passe pour « {name} »", parent)
        self.name = name
        intro = QLabel(
            f"Le nouveau mot de passe remplace l'ancien de « {name} » dès maintenant. "
            "Donnez-le à la personne de vive voix, jamais par écrit.",
            self,
        )
        intro.setWordWrap(True)
        self.layout_.insertWidget(0, intro)
        self.add_password_rows()
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Changer le mot de passe")
        self.password_edit.setFocus()

    def account_name(self) -> str:
        return self.name

    def work(self, password: str) -> Account:
        return set_password(self.engine, self.name, password)

    def failure_words(self) -> str:
        return "Mot de passe non changé"
