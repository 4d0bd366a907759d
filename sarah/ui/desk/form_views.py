"""The contact form's keyboard views: the search field, the results list and the services
checklist, each handling the keys that belong to it."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QLineEdit, QListView, QTableView, QWidget

from sarah.ui.table_models.desk_services import ServicesChecklistModel


def _plain_key(event: QKeyEvent) -> bool:
    mods = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
    return mods in (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.ShiftModifier)


class SearchEdit(QLineEdit):
    down_pressed = Signal()
    enter_pressed = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Down and _plain_key(event):
            self.down_pressed.emit()
            return
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and _plain_key(event):
            self.enter_pressed.emit()
            return
        super().keyPressEvent(event)


class ResultsView(QTableView):
    picked = Signal(int)
    back_to_search = Signal(str)  # text typed while in the list goes on into the search field

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        row = self.currentIndex().row()
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and _plain_key(event):
            if row >= 0:
                self.picked.emit(row)
            return
        if key == Qt.Key.Key_Up and row <= 0 and _plain_key(event):
            self.back_to_search.emit("")
            return
        if key == Qt.Key.Key_Backspace or (
            _plain_key(event)
            and event.text()
            and event.text().isprintable()
            and key != Qt.Key.Key_Space
        ):
            self.back_to_search.emit("\b" if key == Qt.Key.Key_Backspace else event.text())
            return
        super().keyPressEvent(event)


class ServicesView(QListView):
    """Letters toggle the service with that shortcut key; Space toggles the current line."""

    user_toggled = Signal()  # a service checked or unchecked by the agent (key or click)

    def __init__(self, model: ServicesChecklistModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._model = model
        self.setModel(model)

    def _toggle(self, row: int) -> None:
        self._model.toggle(row)
        self.user_toggled.emit()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Space and _plain_key(event):
            if self.currentIndex().isValid():
                self._toggle(self.currentIndex().row())
            return
        text = event.text()
        if _plain_key(event) and len(text) == 1 and text.isalpha():
            row = self._model.row_for_key(text)
            if row is not None:
                self._toggle(row)
                self.setCurrentIndex(self._model.index(row))
            return  # an unknown letter does nothing (no jump, no surprise)
        super().keyPressEvent(event)

    def mousePressEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        super().mousePressEvent(event)
        index = self.indexAt(event.position().toPoint())
        if index.isValid() and event.button() == Qt.MouseButton.LeftButton:
            self._toggle(index.row())
