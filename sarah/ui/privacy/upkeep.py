"""The daily purges while the window is open: once the start-up work is done, then after each
midnight; off the GUI thread, in short transactions, so the desk never waits for them."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import date

from PySide6.QtCore import QEvent, QObject, QThreadPool, Signal
from PySide6.QtWidgets import QMainWindow

from sarah.services.privacy.upkeep import DailyUpkeep, daily_upkeep
from sarah.ui.context import AppContext
from sarah.ui.workers import run_in_background, when_idle

log = logging.getLogger(__name__)
MESSAGE_MS = 20_000


class PrivacyUpkeep(QObject):
    """Runs :func:`daily_upkeep` at most once a day; says in the status bar what it erased."""

    finished = Signal(object)  # DailyUpkeep
    failed = Signal(str)  # French message

    def __init__(
        self,
        ctx: AppContext,
        window: QMainWindow,
        *,
        today: Callable[[], date] = date.today,
    ) -> None:
        super().__init__(window)
        self.ctx = ctx
        self.window = window
        self._today = today
        self.last_day: date | None = None
        self.running = False
        # Set when the window is asked to close: the purge stops after its current batch, so
        # that closing waits a fraction of a second, not for the whole purge.
        self.stopping = threading.Event()
        # A thread of its own: a first purge of years may take minutes, and must never hold
        # one of the shared pool's threads that saving a contact needs.
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.window and event.type() == QEvent.Type.Close:
            self.stopping.set()
        return False

    def run_when_idle(self) -> None:
        """After the work already under way (the start-up backup): the purge makes its own."""
        when_idle(self._run, context=self)

    def _run(self) -> None:
        self.run_if_due()

    def run_if_due(self) -> bool:
        """Start today's purges unless they ran today, one runs, or the base is read-only."""
        day = self._today()
        if self.ctx.read_only or self.running or self.last_day == day or self.stopping.is_set():
            return False
        self.running = True
        self.last_day = day
        run_in_background(
            daily_upkeep,
            self.ctx.engine,
            self.ctx.settings,
            pool=self.pool,
            today=day,
            should_stop=self.stopping.is_set,
            on_result=self._done,
            on_error=self._error,
        )
        return True

    def _done(self, result: DailyUpkeep) -> None:
        self.running = False
        text = result.words()
        if text:
            log.info("daily upkeep: %s", text.replace("\n", " "))
            self.window.statusBar().showMessage(text.replace("\n", " "), MESSAGE_MS)
        self.finished.emit(result)

    def _error(self, exc: BaseException) -> None:
        self.running = False
        self.last_day = None  # try again at the next occasion (a backup folder plugged in)
        text = f"Purge de conservation non faite aujourd'hui : {exc}"
        log.warning("%s", text)
        self.window.statusBar().showMessage(text, MESSAGE_MS)
        self.failed.emit(str(exc))


def install_privacy_upkeep(window: QMainWindow, ctx: AppContext) -> PrivacyUpkeep:
    """The purges at start (once idle) and after each midnight (the window's day_changed)."""
    upkeep = PrivacyUpkeep(ctx, window)
    day_changed = getattr(window, "day_changed", None)
    if day_changed is not None:
        day_changed.connect(lambda _day: upkeep.run_if_due())
    upkeep.run_when_idle()
    return upkeep
