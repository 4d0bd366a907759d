"""Comptes (admin only): the installation's accounts, adding one, disabling one, a new password
for a forgotten one; and the « Confidentialité » settings (how long identities and the audit log
are kept, the idle lock's delay), each change audited."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from sarah.services.accounts.privacy_settings import RULES, change_settings
from sarah.services.accounts.roles import may
from sarah.services.accounts.store import Account, disable_account, list_accounts
from sarah.ui.accounts.dialogs import AddAccountDialog, NewPasswordDialog, PasswordDialog
from sarah.ui.accounts.lock import IdleLock
from sarah.ui.context import AppContext
from sarah.ui.dialogs.crash import failure_text
from sarah.ui.dialogs.questions import ask
from sarah.ui.style import ERROR_STYLE, HINT_COLOUR, SUCCESS_STYLE

COLUMNS = ("Nom", "Rôle", "État", "Dernière connexion", "Créé le")
INTRO = (
    "Un compte par personne, à son nom : le nom d'agent des contacts est celui du compte "
    "connecté. Quand quelqu'un quitte l'association, désactivez son compte ; ses contacts "
    "gardent son nom. Le dernier administrateur actif ne peut pas être désactivé."
)
NO_ACCOUNT_YET = (
    "Cette base n'a encore aucun compte : créez d'abord le compte administrateur "
    "(Fichier › Créer le compte administrateur…)."
)
SETTING_WORDS = {
    "retention_months": "Identités effacées après",
    "audit_months": "Journal d'audit gardé",
    "lock_minutes": "Verrouillage après",
}
SETTING_HINTS = {
    "retention_months": "sans contact : nom, prénom et date de naissance (de 6 à 120 ; 24 par défaut)",
    "audit_months": "puis purgé (de 6 à 12, comme le recommande la CNIL ; 12 par défaut)",
    "lock_minutes": "sans clavier ni souris (0 : seulement Ctrl+L ; 10 par défaut)",
}


def _moment(moment: datetime | None, never: str = "jamais") -> str:
    return never if moment is None else f"{moment:%d/%m/%Y %H:%M}"


class AccountsScreen(QWidget):
    """``accounts_changed`` after an account was added, disabled or given a new password;
    ``settings_saved`` carries the names of the settings changed."""

    accounts_changed = Signal()
    settings_saved = Signal(object)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.accounts: list[Account] = []
        self.dialog: PasswordDialog | None = None
        # Replaceable in tests: the question before disabling.
        self.confirm: Callable[[str, str], bool] = lambda t, x: ask(self, t, x)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("<h2>Comptes</h2>", self))
        intro = QLabel(INTRO, self)
        intro.setWordWrap(True)
        intro.setStyleSheet(f"color: {HINT_COLOUR};")
        layout.addWidget(intro)
        layout.addWidget(self._build_table(), 1)
        layout.addLayout(self._build_buttons())
        self.message = QLabel(self)
        self.message.setObjectName("accounts_message")
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        layout.addWidget(self._build_privacy())
        self.reload()

    # --- building ------------------------------------------------------------------------------

    def _build_table(self) -> QTableWidget:
        self.table = QTableWidget(0, len(COLUMNS), self)
        self.table.setObjectName("accounts_table")
        self.table.setAccessibleName("Comptes")
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        return self.table

    def _build_buttons(self) -> QHBoxLayout:
        self.add_button = QPushButton("A&jouter…", self)
        self.add_button.setToolTip("Créer le compte d'une personne (nom, rôle, mot de passe)")
        self.add_button.clicked.connect(self.add_account)
        self.disable_button = QPushButton("&Désactiver", self)
        self.disable_button.setToolTip("Le compte choisi ne pourra plus ouvrir SARAH")
        self.disable_button.clicked.connect(self.disable_selected)
        self.password_button = QPushButton("&Nouveau mot de passe…", self)
        self.password_button.setToolTip(
            "Pour un mot de passe oublié : l'administrateur en donne un"
        )
        self.password_button.clicked.connect(self.new_password)
        row = QHBoxLayout()
        for button in (self.add_button, self.disable_button, self.password_button):
            row.addWidget(button)
        row.addStretch(1)
        return row

    def _build_privacy(self) -> QGroupBox:
        group = QGroupBox("Confidentialité", self)
        form = QFormLayout(group)
        self.setting_boxes: dict[str, QSpinBox] = {}
        widest = 0
        for name, rule in RULES.items():
            box = QSpinBox(group)
            box.setObjectName(name)
            box.setRange(rule.lowest, rule.highest)
            box.setSuffix(f" {rule.unit}")
            box.setAccessibleName(rule.label)
            if name == "lock_minutes":
                box.setSpecialValueText("jamais (Ctrl+L seulement)")
            hint = QLabel(SETTING_HINTS[name], group)
            hint.setStyleSheet(f"color: {HINT_COLOUR};")
            row = QHBoxLayout()
            row.addWidget(box)
            row.addWidget(hint, 1)
            label = QLabel(f"{SETTING_WORDS[name]} :", group)
            label.setBuddy(box)
            form.addRow(label, row)
            self.setting_boxes[name] = box
            widest = max(widest, box.sizeHint().width())
        for box in self.setting_boxes.values():
            box.setMinimumWidth(widest)  # the values in one column
        self.save_button = QPushButton("&Enregistrer les réglages", group)
        self.save_button.clicked.connect(self.save_settings)
        self.settings_message = QLabel(group)
        self.settings_message.setObjectName("settings_message")
        self.settings_message.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.settings_message, 1)
        form.addRow(buttons)
        self.show_settings()
        return group

    # --- the accounts --------------------------------------------------------------------------

    def reload(self) -> None:
        """Read the accounts again, keeping the chosen one."""
        chosen = self.selected()
        self.accounts = list_accounts(self.ctx.engine)
        self.table.setRowCount(len(self.accounts))
        for row, account in enumerate(self.accounts):
            state = "actif" if account.active else f"désactivé le {_moment(account.disabled_at)}"
            cells = (
                account.name,
                account.role,
                state,
                _moment(account.last_login_at),
                _moment(account.created_at),
            )
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if not account.active:
                    item.setForeground(Qt.GlobalColor.gray)
                self.table.setItem(row, column, item)
        names = [a.name for a in self.accounts]
        if chosen is not None and chosen.name in names:
            self.table.selectRow(names.index(chosen.name))
        elif self.accounts:
            self.table.selectRow(0)
        self._update_buttons()

    def apply_role(self) -> None:
        """The window's role changed (another user, the first admin): read and offer again."""
        self.reload()
        self.show_settings()

    def selected(self) -> Account | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        if not rows or rows[0].row() >= len(self.accounts):
            return None
        return self.accounts[rows[0].row()]

    def _may_change(self) -> bool:
        return may(self.ctx.role, "accounts") and not self.ctx.read_only

    def _update_buttons(self) -> None:
        allowed = self._may_change()
        chosen = self.selected()
        self.add_button.setEnabled(allowed and bool(self.accounts))
        self.add_button.setToolTip(NO_ACCOUNT_YET if not self.accounts else "")
        self.disable_button.setEnabled(allowed and chosen is not None and chosen.active)
        self.password_button.setEnabled(allowed and chosen is not None and chosen.active)
        self.save_button.setEnabled(may(self.ctx.role, "settings") and not self.ctx.read_only)
        if not self.accounts:
            self.message.setStyleSheet("")
            self.message.setText(NO_ACCOUNT_YET)

    def _say(self, text: str, ok: bool = True) -> None:
        self.message.setStyleSheet(SUCCESS_STYLE if ok else ERROR_STYLE)
        self.message.setText(text)

    def _open(self, dialog: PasswordDialog, done: Callable[[Account], None]) -> PasswordDialog:
        if self.dialog is not None:
            self.dialog.deleteLater()
        dialog.done_with.connect(done)
        self.dialog = dialog
        dialog.open()
        return dialog

    def add_account(self) -> PasswordDialog | None:
        if not self._may_change():
            return None
        return self._open(AddAccountDialog(self.ctx.engine, self), self._added)

    def _added(self, account: Account) -> None:
        self.reload()
        names = [a.name for a in self.accounts]
        if account.name in names:
            self.table.selectRow(names.index(account.name))
        self._say(f"Compte « {account.name} » créé, rôle {account.role}.")
        self.table.setFocus()
        self.accounts_changed.emit()

    def new_password(self) -> PasswordDialog | None:
        chosen = self.selected()
        if chosen is None or not self._may_change():
            return None
        return self._open(NewPasswordDialog(self.ctx.engine, chosen.name, self), self._password_set)

    def _password_set(self, account: Account) -> None:
        self.reload()
        self._say(f"Nouveau mot de passe de « {account.name} » enregistré.")
        self.table.setFocus()
        self.accounts_changed.emit()

    def disable_selected(self) -> None:
        chosen = self.selected()
        if chosen is None or not self._may_change():
            return
        question = (
            f"Désactiver le compte « {chosen.name} » ? Il ne pourra plus ouvrir SARAH ; "
            "ses contacts gardent son nom."
        )
        if not self.confirm("Désactiver un compte", question):
            return
        try:
            disable_account(self.ctx.engine, chosen.name)
        except Exception as exc:  # failure_text sorts user errors from bugs
            self._say(failure_text("Compte non désactivé", exc, self), ok=False)
            return
        self.reload()
        self._say(f"Compte « {chosen.name} » désactivé : il ne peut plus ouvrir SARAH.")
        self.accounts_changed.emit()

    # --- privacy settings ----------------------------------------------------------------------

    def show_settings(self) -> None:
        for name, box in self.setting_boxes.items():
            box.setValue(int(getattr(self.ctx.settings, name)))

    def save_settings(self) -> list[str]:
        """Save the values that changed, one audit entry each; the idle lock follows at once."""
        if not may(self.ctx.role, "settings"):
            return []
        wanted = {name: box.value() for name, box in self.setting_boxes.items()}
        try:
            changed = change_settings(
                self.ctx.engine, self.ctx.settings, wanted, self.ctx.save_settings
            )
        except Exception as exc:  # failure_text sorts user errors from bugs
            self.settings_message.setStyleSheet(ERROR_STYLE)
            self.settings_message.setText(failure_text("Réglages non enregistrés", exc, self))
            self.show_settings()
            return []
        self.settings_message.setStyleSheet(SUCCESS_STYLE)
        if not changed:
            self.settings_message.setText("Aucun changement.")
            return []
        for idle in self.window().findChildren(IdleLock):
            idle.restart_timer()  # the new delay counts from now
        words = ", ".join(RULES[name].label.lower() for name in changed)
        self.settings_message.setText(f"Réglages enregistrés ({words}).")
        self.settings_saved.emit(changed)
        return changed

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.reload()  # last logins change while the window stays open
