"""The catch-up grid's views: the cell editors (the Personne cell searches as you type and picks
with Entrée), the grid that moves to the next row on Entrée, and the list of people found."""

from __future__ import annotations

from typing import Protocol

from PySide6.QtCore import (
    QAbstractItemModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QHeaderView,
    QLineEdit,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QWidget,
)

from sarah.services.desk.search import VisitorHit
from sarah.ui.table_models.desk_grid import VISITOR_ROLE, CatchupGridModel
from sarah.ui.table_models.desk_results import VisitorResultsModel

Index = QModelIndex | QPersistentModelIndex


class PeoplePicker(Protocol):
    """The list of people under the grid, as the Personne cell's editor uses it."""

    def search_people(self, text: str) -> None: ...

    def move_in_people(self, step: int) -> None: ...

    def current_person(self) -> VisitorHit | None:
        """The highlighted person, the one Entrée picks (None: nobody listed, or only near
        names that the agent has not gone down to)."""


class PersonEditor(QLineEdit):
    """The Personne cell's editor; remembers the person chosen from the list."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.chosen: VisitorHit | None = None


class GridDelegate(QStyledItemDelegate):
    """Line editors everywhere; in the Personne column, search as you type and pick with Entrée."""

    def __init__(self, grid: PeoplePicker, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.grid = grid

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: Index) -> QWidget:
        if index.column() == CatchupGridModel.PERSON:
            editor = PersonEditor(parent)
            editor.textEdited.connect(self.grid.search_people)
            editor.setFrame(False)
            return editor
        line = QLineEdit(parent)
        line.setFrame(False)
        return line

    def setEditorData(self, editor: QWidget, index: Index) -> None:
        assert isinstance(editor, QLineEdit)
        editor.setText(index.data(Qt.ItemDataRole.EditRole) or "")
        if isinstance(editor, PersonEditor):
            self.grid.search_people(editor.text())

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: Index) -> None:
        assert isinstance(editor, QLineEdit)
        model.setData(index, editor.text(), Qt.ItemDataRole.EditRole)
        if isinstance(editor, PersonEditor):
            chosen = editor.chosen
            if chosen is not None and editor.text() == chosen.display_name:
                model.setData(index, chosen.id, VISITOR_ROLE)
            self.grid.search_people("")

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if isinstance(obj, PersonEditor) and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            key = event.key()
            if key in (Qt.Key.Key_Down, Qt.Key.Key_Up):
                self.grid.move_in_people(1 if key == Qt.Key.Key_Down else -1)
                return True
            if (
                key in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
                and event.modifiers() == Qt.KeyboardModifier.NoModifier
            ):
                hit = self.grid.current_person()
                if hit is not None:
                    obj.chosen = hit
                    obj.setText(hit.display_name)
                    self.commitData.emit(obj)
                    self.closeEditor.emit(obj, QAbstractItemDelegate.EndEditHint.EditNextItem)
                    return True
        if (
            isinstance(obj, QLineEdit)
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and event.modifiers()
            in (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.KeypadModifier)
        ):
            # Commit now (Qt would do it later, queued): Entrée -> next row, at once.
            self.commitData.emit(obj)
            self.closeEditor.emit(obj, QAbstractItemDelegate.EndEditHint.SubmitModelCache)
            return True
        return super().eventFilter(obj, event)


class GridView(QTableView):
    """Entrée (editing or not) goes to the next row, first cell; a new row opens at the end."""

    def __init__(self, model: CatchupGridModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.grid_model = model
        self.setModel(model)
        self.setObjectName("grid")
        self.setEditTriggers(
            QAbstractItemView.EditTrigger.AnyKeyPressed
            | QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
        )
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setTabKeyNavigation(True)
        header = self.horizontalHeader()
        header.resizeSection(CatchupGridModel.TIME, 70)
        header.resizeSection(CatchupGridModel.PERSON, 240)
        header.resizeSection(CatchupGridModel.CHANNEL, 60)
        header.resizeSection(CatchupGridModel.SERVICES, 150)
        header.setSectionResizeMode(CatchupGridModel.STATE, QHeaderView.ResizeMode.Stretch)

    def next_row(self) -> None:
        row = self.currentIndex().row() + 1
        self.grid_model.ensure_row(row)
        index = self.grid_model.index(row, CatchupGridModel.TIME)
        self.setCurrentIndex(index)
        self.edit(index)

    def closeEditor(self, editor: QWidget, hint: QAbstractItemDelegate.EndEditHint) -> None:
        if hint == QAbstractItemDelegate.EndEditHint.SubmitModelCache:
            super().closeEditor(editor, QAbstractItemDelegate.EndEditHint.NoHint)
            self.next_row()
            return
        if hint == QAbstractItemDelegate.EndEditHint.EditNextItem:
            column = self.currentIndex().column()
            if column >= CatchupGridModel.SERVICES:
                # Tab after the last typed column: next row, like Entrée.
                super().closeEditor(editor, QAbstractItemDelegate.EndEditHint.NoHint)
                self.next_row()
                return
        super().closeEditor(editor, hint)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        plain = event.modifiers() == Qt.KeyboardModifier.NoModifier
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and plain:
            if self.state() != QAbstractItemView.State.EditingState:
                self.next_row()
            # While editing, the delegate closes the editor and closeEditor() moves on.
            return
        if key == Qt.Key.Key_Delete and event.modifiers() == Qt.KeyboardModifier.ControlModifier:
            self.grid_model.remove_row(self.currentIndex().row())
            return
        if key == Qt.Key.Key_Delete and plain and self.currentIndex().isValid():
            self.grid_model.setData(self.currentIndex(), "", Qt.ItemDataRole.EditRole)
            return
        super().keyPressEvent(event)


class PeopleView(QTableView):
    """The people found for the Personne cell being typed; the focus stays in the grid."""

    def __init__(self, model: VisitorResultsModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("gridPeople")
        self.setModel(model)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)  # one person
        self.verticalHeader().hide()
        self.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.setMaximumHeight(130)
