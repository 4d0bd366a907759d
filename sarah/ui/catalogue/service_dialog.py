"""The small dialog of the catalogue: a service's label and/or its desk key."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QDialog, QFormLayout, QLabel, QLineEdit, QWidget

from sarah.errors import UserError
from sarah.services.catalogue import LABEL_MAX
from sarah.ui.catalogue.entry_dialog import add_key_row, finish, key_field
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
        self.key_edit = key_field(key or "")
        self.error = StatusLine()
        form = QFormLayout()
        if label is not None:
            form.addRow("&Libellé", self.label_edit)
        else:
            self.label_edit.hide()
        if key is not None:
            free = " ".join(free_keys.upper()) or "aucune"
            self.key_hint = QLabel()
            add_key_row(
                form,
                self.key_edit,
                self.key_hint,
                f"une lettre, ou vide pour aucune — libres : {free}",
            )
        else:
            self.key_edit.hide()
        first = self.label_edit if label is not None else self.key_edit
        finish(self, form, self.error, self._try_accept, first)

    def _try_accept(self) -> None:
        try:
            self.submit(self.label_edit.text(), self.key_edit.text())
        except UserError as exc:
            self.error.show_message(exc.message, "error")
            return
        self.accept()
