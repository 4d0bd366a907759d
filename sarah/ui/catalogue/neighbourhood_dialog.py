"""The small dialog of the neighbourhoods list: a neighbourhood's name, whether it is a priority
neighbourhood (QPV), and/or its desk key."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import (
    QCheckBox,
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
from sarah.services.neighbourhoods.listing import LABEL_MAX
from sarah.ui.style import HINT_COLOUR
from sarah.ui.visitors.status_line import StatusLine

# What the dialog hands back: the name, QPV or not, the key typed ("" for none).
Submit = Callable[[str, bool, str], None]


class NeighbourhoodDialog(QDialog):
    """Fields given as None are not shown. Stays open, with what was typed, when refused."""

    def __init__(
        self,
        title: str,
        submit: Submit,
        *,
        label: str | None = "",
        priority: bool | None = None,
        key: str | None = "",
        free_keys: str = "",
        no_key: str = "la première libre",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setModal(True)
        self.submit = submit
        self.label_edit = QLineEdit(label or "")
        self.label_edit.setMaxLength(LABEL_MAX)
        self.label_edit.setMinimumWidth(420)
        self.label_edit.setPlaceholderText("ex. Grésilles, Fontaine d'Ouche")
        self.priority_box = QCheckBox("Quartier &prioritaire de la politique de la ville (QPV)")
        self.priority_box.setChecked(bool(priority))
        self.key_edit = QLineEdit(key or "")
        self.key_edit.setMaxLength(1)
        self.key_edit.setFixedWidth(self.key_edit.fontMetrics().horizontalAdvance("W") * 4)
        self.key_hint = QLabel()
        self.error = StatusLine()

        form = QFormLayout()
        if label is not None:
            form.addRow("&Nom", self.label_edit)
        else:
            self.label_edit.hide()
        if priority is not None:
            form.addRow("", self.priority_box)
        else:
            self.priority_box.hide()
        if key is not None:
            form.addRow(self._key_label(), self._key_row(free_keys, no_key))
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

    def _key_label(self) -> QLabel:
        key_label = QLabel("&Touche")
        key_label.setBuddy(self.key_edit)  # a layout is no buddy: Alt+T needs the field
        return key_label

    def _key_row(self, free_keys: str, no_key: str) -> QHBoxLayout:
        row = QHBoxLayout()
        row.addWidget(self.key_edit)
        free = " ".join(free_keys.upper()[:12]) + (" …" if len(free_keys) > 12 else "")
        self.key_hint.setText(
            f"un chiffre ou une lettre (vide : {no_key}) — libres : {free or 'aucune'}"
        )
        self.key_hint.setStyleSheet(f"color: {HINT_COLOUR};")
        self.key_hint.setWordWrap(True)
        row.addWidget(self.key_hint, 1)
        return row

    def _try_accept(self) -> None:
        try:
            self.submit(self.label_edit.text(), self.priority_box.isChecked(), self.key_edit.text())
        except UserError as exc:
            self.error.show_message(exc.message, "error")
            return
        self.accept()
