"""The damaged-database dialog: what happened, the file is kept, restore or read-only."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from sarah.services.backups.restore import RestoreResult, restore_backup
from sarah.services.backups.startup import StartupReport
from sarah.ui.dialogs.crash import failure_text
from sarah.ui.style import ERROR_STYLE
from sarah.ui.workers import run_in_background

BUSY_STYLE = ""  # the busy line in the dialog's ordinary text colour


class DamagedDatabaseDialog(QDialog):
    """Offers: restore the newest verified backup, pick another one, open read-only, quit."""

    RESTORED, READ_ONLY, QUIT = "restored", "read_only", "quit"
    restore_ended = Signal()  # the restore reported: done (choice RESTORED) or refused

    def __init__(self, report: StartupReport, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.report = report
        self.choice = self.QUIT
        self.result_: RestoreResult | None = None
        self.busy = False  # a restore runs
        self.choose_file: Callable[[Path], Path | None] = self._choose_file
        self.inform: Callable[[str, str], object] = lambda t, x: QMessageBox.information(self, t, x)
        self.setWindowTitle("SARAH — base de données endommagée")
        self.setModal(True)

        headline = QLabel("<h3>Le fichier de données est endommagé</h3>", self)
        self.text = QLabel(report.message.replace("\n", "<br><br>"), self)
        self.text.setWordWrap(True)
        self.text.setMinimumWidth(560)
        self.error = QLabel("", self)
        self.error.setWordWrap(True)
        self.error.setStyleSheet(ERROR_STYLE)

        self.restore_button = QPushButton("&Restaurer la dernière sauvegarde vérifiée", self)
        self.restore_button.setEnabled(report.last_verified is not None)
        self.restore_button.clicked.connect(self.restore_last)
        self.other_button = QPushButton("Choisir une &autre sauvegarde…", self)
        self.other_button.clicked.connect(self.restore_other)
        self.read_only_button = QPushButton("Ouvrir en &lecture seule", self)
        self.read_only_button.clicked.connect(self.open_read_only)
        self.quit_button = QPushButton("&Quitter", self)
        self.quit_button.clicked.connect(self.reject)

        buttons = QHBoxLayout()
        buttons.addWidget(self.restore_button)
        buttons.addWidget(self.other_button)
        buttons.addStretch(1)
        buttons.addWidget(self.read_only_button)
        buttons.addWidget(self.quit_button)
        layout = QVBoxLayout(self)
        layout.addWidget(headline)
        layout.addWidget(self.text)
        layout.addWidget(self.error)
        layout.addLayout(buttons)
        (self.restore_button if report.last_verified else self.other_button).setDefault(True)

    def _choose_file(self, start: Path) -> Path | None:
        chosen, _ = QFileDialog.getOpenFileName(
            self, "Sauvegarde à restaurer", str(start), "Sauvegardes SARAH (*.sqlite)"
        )
        return Path(chosen) if chosen else None

    def restore_last(self) -> None:
        if self.report.last_verified is not None:
            self._restore(self.report.last_verified.path)

    def restore_other(self) -> None:
        chosen = self.choose_file(self.report.backup_folder)
        if chosen is not None:
            self._restore(chosen)

    def _restore(self, backup: Path) -> None:
        """Off the GUI thread (a big file takes a while); the dialog waits, buttons disabled,
        and its choice is only set once the restore has reported."""
        self._set_busy(True)
        self.error.setStyleSheet(BUSY_STYLE)
        self.error.setText(f"Restauration de {backup.name} en cours…")
        run_in_background(
            restore_backup,
            self.report.database,
            backup,
            folder=self.report.backup_folder,
            on_result=lambda result: self._restored(backup, result),
            on_error=self._restore_failed,
        )

    def _restored(self, backup: Path, result: RestoreResult) -> None:
        self._set_busy(False)
        self.error.setText("")
        self.result_ = result
        self.choice = self.RESTORED
        aside = result.moved_aside[0].name if result.moved_aside else "—"
        self.inform(
            "Restauration terminée",
            f"La sauvegarde {backup.name} a été remise en place. Le fichier endommagé est "
            f"conservé tel quel sous le nom {aside}.",
        )
        self.accept()
        self.restore_ended.emit()

    def _restore_failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setText(failure_text("Restauration non faite", exc, self))
        self.restore_ended.emit()

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        for button in (self.other_button, self.read_only_button, self.quit_button):
            button.setEnabled(not busy)
        self.restore_button.setEnabled(not busy and self.report.last_verified is not None)

    def reject(self) -> None:
        """Échap and the title bar's close wait while a restore runs: its result must be read."""
        if not self.busy:
            super().reject()

    def open_read_only(self) -> None:
        self.choice = self.READ_ONLY
        self.accept()
