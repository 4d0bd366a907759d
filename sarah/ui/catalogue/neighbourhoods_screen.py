"""Quartiers de résidence: the coordinator's list of the city's priority neighbourhoods (QPV) and
"Hors QPV", the second part of the Catalogue screen.

Empty, the feature is off and the part says what turning it on does. A neighbourhood once given
to somebody is never deleted, only retired (gone from the desk, its people still counted);
retiring them all turns the feature off again. The list travels by sync like the services.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QShowEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
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
from sarah.ui.catalogue.list_editor import (
    BackgroundCounts,
    button_column,
    confirm_deletion,
    free_keys,
    list_table,
    make_actions,
    run_change,
    select_row,
    show_enabled,
    title_label,
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
from sarah.ui.style import SUCCESS_COLOUR, WARNING_COLOUR
from sarah.ui.table_models.neighbourhoods_model import NeighbourhoodsModel
from sarah.ui.visitors.status_line import StatusLine
from sarah.vocabulary import count_of


class NeighbourhoodsScreen(QWidget):
    neighbourhoods_changed = Signal()  # the desk and the statistics follow the list

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.dialog: NeighbourhoodDialog | None = None
        self.confirm_box: QMessageBox | None = None

        self.model = NeighbourhoodsModel(self)
        self.table = list_table(self.model, NeighbourhoodsModel.LABEL)
        self.change_actions = self._make_actions()
        self.buttons: dict[str, QPushButton] = {}
        self.activate_button = QPushButton(ACTIVATE_TEXT)
        self.activate_button.setAutoDefault(False)
        self.state_line = QLabel()
        self.state_line.setWordWrap(True)
        self.status = StatusLine()
        self._counts = BackgroundCounts(
            lambda: neighbourhood_counts(self.ctx.engine),
            self._show_counts,
            self.status,
            "Personnes non comptées",
            self,
        )
        self.pages = QStackedWidget()
        self.pages.addWidget(self._off_page())
        self.pages.addWidget(self._list_page())

        layout = QVBoxLayout(self)
        layout.addWidget(title_label("Quartiers de résidence"))
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
        body.addLayout(button_column(self.change_actions, self.buttons))
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
        return make_actions(self, ACTIONS, slots)

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
        select_row(self.table, self.model.row_of(keep) if keep else None, NeighbourhoodsModel.LABEL)
        self._update_actions()

    def _show_state(self, rows: list[NeighbourhoodInfo]) -> None:
        on = any(not n.retired for n in rows)
        self.state_line.setText(ON_TEXT if on else STOPPED_TEXT)
        self.state_line.setStyleSheet(f"color: {SUCCESS_COLOUR if on else WARNING_COLOUR};")

    def _load_counts(self) -> None:
        self._counts.start()

    def _show_counts(self, counts: dict[uuid.UUID, int] | None) -> None:
        self.model.set_counts(counts)
        if counts is not None:
            self._update_actions()

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
        show_enabled(
            self.change_actions, self.buttons, enabled, retired=n is not None and n.retired
        )
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
        run_change(self.status, change)

    def _free_keys(self, except_id: uuid.UUID | None = None) -> str:
        live = list_neighbourhoods(self.ctx.engine, include_retired=False)
        return free_keys(live, SHORTCUT_KEYS, except_id)

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
        self.confirm_box = confirm_deletion(
            self,
            "Supprimer un quartier",
            f"Supprimer « {n.label} » de la liste ?\n"
            "Possible seulement s'il n'a jamais été attribué à personne.",
            lambda: self._run(lambda: self._delete(n)),
            self._forget_confirm,
        )

    def _forget_confirm(self) -> None:
        self.confirm_box = None

    def _delete(self, n: NeighbourhoodInfo) -> None:
        delete_unused_neighbourhood(self.ctx.engine, n.id, site_id=self.ctx.site.id)
        self._changed(deleted_message(n.label, empty=not list_neighbourhoods(self.ctx.engine)))
