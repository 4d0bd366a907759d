"""The dossier d'échange, automatic: packages in and out at start, every 30 minutes, on closing.

Quiet by design: each round runs in the background and ends in one line of the status bar
(:attr:`ExchangeFolder.told`); an unreachable folder (network down, USB key out) is a calm line
and the next round tries again. Only a bug opens the crash dialog (through failure_text).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QWidget

from sarah.services.sync.sender import sender_name
from sarah.settings import Settings, save_settings
from sarah.ui.context import AppContext
from sarah.ui.dialogs.crash import failure_text
from sarah.ui.sync.exchange_round import FolderUnreachable, RoundReport, exchange_round
from sarah.ui.workers import run_in_background
from sarah.vocabulary import count_of

log = logging.getLogger(__name__)

INTERVAL_MINUTES = 30
WHAT = "Dossier d'échange"


def round_line(report: RoundReport, at: datetime) -> str:
    """What one round did, in one calm line."""
    parts = []
    taken = [o for o in report.received if o.result is not None]
    refused = [o for o in report.received if o.result is None]
    if taken:
        senders = ", ".join(sorted({o.result.sender for o in taken if o.result is not None}))
        parts.append(f"{count_of(len(taken), 'paquet reçu', 'paquets reçus')} ({senders})")
    if refused:
        parts.append(f"{count_of(len(refused), 'paquet refusé', 'paquets refusés')}")
    if report.exported is not None:
        parts.append("paquet de ce poste déposé")
    return f"{WHAT} à {at:%H:%M} : " + (", ".join(parts) if parts else "rien de nouveau") + "."


class ExchangeFolder(QObject):
    """Rounds of the exchange folder named in the settings; nothing when none is."""

    told = Signal(str)  # the status line of the last round
    received = Signal()  # a round brought changes: the screens read the data again

    def __init__(
        self,
        ctx: AppContext,
        parent: QWidget,
        *,
        interval_minutes: int = INTERVAL_MINUTES,
        clock: Callable[[], datetime] = datetime.now,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._parent = parent
        self._clock = clock
        self.running = False
        self.last_line = ""
        self.details: list[str] = []  # why the packages of the last round were refused
        self.timer = QTimer(self)
        self.timer.setInterval(interval_minutes * 60_000)
        self.timer.timeout.connect(lambda: self.run_round())

    @property
    def settings(self) -> Settings:
        return self.ctx.settings

    def folder(self) -> Path | None:
        return Path(self.settings.exchange_dir) if self.settings.exchange_dir else None

    def start(self) -> None:
        """At start: the others' packages (and ours, if the data changed), then every 30 min."""
        if self.ctx.read_only:
            return  # a read-only base neither receives nor needs to send again
        self.timer.start()
        self.run_round()

    def set_folder(self, folder: Path | None) -> None:
        """Remember the folder (settings saved) and run a round there at once."""
        self.settings.exchange_dir = str(folder) if folder else None
        save_settings(self.settings)
        if folder is None:
            self._tell(f"{WHAT} : plus utilisé sur ce poste.")
            return
        if not self.timer.isActive() and not self.ctx.read_only:
            self.timer.start()
        self.run_round()

    def run_round(self, *, receive: bool = True) -> bool:
        """One round in the background; False when none runs (no folder, one already runs)."""
        folder = self.folder()
        if folder is None or self.running or self.ctx.read_only:
            return False
        self.running = True
        run_in_background(
            exchange_round,
            self.ctx.engine,
            folder,
            sender_name(self.settings),
            receive=receive,
            on_result=self._done,
            on_error=self._failed,
        )
        return True

    def on_exit(self) -> bool:
        """The closing step: this installation's package if the data changed (no import)."""
        self.timer.stop()
        return self.run_round(receive=False)

    def _done(self, report: object) -> None:
        self.running = False
        assert isinstance(report, RoundReport)
        # A refused package is a line of the details; a bug opens the crash dialog.
        self.details = [
            failure_text(f"Paquet {o.path.name}", o.error, self._parent)
            for o in report.received
            if o.error is not None
        ]
        self._tell(round_line(report, self._clock()))
        if report.changed:
            self.received.emit()

    def _failed(self, exc: BaseException) -> None:
        self.running = False
        if isinstance(exc, FolderUnreachable):
            log.info("exchange folder unreachable: %s", exc)
            text = f"{WHAT} injoignable à {self._clock():%H:%M} : nouvel essai dans 30 minutes."
        else:
            text = failure_text(WHAT, exc, self._parent)
        self.details = []
        self._tell(text)

    def _tell(self, text: str) -> None:
        self.last_line = text
        self.told.emit(text)
