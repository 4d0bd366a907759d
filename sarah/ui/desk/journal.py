"""Journal du jour: today's contacts at this site, newest first; edit, delete with "Annuler".

Deleting and restoring run off the GUI thread: another program holding the database can make a
write wait for the busy timeout, and the window must not freeze meanwhile.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from sarah.errors import UserError
from sarah.services.contacts import delete_contact, restore_contact
from sarah.services.desk.days import french_day
from sarah.services.desk.journal import JournalEntry, counts_text, day_journal, journal_counts
from sarah.ui.context import AppContext
from sarah.ui.desk.keys import add_shortcuts
from sarah.ui.dialogs.crash import failure_text
from sarah.ui.style import ERROR_STYLE, SUCCESS_COLOUR
from sarah.ui.table_models.desk_journal import DeletingJournalModel
from sarah.ui.workers import run_in_background

UNDO_SECONDS = 8.0


class JournalView(QTableView):
    edit_requested = Signal(int)
    delete_requested = Signal(int)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        row = self.currentIndex().row()
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and row >= 0:
            self.edit_requested.emit(row)
            return
        if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and row >= 0:
            self.delete_requested.emit(row)
            return
        super().keyPressEvent(event)


class JournalScreen(QWidget):
    """``day`` defaults to today. Deleting leaves ``undo_seconds`` to click "Annuler"."""

    edit_requested = Signal(object)  # JournalEntry
    deleted = Signal(object)  # JournalEntry, once the delete is committed
    restored = Signal(object)  # JournalEntry, once "Annuler" is committed
    write_failed = Signal(str)  # the French message shown

    def __init__(
        self,
        ctx: AppContext,
        *,
        undo_seconds: float = UNDO_SECONDS,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.undo_seconds = undo_seconds
        self._deleted: JournalEntry | None = None
        self._writing = False  # a delete or a restore is running in the background

        self.model = DeletingJournalModel(self)
        self.title_label = QLabel(self)
        self.title_label.setObjectName("journalTitle")
        self.view = self._build_view()
        buttons = self._build_buttons()  # made before the undo bar: the order Tab follows
        self.undo_bar = self._build_undo_bar()
        self.message_label = QLabel(self)
        self.message_label.setObjectName("journalMessage")
        self.message_label.setWordWrap(True)

        layout = QVBoxLayout(self)
        layout.addWidget(self.title_label)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.undo_bar)
        layout.addWidget(self.message_label)
        layout.addLayout(buttons)
        add_shortcuts(
            self,
            (
                ("Annuler la suppression", ("Ctrl+Z",), self.undo_delete),
                ("Actualiser", ("F5",), self.refresh),
            ),
        )
        self.refresh()

    def _build_view(self) -> JournalView:
        view = JournalView(self)
        view.setObjectName("journal")
        view.setModel(self.model)
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        view.setAlternatingRowColors(True)
        view.setWordWrap(False)
        view.verticalHeader().hide()
        view.setTabKeyNavigation(False)
        header = view.horizontalHeader()
        for column in (0, 2):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(1, 260)
        header.setStretchLastSection(True)
        view.edit_requested.connect(self._edit_row)
        view.delete_requested.connect(self._delete_row)
        view.doubleClicked.connect(lambda index: self._edit_row(index.row()))
        return view

    def _build_buttons(self) -> QHBoxLayout:
        self.edit_button = QPushButton("&Modifier (Entrée)", self)
        self.edit_button.setToolTip("Rouvrir le contact choisi dans l'Accueil — Entrée")
        self.edit_button.clicked.connect(lambda: self._edit_row(self.view.currentIndex().row()))
        self.delete_button = QPushButton("&Supprimer (Suppr)", self)
        self.delete_button.setToolTip(
            "Supprimer le contact choisi — Suppr ; « Annuler » le rétablit"
        )
        self.delete_button.clicked.connect(lambda: self._delete_row(self.view.currentIndex().row()))
        self.refresh_button = QPushButton("Actualiser (F5)", self)
        self.refresh_button.clicked.connect(self.refresh)
        buttons = QHBoxLayout()
        buttons.addWidget(self.edit_button)
        buttons.addWidget(self.delete_button)
        buttons.addStretch(1)
        buttons.addWidget(self.refresh_button)
        return buttons

    def _build_undo_bar(self) -> QFrame:
        """The "Annuler" bar shown after a delete, for ``undo_seconds``."""
        undo_bar = QFrame(self)
        undo_bar.setObjectName("undoBar")
        undo_bar.setStyleSheet(
            "#undoBar { background: #1f2937; border-radius: 4px; } #undoBar QLabel { color: white; }"
        )
        self.undo_label = QLabel(undo_bar)
        self.undo_button = QPushButton("&Annuler (Ctrl+Z)", undo_bar)
        self.undo_button.setObjectName("undo")
        self.undo_button.clicked.connect(self.undo_delete)
        bar = QHBoxLayout(undo_bar)
        bar.addWidget(self.undo_label, 1)
        bar.addWidget(self.undo_button)
        undo_bar.hide()
        self.undo_timer = QTimer(self)
        self.undo_timer.setSingleShot(True)
        self.undo_timer.timeout.connect(self._undo_expired)
        return undo_bar

    # --- content ---------------------------------------------------------------------------------

    def refresh(self) -> None:
        current = self.view.currentIndex().row()
        today = date.today()
        try:
            entries = day_journal(self.ctx.engine, self.ctx.site.id, today)
        except UserError as exc:
            self._message(exc.message, error=True)
            return
        self.model.set_entries(entries)
        counts = journal_counts(entries)
        self.title_label.setText(
            f"<b>Journal du jour — {self.ctx.site.name}, {french_day(today)}</b> : "
            f"{counts_text(counts)}"
        )
        if entries:
            row = min(max(current, 0), len(entries) - 1)
            self.view.setCurrentIndex(self.model.index(row, 0))
        self._update_buttons()

    def _update_buttons(self) -> None:
        has = self.model.rowCount() > 0
        self.edit_button.setEnabled(has)
        self.delete_button.setEnabled(has and not self._writing)
        self.undo_button.setEnabled(not self._writing)

    @property
    def count(self) -> int:
        return self.model.rowCount()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.refresh()
        self.view.setFocus()

    # --- edit --------------------------------------------------------------------------------------

    def _edit_row(self, row: int) -> None:
        if 0 <= row < self.model.rowCount():
            self.edit_requested.emit(self.model.entry(row))

    # --- delete and undo -------------------------------------------------------------------------

    def _delete_row(self, row: int) -> None:
        if self._writing or not (0 <= row < self.model.rowCount()):
            return
        entry = self.model.entry(row)
        self._writing = True
        self.model.set_deleting(entry.id)
        self._update_buttons()
        self._message("")
        run_in_background(
            delete_contact,
            self.ctx.engine,
            entry.id,
            on_result=lambda _none: self._delete_done(entry),
            on_error=lambda exc: self._write_failed(exc, "Non supprimé"),
        )

    def _delete_done(self, entry: JournalEntry) -> None:
        self._writing = False
        self.model.set_deleting(None)
        self._deleted = entry
        self.refresh()
        self.undo_label.setText(f"Contact de {entry.local_time:%H:%M} ({entry.who}) supprimé.")
        self.undo_bar.show()
        self.undo_timer.start(int(self.undo_seconds * 1000))
        self.deleted.emit(entry)

    def undo_delete(self) -> None:
        entry = self._deleted
        if entry is None or self._writing:
            return
        self._writing = True
        self.undo_timer.stop()  # "Annuler" stays offered until the restore has answered
        self.undo_label.setText(f"Rétablissement du contact de {entry.local_time:%H:%M}…")
        self._update_buttons()
        self._message("")
        run_in_background(
            restore_contact,
            self.ctx.engine,
            entry.id,
            on_result=lambda _none: self._restore_done(entry),
            on_error=lambda exc: self._restore_failed(entry, exc),
        )

    def _restore_done(self, entry: JournalEntry) -> None:
        self._writing = False
        self._deleted = None
        self.undo_bar.hide()
        self.refresh()
        row = self.model.row_of(entry.id)
        if row is not None:
            self.view.setCurrentIndex(self.model.index(row, 0))
        self._message(f"Contact de {entry.local_time:%H:%M} ({entry.who}) rétabli.")
        self.restored.emit(entry)

    def _restore_failed(self, entry: JournalEntry, exc: BaseException) -> None:
        # Leave "Annuler" offered a while longer: the user may try again.
        self.undo_label.setText(f"Contact de {entry.local_time:%H:%M} ({entry.who}) supprimé.")
        self.undo_timer.start(int(self.undo_seconds * 1000))
        self._write_failed(exc, "Impossible de rétablir")

    def _write_failed(self, exc: BaseException, what: str) -> None:
        """The row stays as it was; say why in French (a bug also opens the crash dialog)."""
        self._writing = False
        self.model.set_deleting(None)
        self._update_buttons()
        text = failure_text(what, exc, self)
        self._message(text, error=True)
        self.write_failed.emit(text)

    def _undo_expired(self) -> None:
        self._deleted = None
        self.undo_bar.hide()

    @property
    def undo_available(self) -> bool:
        return self._deleted is not None

    @property
    def writing(self) -> bool:
        """A delete or a restore has not answered yet."""
        return self._writing

    def _message(self, text: str, *, error: bool = False) -> None:
        self.message_label.setText(text)
        self.message_label.setStyleSheet(ERROR_STYLE if error else f"color: {SUCCESS_COLOUR};")
