"""What the catalogue's two small dialogs (a service, a neighbourhood) share: the one-key field
with its hint of the free keys, and the « Valider » / « Annuler » ending."""

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
)

from sarah.ui.style import HINT_COLOUR
from sarah.ui.visitors.status_line import StatusLine


def key_field(key: str) -> QLineEdit:
    edit = QLineEdit(key)
    edit.setMaxLength(1)
    edit.setFixedWidth(edit.fontMetrics().horizontalAdvance("W") * 4)
    return edit


def add_key_row(form: QFormLayout, edit: QLineEdit, hint: QLabel, text: str) -> None:
    """The key field and, beside it, ``hint`` saying ``text`` (which keys, which are free)."""
    row = QHBoxLayout()
    row.addWidget(edit)
    hint.setText(text)
    hint.setStyleSheet(f"color: {HINT_COLOUR};")
    hint.setWordWrap(True)
    row.addWidget(hint, 1)
    key_label = QLabel("&Touche")
    key_label.setBuddy(edit)  # a layout is no buddy: Alt+T needs the field
    form.addRow(key_label, row)


def finish(
    dialog: QDialog,
    form: QFormLayout,
    error: StatusLine,
    try_accept: Callable[[], None],
    first: QLineEdit,
) -> None:
    """Lay out the form, the error line and the buttons; the cursor in ``first``, selected."""
    buttons = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
    )
    buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Valider")
    buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Annuler")
    buttons.accepted.connect(try_accept)
    buttons.rejected.connect(dialog.reject)
    layout = QVBoxLayout(dialog)
    layout.addLayout(form)
    layout.addWidget(error)
    layout.addWidget(buttons)
    first.setFocus()
    first.selectAll()
