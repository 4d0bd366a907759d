"""Fichier > Importer un tableur… (Ctrl+I): contacts kept outside SARAH, from a .csv or .xlsx file.

The same import as ``sarah contacts import``, in three steps:

1. A file is chosen (button, or dropped on the dialog). It is read and checked in the background
   and what the import would do is shown: contacts per site, new people, new sites, rows already
   imported. A file with bad rows lists every one of them (line, column, value, why) in a table
   that can be copied, and cannot be imported.
2. "Importer" runs the service's import of the rows checked in step 1 (its verified backup
   first, then one transaction), with a progress bar. "Annuler" closes the
   import generator at its next step: the transaction is rolled back and nothing is written.
3. The French summary; :attr:`ImportDialog.imported` tells the window to refresh its screens.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QStackedWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from sarah.errors import UserError
from sarah.services.backups.record import BackupInfo
from sarah.services.imports.parsed import ParsedImport
from sarah.services.imports.problems import ImportRejected
from sarah.services.imports.result import ImportResult
from sarah.services.imports.run import (
    ImportRun,
    Period,
    import_checked_steps,
    preview_file_steps,
)
from sarah.ui.context import AppContext
from sarah.ui.dialogs.crash import failure_text
from sarah.ui.dialogs.import_problems import PLAIN_STYLE, ProblemsPage
from sarah.ui.dialogs.import_report import checked_status, imported_status, report_html
from sarah.ui.dialogs.spreadsheet_file import ask_spreadsheet, dropped_spreadsheet
from sarah.ui.style import ERROR_STYLE, SUCCESS_STYLE
from sarah.ui.workers import Worker, run_in_background

INTRO = (
    "Contacts tenus hors de SARAH (feuilles de pointage, mois re-saisis après une panne, autre "
    "outil) : un contact par ligne, avec les colonnes <b>date</b>, <b>site</b>, <b>canal</b>, "
    "<b>nom</b>, <b>prenom</b> et, si vous les avez, heure, sexe, date_naissance, visiteur, "
    "services. Le fichier est d'abord vérifié : rien n'est enregistré avant « Importer »."
)


# --- the dialog ------------------------------------------------------------------------------------


class ImportDialog(QDialog):
    """Choose a spreadsheet, see what would be imported (or every bad row), then import it."""

    checked = Signal(object)  # ImportResult of the dry run, now shown
    refused = Signal(object)  # the UserError shown: bad rows, unreadable or empty file
    imported = Signal(object)  # ImportResult, after COMMIT
    cancelled = Signal()  # a check or an import stopped by the user: nothing written
    failed = Signal(object)  # the exception of a check or an import that did not happen

    REPORT_PAGE, PROBLEMS_PAGE = 0, 1

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        # Replaceable in tests: the file chooser.
        self.choose_file: Callable[[], Path | None] = self._ask_file
        self.path: Path | None = None
        self.preview: ImportResult | None = None  # the dry run of the file shown
        self.import_result: ImportResult | None = None  # the import done
        self.backup: BackupInfo | None = None
        self.period: Period | None = None  # first and last day of the file's contacts
        self._parsed: ParsedImport | None = None
        self._worker: Worker | None = None
        self._run: ImportRun | None = None
        # What the running task reported (result or error) and what to do with it, once it
        # has stopped: observers of the signals then see a settled dialog.
        self._outcome: tuple[bool, Any] | None = None
        self._handlers: tuple[Callable[[Any], None], Callable[[BaseException], None]] | None = None
        self._close_with: int | None = None  # close once the running task has stopped

        self.setWindowTitle("Importer un tableur")
        self.setAcceptDrops(True)
        intro = QLabel(INTRO, self)
        intro.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(self._file_row())
        layout.addWidget(self._status_line())
        self.progress = QProgressBar(self)
        self.progress.setVisible(False)
        layout.addWidget(self.progress)
        layout.addWidget(self._pages(), 1)
        layout.addLayout(self._buttons())
        self.resize(780, 540)

        if ctx.read_only:
            self._status(
                "La base est ouverte en lecture seule : un fichier peut être vérifié, mais pas "
                "importé.",
                ERROR_STYLE,
            )
        else:
            self._status("Choisissez le fichier à importer.", PLAIN_STYLE)
        self._update_buttons()
        self.choose_button.setFocus()

    # --- the dialog's parts, top to bottom ---------------------------------------------------

    def _file_row(self) -> QHBoxLayout:
        """The file chosen (read-only) and the button that chooses it."""
        self.file_edit = QLineEdit(self)
        self.file_edit.setReadOnly(True)
        self.file_edit.setPlaceholderText("Aucun fichier choisi (vous pouvez aussi le déposer ici)")
        self.choose_button = QPushButton("&Choisir un fichier…", self)
        self.choose_button.setToolTip("Un fichier .csv ou .xlsx")
        self.choose_button.setAutoDefault(False)
        self.choose_button.clicked.connect(self.choose)
        row = QHBoxLayout()
        label = QLabel("&Fichier :", self)
        label.setBuddy(self.choose_button)
        row.addWidget(label)
        row.addWidget(self.file_edit, 1)
        row.addWidget(self.choose_button)
        return row

    def _status_line(self) -> QLabel:
        """What the dialog is doing or found (selectable, copied above the bad rows)."""
        self.status_label = QLabel(self)
        self.status_label.setObjectName("importStatus")
        self.status_label.setWordWrap(True)
        self.status_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        return self.status_label

    def _pages(self) -> QStackedWidget:
        """The report (what would be or was imported) or the table of bad rows."""
        self.report = QTextBrowser(self)
        self.report.setObjectName("importReport")
        self.report.setOpenLinks(False)
        self.problems_page = ProblemsPage(self, status=self.status_label)
        self.problems_model = self.problems_page.model
        self.problems_view = self.problems_page.view
        self.problems_hint = self.problems_page.hint
        self.copy_button = self.problems_page.copy_button
        self.pages = QStackedWidget(self)
        self.pages.addWidget(self.report)
        self.pages.addWidget(self.problems_page)
        return self.pages

    def _buttons(self) -> QHBoxLayout:
        self.import_button = QPushButton("&Importer", self)
        self.import_button.setToolTip("Sauvegarde de sécurité, puis import de tout le fichier")
        self.import_button.clicked.connect(self.start_import)
        self.cancel_button = QPushButton("&Annuler", self)
        self.cancel_button.setToolTip("Arrêter : rien n'est enregistré")
        self.cancel_button.setAutoDefault(False)
        self.cancel_button.clicked.connect(self.cancel)
        self.close_button = QPushButton("Fer&mer", self)
        self.close_button.setAutoDefault(False)
        self.close_button.clicked.connect(self.reject)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.import_button)
        row.addWidget(self.cancel_button)
        row.addWidget(self.close_button)
        return row

    # --- state -------------------------------------------------------------------------------

    @property
    def busy(self) -> bool:
        return self._worker is not None

    def can_import(self) -> bool:
        return (
            not self.busy
            and not self.ctx.read_only
            and self._parsed is not None
            and self.preview is not None
            and self.preview.contacts_added > 0
            and self.import_result is None
        )

    def _update_buttons(self) -> None:
        self.choose_button.setEnabled(not self.busy)
        self.import_button.setEnabled(self.can_import())
        self.import_button.setDefault(self.can_import())
        self.cancel_button.setVisible(self.busy)
        self.cancel_button.setEnabled(self.busy and not self._worker_cancelled())

    def _worker_cancelled(self) -> bool:
        return self._worker is not None and self._worker.cancelled

    def _status(self, text: str, style: str = PLAIN_STYLE) -> None:
        self.status_label.setText(text)
        self.status_label.setStyleSheet(style)

    def _start(
        self,
        fn: Callable[..., Any],
        *args: Any,
        on_result: Callable[[Any], None],
        on_error: Callable[[BaseException], None],
    ) -> None:
        self._outcome = None
        self._handlers = (on_result, on_error)
        self.progress.setRange(0, 0)
        self.progress.setVisible(True)
        # "finished" is connected before the task starts: a task failing at once (file not
        # found) or cancelled reports nothing else. The dialog keeps the worker until it stopped.
        self._worker = run_in_background(
            fn,
            *args,
            on_result=self._got_result,
            on_error=self._got_error,
            on_progress=self._progress,
            on_finished=self._stopped,
        )
        self._update_buttons()
        self.cancel_button.setFocus()

    def _got_result(self, value: object) -> None:
        self._outcome = (True, value)

    def _got_error(self, exc: BaseException) -> None:
        self._outcome = (False, exc)

    def _settle(self) -> None:
        """Buttons and focus for the state reached (called before each signal is emitted)."""
        self._update_buttons()
        if self.import_button.isEnabled():
            self.import_button.setFocus()
        elif self.pages.currentIndex() == self.PROBLEMS_PAGE:
            self.problems_view.setFocus()
        else:
            self.close_button.setFocus()

    def _progress(self, done: int, total: int, message: str) -> None:
        if self._worker_cancelled():
            return
        if total > 0:
            self.progress.setRange(0, 1000)
            self.progress.setValue(min(1000, done * 1000 // total))
        else:
            self.progress.setRange(0, 0)
        self._status(message, PLAIN_STYLE)

    # --- 1. choose and check -------------------------------------------------------------------

    def _ask_file(self) -> Path | None:
        return ask_spreadsheet(self, self.path)

    def choose(self) -> None:
        """Ask for a file, then check it."""
        if self.busy:
            return
        chosen = self.choose_file()
        if chosen is not None:
            self.check(chosen)

    def check(self, path: Path) -> None:
        """Read and check ``path`` in the background; show what would be imported."""
        if self.busy:
            return
        self.path = Path(path)
        self.preview = self.import_result = self.backup = self.period = None
        self._parsed = None
        self.file_edit.setText(str(self.path))
        self.report.clear()
        self.problems_model.set_problems([])
        self.pages.setCurrentIndex(self.REPORT_PAGE)
        self._status(f"Vérification de {self.path.name}…")
        self._start(
            preview_file_steps,
            self.ctx.engine,
            self.path,
            on_result=self._checked,
            on_error=self._check_failed,
        )

    def _checked(self, out: tuple[ParsedImport, ImportResult, Period | None]) -> None:
        self._parsed, self.preview, self.period = out
        self.report.setHtml(report_html(self.preview, period=self.period))
        self.pages.setCurrentIndex(self.REPORT_PAGE)
        self._status(*checked_status(self.preview, read_only=self.ctx.read_only))
        self._settle()
        self.checked.emit(self.preview)

    def _check_failed(self, exc: BaseException) -> None:
        if isinstance(exc, ImportRejected) and exc.problems:
            self.problems_model.set_problems(exc.problems)
            self.pages.setCurrentIndex(self.PROBLEMS_PAGE)
            self._status(exc.message + exc.unlisted_note, ERROR_STYLE)
            self._settle()
            self.refused.emit(exc)
            return
        self._show_failure("Fichier non vérifié", exc)
        if isinstance(exc, UserError):  # unreadable, empty, too large...: the file is refused
            self.refused.emit(exc)
        else:
            self.failed.emit(exc)

    def _show_failure(self, what: str, exc: BaseException) -> None:
        """The failure's line (a bug also opens the crash dialog); a user's problem lists its
        details in the report, a bug leaves the report as it was."""
        self._status(failure_text(what, exc, self), ERROR_STYLE)
        if isinstance(exc, UserError):
            items = "".join(f"<li>{html.escape(d)}</li>" for d in exc.details)
            self.report.setHtml(f"<ul>{items}</ul>" if items else "")
            self.pages.setCurrentIndex(self.REPORT_PAGE)
        self._settle()

    # --- 2. import -----------------------------------------------------------------------------

    def start_import(self) -> None:
        """The verified backup, then the import, in the background (Annuler stops it)."""
        if not self.can_import():
            return
        assert self._parsed is not None
        run = self._run = ImportRun()
        self._status("Sauvegarde de sécurité avant l'import…")
        self._start(
            partial(import_checked_steps, run=run),
            self.ctx.engine,
            self._parsed,
            on_result=lambda result: self._show_imported(result, run.backup),
            on_error=self._import_failed,
        )

    def _show_imported(self, result: ImportResult, backup: BackupInfo | None) -> None:
        self.import_result = result
        self.backup = backup
        self._parsed = None  # free the checked rows; importing them again would add nothing
        self.report.setHtml(report_html(result, period=self.period, backup=self.backup))
        self.pages.setCurrentIndex(self.REPORT_PAGE)
        self._status(imported_status(result), SUCCESS_STYLE)
        self._settle()
        self.imported.emit(result)

    def _import_failed(self, exc: BaseException) -> None:
        self._show_failure("Import non fait, rien n'a été enregistré", exc)
        self.failed.emit(exc)

    # --- cancel, close -------------------------------------------------------------------------

    def cancel(self) -> None:
        """Stop the running check or import at its next step: nothing is written."""
        if self._worker is None or self._worker.cancelled:
            return
        self._worker.cancel()
        self._status("Annulation en cours… rien ne sera enregistré.", PLAIN_STYLE)
        self._update_buttons()

    def _stopped(self) -> None:
        """The running task has ended: it answered, was cancelled, or was cancelled too late."""
        run, outcome, handlers = self._run, self._outcome, self._handlers
        self._worker = None
        self._run = self._outcome = self._handlers = None
        self.progress.setVisible(False)
        if run is None and self._close_with is not None:
            outcome = None  # a check the user closed on: its late answer is not wanted any more
        if outcome is not None and handlers is not None:
            ok, value = outcome
            if ok:
                handlers[0](value)
            else:
                handlers[1](value)
        elif run is not None and run.result is not None:
            # Cancelled once the COMMIT had begun: the import did happen, say so.
            self._show_imported(run.result, run.backup)
        else:
            if run is not None:
                self._status(
                    "Import annulé : rien n'a été enregistré. Vous pouvez l'importer plus tard.",
                    PLAIN_STYLE,
                )
            else:
                self._parsed = self.preview = None
                self.report.clear()
                self._status("Vérification annulée.", PLAIN_STYLE)
            self._settle()
            self.cancelled.emit()
        if self._close_with is not None:
            code, self._close_with = self._close_with, None
            self.done(code)

    def done(self, r: int) -> None:
        """Closing while a check or an import runs cancels it first (nothing written)."""
        if self.busy:
            self._close_with = r
            self.cancel()
            return
        self._parsed = None  # the checked rows of a large file are not kept once closed
        super().done(r)

    # --- copy ----------------------------------------------------------------------------------

    def copy_problems(self) -> None:
        """The refusal and every bad row, to paste into a spreadsheet or an e-mail."""
        self.problems_page.copy_all()

    def copy_selected_problems(self) -> None:
        self.problems_page.copy_selected()

    # --- drop a file ---------------------------------------------------------------------------

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if not self.busy and dropped_spreadsheet(event) is not None:
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        path = dropped_spreadsheet(event)
        if path is None or self.busy:
            event.ignore()
            return
        event.acceptProposedAction()
        self.check(path)
