"""Fichier → Synchroniser… : the network key, export to a USB key, import with a preview, the
dossier d'échange.

Export writes ``SARAH-<site>-<AAAA-MM-JJ>.sarahsync`` in the chosen folder. Import reads the
chosen packages first (a dry run: what each would bring), then merges them one after the other,
each in one transaction; "Arrêter" stops between two packages. Everything runs in the
background; failures are lines of the dialog (a bug also opens the crash dialog).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from sarah.services.sync.export import ExportResult
from sarah.services.sync.sender import sender_name
from sarah.services.sync.words import export_lines, import_lines
from sarah.ui.context import AppContext
from sarah.ui.dialogs.crash import failure_text
from sarah.ui.style import ERROR_STYLE, HINT_COLOUR
from sarah.ui.sync.exchange import ExchangeFolder
from sarah.ui.sync.exchange_box import ExchangeBox
from sarah.ui.sync.key_box import KeyBox
from sarah.ui.sync.tasks import (
    PackageOutcome,
    export_to_folder,
    import_packages,
    package_file_name,
    preview_packages,
)
from sarah.ui.workers import Worker, run_in_background
from sarah.vocabulary import count_of

PACKAGE_FILTER = "Paquets SARAH (*.sarahsync);;Tous les fichiers (*)"


class SyncDialog(QDialog):
    exported = Signal(object)  # ExportResult
    previewed = Signal(list)  # PackageOutcome of each chosen package (dry run)
    import_ended = Signal(list)  # PackageOutcome of each package imported (all, or until cancel)
    data_changed = Signal()  # an import changed the data: every screen reads it again

    def __init__(
        self, ctx: AppContext, exchange: ExchangeFolder, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("Synchroniser avec les autres sites")
        # Wrapped labels under-report their height: a size that holds every part.
        self.setMinimumSize(680, 640)
        self._worker: Worker | None = None
        self._preview: list[PackageOutcome] = []
        self._imported: list[PackageOutcome] = []
        self.key_box = KeyBox(ctx, self)
        self.key_box.key_changed.connect(self._update_buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(self.key_box)
        layout.addWidget(self._export_box())
        layout.addWidget(self._import_box(), 1)
        layout.addLayout(self._progress_row())
        self.exchange_box = ExchangeBox(exchange, self)
        layout.addWidget(self.exchange_box)
        layout.addLayout(self._close_row())
        self._update_buttons()

    # --- the dialog's parts, top to bottom ---------------------------------------------------

    def _export_box(self) -> QGroupBox:
        box = QGroupBox("Envoyer : écrire le paquet de ce poste (clé USB, dossier)", self)
        self.export_name = QLabel(
            f"Fichier : {package_file_name(sender_name(self.ctx.settings), date.today())}", box
        )
        self.export_name.setStyleSheet(f"color: {HINT_COLOUR};")
        self.export_button = QPushButton("&Exporter vers un dossier…", box)
        self.export_button.setObjectName("export")
        self.export_button.clicked.connect(self.choose_export_folder)
        row = QHBoxLayout(box)
        row.addWidget(self.export_name, 1)
        row.addWidget(self.export_button)
        return box

    def _import_box(self) -> QGroupBox:
        box = QGroupBox("Recevoir : importer les paquets des autres sites", self)
        self.choose_button = QPushButton("&Choisir des paquets…", box)
        self.choose_button.setObjectName("choosePackages")
        self.choose_button.clicked.connect(self.choose_packages)
        self.import_button = QPushButton("&Importer", box)
        self.import_button.setObjectName("import")
        self.import_button.clicked.connect(self.import_previewed)
        self.report = QPlainTextEdit(box)
        self.report.setObjectName("report")
        self.report.setReadOnly(True)
        self.report.setPlaceholderText(
            "Choisissez un ou plusieurs paquets : SARAH dit d'abord ce que chacun apporterait."
        )
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.choose_button)
        buttons.addWidget(self.import_button)
        layout = QVBoxLayout(box)
        layout.addWidget(self.report, 1)
        layout.addLayout(buttons)
        return box

    def _progress_row(self) -> QHBoxLayout:
        self.progress = QProgressBar(self)
        self.progress.setTextVisible(False)
        self.progress.hide()
        self.status = QLabel(self)
        self.status.setObjectName("status")
        self.status.setWordWrap(True)
        self.cancel_button = QPushButton("&Arrêter", self)
        self.cancel_button.setToolTip("Arrêter après le paquet en cours (jamais au milieu d'un)")
        self.cancel_button.clicked.connect(self.cancel)
        self.cancel_button.hide()
        row = QHBoxLayout()
        row.addWidget(self.status, 1)
        row.addWidget(self.progress)
        row.addWidget(self.cancel_button)
        return row

    def _close_row(self) -> QHBoxLayout:
        self.close_button = QPushButton("&Fermer", self)
        self.close_button.setAutoDefault(False)
        self.close_button.clicked.connect(self.reject)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.close_button)
        return row

    # --- state ----------------------------------------------------------------------------------

    @property
    def busy(self) -> bool:
        return self._worker is not None

    def _update_buttons(self) -> None:
        ready = self.key_box.has_key and not self.busy
        self.export_button.setEnabled(ready)
        self.choose_button.setEnabled(ready and not self.ctx.read_only)
        accepted = [o for o in self._preview if not o.refused]
        self.import_button.setEnabled(ready and not self.ctx.read_only and bool(accepted))
        self.close_button.setEnabled(not self.busy)

    def _run(
        self,
        text: str,
        task: Callable[..., Any],
        *args: Any,
        when_ended: Callable[[Worker], None] | None = None,
        **callbacks: Any,
    ) -> Worker:
        """Start ``task`` in the background as the dialog's one job. Its end is heard only
        while it is still that job: a preview's late "finished" never ends the import that
        the user started right after its result."""
        started: list[Worker] = []

        def ended() -> None:
            if started and started[0] is self._worker:
                (when_ended or (lambda _w: self._stop()))(started[0])

        worker = run_in_background(task, *args, on_finished=ended, **callbacks)
        started.append(worker)  # before any signal is delivered: they come through the loop
        self._start(worker, text)
        return worker

    def _start(self, worker: Worker, text: str) -> None:
        self._worker = worker
        self.status.setStyleSheet("")
        self.status.setText(text)
        self.progress.setRange(0, 0)
        self.progress.show()
        self._update_buttons()

    def _stop(self) -> None:
        self._worker = None
        self.progress.hide()
        self.cancel_button.hide()
        self._update_buttons()

    def _on_progress(self, done: int, total: int, message: str) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)
        self.status.setText(message)

    def _failed(self, what: str, exc: BaseException) -> None:
        self.status.setStyleSheet(ERROR_STYLE)
        self.status.setText(failure_text(what, exc, self))

    def activate(self) -> None:
        """Back to this dialog after a file chooser: without a window manager (a kiosk
        session) nothing activates it, and the keyboard would reach no window."""
        self.activateWindow()

    def reject(self) -> None:
        if not self.busy:  # Échap while an import runs does not leave it unreported
            super().reject()

    # --- export ---------------------------------------------------------------------------------

    def choose_export_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Dossier où écrire le paquet (clé USB)")
        self.activate()
        if folder:
            self.export_to(Path(folder))

    def export_to(self, folder: Path) -> None:
        self._run(
            f"Écriture du paquet dans {folder}…",
            export_to_folder,
            self.ctx.engine,
            folder,
            sender_name(self.ctx.settings),
            date.today(),
            on_result=self._exported,
            on_error=lambda exc: self._failed("Export impossible", exc),
        )

    def _exported(self, result: object) -> None:
        assert isinstance(result, ExportResult)
        self._stop()  # before the signal: whoever hears it sees the dialog ready again
        self.status.setText("\n".join(export_lines(result)))
        self.exported.emit(result)

    # --- import: preview, then merge ------------------------------------------------------------

    def choose_packages(self) -> None:
        paths, _filter = QFileDialog.getOpenFileNames(
            self, "Paquets à importer", "", PACKAGE_FILTER
        )
        self.activate()
        if paths:
            self.preview([Path(p) for p in paths])

    def preview(self, paths: list[Path]) -> None:
        self._preview = []
        self.report.clear()
        self._run(
            "Lecture des paquets…",
            preview_packages,
            self.ctx.engine,
            paths,
            on_result=self._previewed,
            on_error=lambda exc: self._failed("Lecture impossible", exc),
            on_progress=self._on_progress,
        )

    def _previewed(self, outcomes: object) -> None:
        assert isinstance(outcomes, list)
        self._preview = outcomes
        self._stop()
        self.report.setPlainText("\n\n".join(self._outcome_text(o) for o in outcomes))
        accepted = [o for o in outcomes if not o.refused]
        self.status.setText(
            f"{count_of(len(accepted), 'paquet lisible', 'paquets lisibles')} sur "
            f"{len(outcomes)} : « Importer » les fusionne, un par un."
            if accepted
            else "Aucun paquet importable."
        )
        self.previewed.emit(outcomes)

    def _outcome_text(self, outcome: PackageOutcome) -> str:
        if outcome.result is not None:
            return f"{outcome.path.name}\n" + "\n".join(import_lines(outcome.result))
        assert outcome.error is not None
        return failure_text(f"{outcome.path.name} refusé", outcome.error, self)

    def import_previewed(self) -> None:
        paths = [o.path for o in self._preview if not o.refused]
        if not paths or self.busy:
            return
        self._imported = []
        self._run(
            "Import des paquets…",
            import_packages,
            self.ctx.engine,
            paths,
            self._imported,
            on_error=lambda exc: self._failed("Import impossible", exc),
            on_progress=self._on_progress,
            when_ended=lambda worker: self._import_finished(worker, len(paths)),
        )
        self.cancel_button.show()
        self.cancel_button.setEnabled(True)

    def cancel(self) -> None:
        if self._worker is not None:
            self._worker.cancel()
            self.cancel_button.setEnabled(False)
            self.status.setText("Arrêt après le paquet en cours…")

    def _import_finished(self, worker: Worker, asked: int) -> None:
        cancelled = worker.cancelled
        done = list(self._imported)
        self._preview = []
        self._stop()
        self.report.setPlainText("\n\n".join(self._outcome_text(o) for o in done))
        if self.status.styleSheet() != ERROR_STYLE:
            self.status.setText(self._summary(done, asked, cancelled))
        if any(o.result is not None and o.result.changed for o in done):
            self.data_changed.emit()
        self.import_ended.emit(done)

    @staticmethod
    def _summary(done: list[PackageOutcome], asked: int, cancelled: bool) -> str:
        taken = sum(1 for o in done if not o.refused)
        text = f"{count_of(taken, 'paquet importé', 'paquets importés')} sur {asked}"
        if cancelled:
            return f"Import arrêté : {text} ; les suivants n'ont pas été touchés."
        return f"{text}. Tous les écrans affichent maintenant les données reçues."
