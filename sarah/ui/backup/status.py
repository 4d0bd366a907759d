"""Status-bar widget: « Dernière sauvegarde vérifiée : il y a 12 min », a warning when stale."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QLabel, QWidget

from sarah.services.backups.status import BackupState, backup_state
from sarah.ui.style import SUCCESS_COLOUR
from sarah.ui.workers import run_in_background

NORMAL_STYLE = f"QLabel {{ color: {SUCCESS_COLOUR}; padding: 0 6px; }}"
WARNING_STYLE = (
    "QLabel { color: #7c2d12; background: #fed7aa; font-weight: bold; padding: 0 6px; "
    "border-radius: 3px; }"
)


class BackupStatusWidget(QLabel):
    """Says how old the newest verified backup is; refreshed every minute and after a backup."""

    clicked = Signal()
    refreshed = Signal(object)  # the BackupState shown

    def __init__(
        self,
        folder: Callable[[], Path],
        *,
        warning_hours: Callable[[], int] = lambda: 24,
        now: Callable[[], datetime] = datetime.now,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__("Sauvegardes : vérification…", parent)
        self.setObjectName("backupStatus")
        self._folder = folder
        self._warning_hours = warning_hours
        self._now = now
        self.state: BackupState | None = None
        self.setToolTip("Cliquez pour ouvrir l'écran Sauvegardes")
        self.timer = QTimer(self)
        self.timer.setInterval(60_000)
        self.timer.timeout.connect(self.refresh)
        self.timer.start()

    def refresh(self) -> None:
        """Look at the backup folder off the GUI thread (it may be a slow network folder)."""
        run_in_background(
            backup_state,
            self._folder(),
            now=self._now(),
            warning_hours=self._warning_hours(),
            on_result=self.show_state,
            on_error=lambda exc: self.setText(f"Sauvegardes : {exc}"),
        )

    def show_state(self, state: BackupState) -> None:
        self.state = state
        self.setText(("⚠ " if state.warning else "") + state.message)
        self.setStyleSheet(WARNING_STYLE if state.warning else NORMAL_STYLE)
        self.setProperty("warning", state.warning)
        tip = f"Dossier des sauvegardes : {state.folder}"
        if state.clock_notice:
            tip = state.clock_notice[0].upper() + state.clock_notice[1:] + "\n" + tip
        if state.last_verified is not None:
            tip += f"\nDernière : {state.last_verified.path.name}"
        self.setToolTip(tip + "\nCliquez pour ouvrir l'écran Sauvegardes")
        self.refreshed.emit(state)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self.clicked.emit()
        super().mousePressEvent(event)
