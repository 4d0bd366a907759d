"""The small dialog of the neighbourhoods list: a neighbourhood's name, whether it is a priority
neighbourhood (QPV), and/or its desk key."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QCheckBox, QDialog, QFormLayout, QLabel, QLineEdit, QWidget

from sarah.errors import UserError
from sarah.services.neighbourhoods.listing import LABEL_MAX
from sarah.ui.catalogue.entry_dialog import add_key_row, finish, key_field
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
        self.key_edit = key_field(key or "")
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
            free = " ".join(free_keys.upper()[:12]) + (" …" if len(free_keys) > 12 else "")
            add_key_row(
                form,
                self.key_edit,
                self.key_hint,
                f"un chiffre ou une lettre (vide : {no_key}) — libres : {free or 'aucune'}",
            )
        else:
            self.key_edit.hide()
        first = self.label_edit if label is not None else self.key_edit
        finish(self, form, self.error, self._try_accept, first)

    def _try_accept(self) -> None:
        try:
            self.submit(self.label_edit.text(), self.priority_box.isChecked(), self.key_edit.text())
        except UserError as exc:
            self.error.show_message(exc.message, "error")
            return
        self.accept()
