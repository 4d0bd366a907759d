"""Closing the main window without blocking it: the work under way ends, the last work runs
(the exit backup), then the window goes, once.

The window asks :meth:`WindowClosing.may_close` from its ``closeEvent``. While a worker runs
(a contact being saved, a backup), the event is ignored, the window is disabled and says why;
when no worker runs any more, ``last_work`` is called (it may start background work: the exit
backup); when that has ended too, the window is closed again and this time may go. With nothing
running, all of this happens inside the first ``closeEvent``: the window closes at once.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QWidget

from sarah.ui.workers import is_idle, when_idle

WAITING_TEXT = "Fermeture après la fin de l'enregistrement en cours…"


class Stage(Enum):
    OPEN = "open"
    WAITING = "waiting"  # for the work under way
    LAST_WORK = "last_work"  # the exit backup, started once the work under way had ended
    READY = "ready"  # the next closeEvent closes
    CLOSED = "closed"


class WindowClosing(QObject):
    """The closing sequence of one window; ``tell`` shows a line to the user (status bar)."""

    def __init__(
        self,
        window: QWidget,
        *,
        last_work: Callable[[], None],
        tell: Callable[[str], None],
    ) -> None:
        super().__init__(window)
        self._window = window
        self._last_work = last_work
        self._tell = tell
        self.stage = Stage.OPEN
        self._deciding = False  # inside may_close: the window is closed by its own event

    def may_close(self) -> bool:
        """For ``closeEvent``: True when the window may go now. The first call starts the
        sequence; later calls while it runs say no and start nothing (one closing)."""
        if self.stage is Stage.OPEN:
            self._deciding = True
            try:
                self._begin()
            finally:
                self._deciding = False
        return self.stage in (Stage.READY, Stage.CLOSED)

    def first_close(self) -> bool:
        """True the one time the window really goes (then its engine may be disposed)."""
        if self.stage is Stage.CLOSED:
            return False
        self.stage = Stage.CLOSED
        return True

    def _begin(self) -> None:
        self.stage = Stage.WAITING
        self._window.setEnabled(False)  # nothing new is typed or started while closing
        if not is_idle():
            self._tell(WAITING_TEXT)
        when_idle(self._work_ended, context=self)

    def _work_ended(self) -> None:
        self.stage = Stage.LAST_WORK
        self._window.setEnabled(False)  # a restore that ended meanwhile enabled it again
        try:
            self._last_work()  # what it starts says so itself (the exit backup's line)
        finally:  # a bug there goes to the crash dialog; the window still closes
            when_idle(self._ready, context=self)

    def _ready(self) -> None:
        self.stage = Stage.READY
        if not self._deciding:
            self._window.close()
