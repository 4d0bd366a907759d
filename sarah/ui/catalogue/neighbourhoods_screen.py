"""Quartiers de résidence: the coordinator's list of the city's priority neighbourhoods (QPV) and
"Hors QPV", the second part of the Catalogue screen.

Empty, the feature is off and the part says what turning it on does. A neighbourhood once given
to somebody is never deleted, only retired (gone from the desk, its people still counted);
retiring them all turns the feature off again. The list travels by sync like the services.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

from PySide6.QtCore import QItemSelectionModel, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from sarah.errors import UserError
from sarah.services.neighbourhoods.listing import (
    SHORTCUT_KEYS,
    NeighbourhoodInfo,
    add_neighbourhood,
    change_neighbourhood,
    delete_unused_neighbourhood,
    list_neighbourhoods,
    move_neighbourhood,
    neighbourhood_counts,
    retire_neighbourhood,
)
from sarah.ui.catalogue.neighbourhood_dialog import NeighbourhoodDialog
from sarah.ui.catalogue.neighbourhood_words import (
    ACTIONS,
    ACTIVATE_TEXT,
    DELETE_TIP,
    LIST_TEXT,
    OFF_TEXT,
    ON_TEXT,
    STOPPED_TEXT,
    added_message,
    deleted_message,
    key_words,
    renamed_message,
    retired_message,
)
from sarah.ui.context import AppContext
from sarah.ui.dialogs.crash import failure_text
from sarah.ui.style import SUCCESS_COLOUR, WARNING_COLOUR
from sarah.ui.table_models.neighbourhoods_model import NeighbourhoodsModel
from sarah.ui.visitors.status_line import StatusLine
from sarah.ui.visitors.tables import read_only_table
from sarah.ui.workers import Worker, run_in_background
from sarah.vocabulary import count_of


def _title(text: str) -> QLabel:
    title = QLabel(text)
    font = title.font()
    font.setPointSizeF(font.pointSizeF() * 1.35)
    font.setBold(True)
    title.setFont(font)
    return title


class NeighbourhoodsScreen(QWidget):
    neighbourhoods_changed = Signal()  # the desk and the statistics follow the list

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.dialog: NeighbourhoodDialog | None = None
        self.confirm_box: QMessageBox | None = None
        self._counts_worker: Worker | None = None
        self._counts_generation = 0

        self.model = NeighbourhoodsModel(self)
        self.table = read_only_table(self.model)
        self.table.setTabKeyNavigation(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(NeighbourhoodsModel.LABEL, QHeaderView.ResizeMode.Stretch)
        self.change_actions = self._make_actions()
        self.buttons: dict[str, QPushButton] = {}
        self.activate_button = QPushButton(ACTIVATE_TEXT)
        self.activate_button.setAutoDefault(False)
        self.state_line = QLabel()
        self.state_line.setWordWrap(True)
        self.status = StatusLine()
        self.pages = QStackedWidget()
        self.pages.addWidget(self._off_page())
        self.pages.addWidget(self._list_page())

        layout = QVBoxLayout(self)
        layout.addWidget(_title("Quartiers de résidence"))
        layout.addWidget(self.pages, 1)
        layout.addWidget(self.status)

        self.activate_button.clicked.connect(self.change_actions["add"].trigger)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._update_actions())
        self.table.activated.connect(lambda _index: self.rename())
        self.reload()

    # --- parts of the screen --------------------------------------------------------------------

    def _off_page(self) -> QWidget:
        page = QWidget()
        self.off_text = QLabel(OFF_TEXT)
        self.off_text.setTextFormat(Qt.TextFormat.RichText)
        self.off_text.setWordWrap(True)
        self.off_text.setMaximumWidth(820)
        self.off_text.setStyleSheet("color: #374151;")
        row = QHBoxLayout()
        row.addWidget(self.activate_button)
        row.addStretch(1)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)  # aligned with the title, as the services part
        layout.addWidget(self.off_text)
        layout.addLayout(row)
        layout.addStretch(1)
        return page

    def _list_page(self) -> QWidget:
        page = QWidget()
        intro = QLabel(LIST_TEXT)
        intro.setWordWrap(True)
        intro.setStyleSheet("color: #374151;")
        body = QHBoxLayout()
        body.addWidget(self.table, 1)
        body.addLayout(self._button_column())
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(intro)
        layout.addWidget(self.state_line)
        layout.addLayout(body, 1)
        return page

    def _make_actions(self) -> dict[str, QAction]:
        """One action per change, each with its key and its tip."""
        slots: dict[str, Callable[[], object]] = {
            "add": self.add,
            "rename": self.rename,
            "priority": self.toggle_priority,
            "key": self.change_key,
            "up": lambda: self.move_in_list(-1),
            "down": lambda: self.move_in_list(1),
            "retire": self.toggle_retired,
            "delete": self.delete,
        }
        actions = {}
        for name, (text, keys, tip) in ACTIONS.items():
            act = QAction(text, self)
            act.setShortcut(QKeySequence(keys))
            act.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            act.setToolTip(tip)
            act.triggered.connect(slots[name])
            self.addAction(act)
            actions[name] = act
        return actions

    def _button_column(self) -> QVBoxLayout:
        """A button per action, in groups: what it is, where it stands, whether it stays."""
        column = QVBoxLayout()
        native = QKeySequence.SequenceFormat.NativeText
        for name, act in self.change_actions.items():
            button = QPushButton(act.text())
            button.setToolTip(f"{act.toolTip()} ({act.shortcut().toString(native)})")
            button.clicked.connect(act.trigger)
            button.setAutoDefault(False)
            self.buttons[name] = button
            column.addWidget(button)
            if name in ("key", "down"):
                column.addSpacing(12)
        column.addStretch(1)
        return column

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.reload()  # a sync may have brought the list, people were given neighbourhoods
        self._load_counts()

    # --- loading --------------------------------------------------------------------------------

    def current(self) -> NeighbourhoodInfo | None:
        row = self.table.currentIndex().row()
        return self.model.neighbourhood(row) if 0 <= row < self.model.rowCount() else None

    def reload(self, select: uuid.UUID | None = None) -> None:
        """Read the list (instant); the people counts follow from a background query."""
        keep = select or (n.id if (n := self.current()) else None)
        try:
            rows = list_neighbourhoods(self.ctx.engine)
        except UserError as exc:
            self.status.show_message(exc.message, "error")
            return
        self.model.set_neighbourhoods(rows)
        self.setFocusProxy(self.table if rows else self.activate_button)
        if self.pages.currentIndex() != (page := 1 if rows else 0):
            self.pages.setCurrentIndex(page)
            if self.isVisible():  # the focused widget has just been hidden
                self.setFocus()
        self._show_state(rows)
        row = self.model.row_of(keep) if keep else None
        if row is None and rows:
            row = 0
        if row is not None:
            self.table.selectionModel().setCurrentIndex(
                self.model.index(row, NeighbourhoodsModel.LABEL),
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows,
            )
        self._update_actions()

    def _show_state(self, rows: list[NeighbourhoodInfo]) -> None:
        on = any(not n.retired for n in rows)
        self.state_line.setText(ON_TEXT if on else STOPPED_TEXT)
        self.state_line.setStyleSheet(f"color: {SUCCESS_COLOUR if on else WARNING_COLOUR};")

    def _load_counts(self) -> None:
        self._counts_generation += 1
        generation = self._counts_generation
        self.model.set_counts(None)

        def done(counts: object) -> None:
            if generation == self._counts_generation:
                self.model.set_counts(counts)  # type: ignore[arg-type]
                self._update_actions()

        def failed(exc: BaseException) -> None:
            if generation == self._counts_generation:
                self.status.show_message(failure_text("Personnes non comptées", exc, self), "error")

        self._counts_worker = run_in_background(
            neighbourhood_counts, self.ctx.engine, on_result=done, on_error=failed
        )

    def _update_actions(self) -> None:
        n = self.current()
        writable = not self.ctx.read_only
        chosen = writable and n is not None
        row, rows = self.table.currentIndex().row(), self.model.rowCount()
        enabled = {
            "add": writable,
            "rename": chosen,
            "priority": chosen,
            "key": chosen and n is not None and not n.retired,
            "up": chosen and row > 0,
            "down": chosen and 0 <= row < rows - 1,
            "retire": chosen,
            "delete": chosen,
        }
        retire_text = "Rétab&lir" if n is not None and n.retired else "Reti&rer"
        self.change_actions["retire"].setText(retire_text)
        self.buttons["retire"].setText(retire_text)
        for name, on in enabled.items():
            self.change_actions[name].setEnabled(on)
            self.buttons[name].setEnabled(on)
        self.activate_button.setEnabled(writable)
        people = self.model.people(n.id) if n is not None else None
        self.buttons["delete"].setToolTip(
            f"« {n.label} » est le quartier de {count_of(people, 'personne')} : il ne peut pas "
            "être supprimé, retirez-le plutôt (Ctrl+R)"
            if n is not None and people
            else DELETE_TIP
        )

    # --- changes --------------------------------------------------------------------------------

    def _changed(self, message: str, select: uuid.UUID | None = None) -> None:
        self.reload(select)  # the counts stay right: a new neighbourhood has nobody yet
        self.status.show_message(message, "ok")
        self.neighbourhoods_changed.emit()

    def _run(self, change: Callable[[], None]) -> None:
        try:
            change()
        except UserError as exc:
            self.status.show_message(exc.message, "error")

    def _free_keys(self, except_id: uuid.UUID | None = None) -> str:
        used = {
            n.shortcut
            for n in list_neighbourhoods(self.ctx.engine, include_retired=False)
            if n.shortcut and n.id != except_id
        }
        return "".join(k for k in SHORTCUT_KEYS if k not in used)

    def _open(self, dialog: NeighbourhoodDialog) -> None:
        self.dialog = dialog
        dialog.finished.connect(lambda _code: self._forget(dialog))
        dialog.open()

    def _forget(self, dialog: NeighbourhoodDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None
        dialog.deleteLater()
        self.setFocus()

    def add(self) -> None:
        if self.ctx.read_only:
            return
        before = {n.id for n in self.model.neighbourhoods()}

        def submit(label: str, priority: bool, key: str) -> None:
            info = add_neighbourhood(
                self.ctx.engine, label, priority=priority, shortcut=key, site_id=self.ctx.site.id
            )
            after = list_neighbourhoods(self.ctx.engine)
            brought = [n for n in after if n.id not in before and n.id != info.id]
            self._changed(added_message(info, brought, first=not before), info.id)

        first = not before
        self._open(
            NeighbourhoodDialog(
                "Ajouter un premier quartier prioritaire" if first else "Ajouter un quartier",
                submit,
                priority=True,
                key=None if first else "",  # the first gets 1, "Hors QPV" 0
                free_keys=self._free_keys(),
                parent=self,
            )
        )

    def rename(self) -> None:
        n = self.current()
        if n is None or self.ctx.read_only:
            return

        def submit(label: str, _priority: bool, _key: str) -> None:
            info = change_neighbourhood(
                self.ctx.engine, n.id, label=label, site_id=self.ctx.site.id
            )
            if info.label != n.label:
                self._changed(renamed_message(n.label, info), info.id)

        self._open(
            NeighbourhoodDialog(
                f"Renommer « {n.label} »", submit, label=n.label, key=None, parent=self
            )
        )

    def change_key(self) -> None:
        n = self.current()
        if n is None or n.retired or self.ctx.read_only:
            return

        def submit(_label: str, _priority: bool, key: str) -> None:
            if key.strip().lower() == (n.shortcut or ""):
                return  # unchanged (Hors QPV's 0 is no key one could type again)
            info = change_neighbourhood(
                self.ctx.engine, n.id, shortcut=key, site_id=self.ctx.site.id
            )
            self._changed(f"« {info.label} » : {key_words(info, 'plus de touche')}.", info.id)

        self._open(
            NeighbourhoodDialog(
                f"Touche de « {n.label} »",
                submit,
                label=None,
                key=n.shortcut or "",
                free_keys=self._free_keys(n.id),
                no_key="aucune touche",
                parent=self,
            )
        )

    def toggle_priority(self) -> None:
        n = self.current()
        if n is None or self.ctx.read_only:
            return

        def change() -> None:
            info = change_neighbourhood(
                self.ctx.engine, n.id, priority=not n.priority, site_id=self.ctx.site.id
            )
            kind = "un quartier prioritaire (QPV)" if info.priority else "hors QPV"
            self._changed(f"« {info.label} » est maintenant {kind}.", info.id)

        self._run(change)

    def move_in_list(self, step: int) -> None:
        n = self.current()
        if n is None or self.ctx.read_only:
            return

        def change() -> None:
            info = move_neighbourhood(self.ctx.engine, n.id, step, site_id=self.ctx.site.id)
            where = "plus haut" if step < 0 else "plus bas"
            self._changed(f"« {info.label} » déplacé {where}.", info.id)

        self._run(change)

    def toggle_retired(self) -> None:
        n = self.current()
        if n is None or self.ctx.read_only:
            return

        def change() -> None:
            info = retire_neighbourhood(
                self.ctx.engine, n.id, not n.retired, site_id=self.ctx.site.id
            )
            none_left = not list_neighbourhoods(self.ctx.engine, include_retired=False)
            self._changed(retired_message(info, none_left), info.id)

        self._run(change)

    def delete(self) -> None:
        n = self.current()
        if n is None or self.ctx.read_only:
            return
        if self.model.people(n.id):
            # Refused before asking anything; the engine refuses too, for people it still counts.
            self._run(
                lambda: delete_unused_neighbourhood(self.ctx.engine, n.id, site_id=self.ctx.site.id)
            )
            return
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Supprimer un quartier",
            f"Supprimer « {n.label} » de la liste ?\n"
            "Possible seulement s'il n'a jamais été attribué à personne.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            self,
        )
        box.button(QMessageBox.StandardButton.Yes).setText("Supprimer")
        box.button(QMessageBox.StandardButton.No).setText("Garder")
        box.setDefaultButton(QMessageBox.StandardButton.No)

        def answered(_code: int) -> None:
            self.confirm_box = None
            box.deleteLater()
            if box.standardButton(box.clickedButton()) == QMessageBox.StandardButton.Yes:
                self._run(lambda: self._delete(n))

        box.finished.connect(answered)
        self.confirm_box = box
        box.open()

    def _delete(self, n: NeighbourhoodInfo) -> None:
        delete_unused_neighbourhood(self.ctx.engine, n.id, site_id=self.ctx.site.id)
        self._changed(deleted_message(n.label, empty=not list_neighbourhoods(self.ctx.engine)))
