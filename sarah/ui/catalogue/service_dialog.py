"""The small dialog of the catalogue: a service's label and/or its desk key."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from sarah.errors import UserError
from sarah.services.catalogue import LABEL_MAX
from sarah.ui.style import HINT_COLOUR
from sarah.ui.visitors.status_line import StatusLine


class ServiceDialog(QDialog):
    """Label and/or key of a service. Stays open, with what was typed, when the change is refused."""

    def __init__(
        self,
        title: str,
        submit: Callable[[str, str], None],
        *,
        label: str | None = "",
        key: str | None = "",
        free_keys: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setModal(True)
        self.submit = submit
        self.label_edit = QLineEdit(label or "")
        self.label_edit.setMaxLength(LABEL_MAX)
        self.label_edit.setMinimumWidth(460)
        self.key_edit = QLineEdit(key or "")
        self.key_edit.setMaxLength(1)
        self.key_edit.setFixedWidth(self.key_edit.fontMetrics().horizontalAdvance("W") * 4)
        self.error = StatusLine()
        form = QFormLayout()
        if label is not None:
            form.addRow("&Libellé", self.label_edit)
        else:
            self.label_edit.hide()
        if key is not None:
            keys = QHBoxLayout()
            keys.addWidget(self.key_edit)
            free = " ".join(free_keys.upper()) or "aucune"
            self.key_hint = QLabel(f"une lettre, ou vide pour aucune — libres : {free}")
            self.key_hint.setStyleSheet(f"color: {HINT_COLOUR};")
            self.key_hint.setWordWrap(True)
            keys.addWidget(self.key_hint, 1)
            key_label = QLabel("&Touche")
            key_label.setBuddy(self.key_edit)  # a layout is no buddy: Alt+T needs the field
            form.addRow(key_label, keys)
        else:
            self.key_edit.hide()
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Valider")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Annuler")
        buttons.accepted.connect(self._try_accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        first = self.label_edit if label is not None else self.key_edit
        first.setFocus()
        first.selectAll()

    def _try_accept(self) -> None:
        try:
            self.submit(self.label_edit.text(), self.key_edit.text())
        except UserError as exc:
            self.error.show_message(exc.message, "error")
            return
        self.accept()
