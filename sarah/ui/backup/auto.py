"""Automatic backups while the window is open: at start-up, every 30 minutes and on exit, each
only when something changed since the newest verified backup. Each runs off the GUI thread, one
at a time."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal

from sarah.services.backups.create import backup_if_changed, create_backup_steps
from sarah.services.backups.record import (
    REASON_EXIT,
    REASON_MANUAL,
    REASON_PERIODIC,
    REASON_STARTUP,
    BackupInfo,
)
from sarah.services.backups.rotation import rotate_quietly
from sarah.ui.workers import run_in_background

log = logging.getLogger(__name__)


def _backup_and_rotate(db: Path, folder: Path, reason: str):  # type: ignore[no-untyped-def]
    """Generator task for the worker: the backup's progress, then the rotation."""
    info = yield from create_backup_steps(db, folder, reason)
    rotate_quietly(folder)
    return info


def _if_changed(db: Path, folder: Path, reason: str) -> BackupInfo | None:
    return backup_if_changed(db, folder, reason)


class AutoBackup(QObject):
    """Runs the backups; tells the status bar and the Sauvegardes screen what happened."""

    started = Signal(str)  # reason
    progress = Signal(int, int, str)
    finished = Signal(object)  # BackupInfo, or None when nothing had changed
    failed = Signal(str)  # French message

    def __init__(
        self,
        database: Callable[[], Path | None],
        folder: Callable[[], Path],
        *,
        interval_minutes: int = 30,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._database = database
        self._folder = folder
        self.running = False
        self.reason: str | None = None  # of the running or last backup
        self.enabled = True
        self.exiting = False
        self.last_error: str | None = None
        self.timer = QTimer(self)
        self.timer.setInterval(max(1, interval_minutes) * 60_000)
        self.timer.timeout.connect(self.periodic)

    def start(self, *, startup_backup: bool = True) -> None:
        """Begin the 30-minute cycle; take the start-up backup (after the start-up check) when
        the data changed since the newest verified backup."""
        self.timer.start()
        if startup_backup:
            self._run(_if_changed, REASON_STARTUP)

    def periodic(self) -> None:
        self._run(_if_changed, REASON_PERIODIC)

    def backup_now(self, reason: str = REASON_MANUAL) -> bool:
        """A backup whatever changed; False when one is already running or none is possible."""
        return self._run(_backup_and_rotate, reason)

    def on_exit(self) -> bool:
        """The backup on exit, only if data changed, off the GUI thread like the others: True
        when it was started (``finished`` or ``failed`` tells when it ended). The window asks
        for it once no other work runs (:mod:`sarah.ui.closing`); a failure is only logged,
        closing goes on."""
        self.timer.stop()
        self.exiting = True  # what follows a backup (lists read again) is no longer needed
        return self._run(_if_changed, REASON_EXIT)

    def _run(self, task: Callable[..., object], reason: str) -> bool:
        db = self._database()
        if not self.enabled or db is None or self.running:
            return False
        self.running = True
        self.reason = reason
        self.started.emit(reason)
        run_in_background(
            task,
            db,
            self._folder(),
            reason,
            on_result=self._done,
            on_error=self._error,
            on_progress=self.progress.emit,
        )
        return True

    def _done(self, info: object) -> None:
        self.running = False
        self.last_error = None
        self.finished.emit(info)

    def _error(self, exc: BaseException) -> None:
        self.running = False
        self.last_error = str(exc)
        if self.reason == REASON_EXIT:
            log.warning("backup on exit failed: %s", exc)
        else:
            log.warning("automatic backup failed: %s", exc)
        self.failed.emit(str(exc))
