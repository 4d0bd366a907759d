"""Long work off the GUI thread.

A task is a plain function, or a generator that yields progress as ``(done, total, message)`` and
returns its result. One generic runnable runs it on QThreadPool and reports through signals;
the window never calls processEvents() and never blocks waiting for a worker: what must wait
for the work under way (closing, a restore) asks :func:`when_idle` to call it back.
"""

from __future__ import annotations

import inspect
import logging
import threading
from collections.abc import Callable
from typing import Any, cast

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal
from shiboken6 import isValid

log = logging.getLogger(__name__)

# Each started worker stays referenced until it has reported: otherwise Python may collect the
# worker and its signals object while it runs, and its result never reaches the window.
_running: set[Worker] = set()
# Callbacks waiting for no worker to run, oldest first, each with the object it belongs to.
_waiting: list[tuple[Callable[[], None], QObject | None]] = []


class WorkerSignals(QObject):
    progress = Signal(int, int, str)  # done, total, message
    result = Signal(object)
    error = Signal(object)  # the exception
    finished = Signal()


class Worker(QRunnable):
    """Runs ``fn(*args, **kwargs)``; a generator's yields become progress signals."""

    def __init__(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
        super().__init__()
        self.fn, self.args, self.kwargs = fn, args, kwargs
        self.signals = WorkerSignals()
        self._cancel = threading.Event()
        self.setAutoDelete(True)

    def cancel(self) -> None:
        """Ask a generator task to stop at its next progress step (only where that is safe)."""
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def run(self) -> None:
        try:
            out = self.fn(*self.args, **self.kwargs)
            if inspect.isgenerator(out):
                try:
                    while True:
                        if self._cancel.is_set():
                            out.close()
                            return
                        # A task yields (done, total, message), as the module docstring says.
                        done, total, message = cast(tuple[int, int, str], next(out))
                        self.signals.progress.emit(done, total, message)
                except StopIteration as stop:
                    out = stop.value
            if not self._cancel.is_set():
                self.signals.result.emit(out)
        except Exception as exc:
            log.debug("worker task failed", exc_info=True)
            self.signals.error.emit(exc)
        finally:
            self.signals.finished.emit()


def run_in_background(
    fn: Callable[..., Any],
    *args: Any,
    on_result: Callable[[Any], None] | None = None,
    on_error: Callable[[BaseException], None] | None = None,
    on_progress: Callable[[int, int, str], None] | None = None,
    on_finished: Callable[[], None] | None = None,
    pool: QThreadPool | None = None,
    **kwargs: Any,
) -> Worker:
    """Start ``fn`` on the pool. Every callback is connected before the task starts: one that
    fails at once, or is cancelled, still reports (``on_finished`` runs after result or error)."""
    worker = Worker(fn, *args, **kwargs)
    if on_result:
        worker.signals.result.connect(on_result)
    if on_error:
        worker.signals.error.connect(on_error)
    if on_progress:
        worker.signals.progress.connect(on_progress)
    _running.add(worker)
    if on_finished:
        worker.signals.finished.connect(on_finished)
    # Last: the task's own callbacks have run (a saved contact is shown) before anyone waiting
    # for idle hears of it.
    worker.signals.finished.connect(lambda: _worker_done(worker))
    (pool or QThreadPool.globalInstance()).start(worker)
    return worker


def is_idle() -> bool:
    """True when no task started by :func:`run_in_background` is still to report."""
    return not _running


def when_idle(callback: Callable[[], None], *, context: QObject | None = None) -> None:
    """Call ``callback`` on the GUI thread once no worker runs: at once when none does, else
    when the last running one has reported. A callback whose ``context`` has been destroyed
    meanwhile is dropped. Callbacks run in the order they were asked for; one that starts new
    work makes the next ones wait for that work too."""
    _waiting.append((callback, context))
    _call_waiting()


def _worker_done(worker: Worker) -> None:
    _running.discard(worker)
    _call_waiting()


def _call_waiting() -> None:
    while _waiting and not _running:
        callback, context = _waiting.pop(0)
        if context is None or isValid(context):
            callback()
