"""What the two parts of the Catalogue screen (services, neighbourhoods of residence) share: a
list edited by keyboard actions mirrored by buttons, a kept selection, counts read in the
background, a refusal shown on the status line and the question before a deletion."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Protocol

from PySide6.QtCore import QAbstractItemModel, QItemSelectionModel, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from sarah.errors import UserError
from sarah.ui.dialogs.crash import failure_text
from sarah.ui.visitors.status_line import StatusLine
from sarah.ui.visitors.tables import read_only_table
from sarah.ui.workers import Worker, run_in_background

# After these actions, a gap in the button column: what it is, where it stands, whether it stays.
_GROUP_ENDS = ("key", "down")


class Keyed(Protocol):
    @property
    def id(self) -> uuid.UUID: ...

    @property
    def shortcut(self) -> str | None: ...


def title_label(text: str) -> QLabel:
    title = QLabel(text)
    font = title.font()
    font.setPointSizeF(font.pointSizeF() * 1.35)
    font.setBold(True)
    title.setFont(font)
    return title


def list_table(model: QAbstractItemModel, stretch_column: int) -> QTableView:
    """Read-only rows; Tab leaves the table, so the buttons are reached by keyboard."""
    table = read_only_table(model)
    table.setTabKeyNavigation(False)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(stretch_column, QHeaderView.ResizeMode.Stretch)
    return table


def make_actions(
    host: QWidget,
    specs: Mapping[str, tuple[str, str, str]],
    slots: Mapping[str, Callable[[], object]],
) -> dict[str, QAction]:
    """One action per change (``specs``: name -> text, keys, tip); its keys act within ``host``
    only, since both parts use the same ones (Ctrl+N, F2, Del…)."""
    actions = {}
    for name, (text, keys, tip) in specs.items():
        act = QAction(text, host)
        act.setShortcut(QKeySequence(keys))
        act.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        act.setToolTip(tip)
        act.triggered.connect(slots[name])
        host.addAction(act)
        actions[name] = act
    return actions


def button_column(actions: Mapping[str, QAction], buttons: dict[str, QPushButton]) -> QVBoxLayout:
    """A button per action, in the actions' order, each tip naming its key; fills ``buttons``."""
    column = QVBoxLayout()
    native = QKeySequence.SequenceFormat.NativeText
    for name, act in actions.items():
        button = QPushButton(act.text())
        button.setToolTip(f"{act.toolTip()} ({act.shortcut().toString(native)})")
        button.clicked.connect(act.trigger)
        button.setAutoDefault(False)
        buttons[name] = button
        column.addWidget(button)
        if name in _GROUP_ENDS:
            column.addSpacing(12)
    column.addStretch(1)
    return column


def select_row(table: QTableView, row: int | None, column: int) -> None:
    """Make ``row`` current (the first row when it is gone and the table has rows)."""
    model = table.model()
    if row is None and model.rowCount():
        row = 0
    if row is not None:
        table.selectionModel().setCurrentIndex(
            model.index(row, column),
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )


def show_enabled(
    actions: Mapping[str, QAction],
    buttons: Mapping[str, QPushButton],
    enabled: Mapping[str, bool],
    *,
    retired: bool,
) -> None:
    """Enable each action and its button; « Retirer » reads « Rétablir » on a retired row."""
    retire_text = "Rétab&lir" if retired else "Reti&rer"
    actions["retire"].setText(retire_text)
    buttons["retire"].setText(retire_text)
    for name, on in enabled.items():
        actions[name].setEnabled(on)
        buttons[name].setEnabled(on)


def run_change(status: StatusLine, change: Callable[[], None]) -> None:
    """Run a change; what the user can act on is said on the status line."""
    try:
        change()
    except UserError as exc:
        status.show_message(exc.message, "error")


def free_keys(rows: Iterable[Keyed], keys: str, except_id: uuid.UUID | None = None) -> str:
    """The desk keys no row in use holds (``except_id``'s own counts as free)."""
    used = {r.shortcut for r in rows if r.shortcut and r.id != except_id}
    return "".join(k for k in keys if k not in used)


def confirm_deletion(
    parent: QWidget,
    title: str,
    question: str,
    on_yes: Callable[[], None],
    on_closed: Callable[[], None],
) -> QMessageBox:
    """Ask before deleting, « Garder » by default; opened window-modal, the caller keeps it."""
    box = QMessageBox(
        QMessageBox.Icon.Question,
        title,
        question,
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        parent,
    )
    box.button(QMessageBox.StandardButton.Yes).setText("Supprimer")
    box.button(QMessageBox.StandardButton.No).setText("Garder")
    box.setDefaultButton(QMessageBox.StandardButton.No)

    def answered(_code: int) -> None:
        on_closed()
        box.deleteLater()
        if box.standardButton(box.clickedButton()) == QMessageBox.StandardButton.Yes:
            on_yes()

    box.finished.connect(answered)
    box.open()
    return box


class BackgroundCounts:
    """Counts read off the GUI thread; only the latest request's answer is shown, so a slow
    answer to an older request never overwrites a newer one."""

    def __init__(
        self,
        read: Callable[[], object],
        show: Callable[[Any], None],
        status: StatusLine,
        failure: str,
        parent: QWidget,
    ) -> None:
        self._read, self._show, self._status = read, show, status
        self._failure, self._parent = failure, parent
        self._generation = 0
        self.worker: Worker | None = None  # kept so the task lives until it reports

    def start(self) -> None:
        self._generation += 1
        generation = self._generation
        self._show(None)

        def done(counts: object) -> None:
            if generation == self._generation:
                self._show(counts)

        def failed(exc: BaseException) -> None:
            if generation == self._generation:
                text = failure_text(self._failure, exc, self._parent)
                self._status.show_message(text, "error")

        self.worker = run_in_background(self._read, on_result=done, on_error=failed)
