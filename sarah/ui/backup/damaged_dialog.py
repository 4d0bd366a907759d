"""The damaged-database dialog: what happened, the file is kept, restore or read-only."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

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

from sarah.errors import UserError
from sarah.services.backups.restore import RestoreResult, restore_backup
from sarah.services.backups.startup import StartupReport


class DamagedDatabaseDialog(QDialog):
    """Offers: restore the newest verified backup, pick another one, open read-only, quit."""

    RESTORED, READ_ONLY, QUIT = "restored", "read_only", "quit"

    def __init__(self, report: StartupReport, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.report = report
        self.choice = self.QUIT
        self.result_: RestoreResult | None = None
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
        self.error.setStyleSheet("color: #b91c1c;")

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
        """Synchronous: nothing else runs before the window exists."""
        try:
            self.result_ = restore_backup(
                self.report.database, backup, folder=self.report.backup_folder
            )
        except UserError as exc:
            self.error.setText(f"Restauration non faite : {exc}")
            return
        self.choice = self.RESTORED
        aside = self.result_.moved_aside[0].name if self.result_.moved_aside else "—"
        self.inform(
            "Restauration terminée",
            f"La sauvegarde {backup.name} a été remise en place. Le fichier endommagé est "
            f"conservé tel quel sous le nom {aside}.",
        )
        self.accept()

    def open_read_only(self) -> None:
        self.choice = self.READ_ONLY
        self.accept()
