"""The background runner reports every task, even one that fails the moment it starts; what must
wait for the work under way is called back once no task runs (when_idle), never by blocking."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from sarah.errors import UserError
from sarah.ui.workers import is_idle, run_in_background, when_idle

WAIT_MS = 20_000


@pytest.fixture
def release() -> Iterator[threading.Event]:
    """Holds a background task until the test lets it go (set at the end whatever happens)."""
    event = threading.Event()
    yield event
    event.set()


def _refuse() -> None:
    raise UserError("Fichier introuvable : absent.xlsx")


def test_a_task_failing_at_once_still_reports_error_then_finished(qtbot) -> None:  # type: ignore[no-untyped-def]
    events: list[str] = []
    run_in_background(
        _refuse,
        on_result=lambda _value: events.append("result"),
        on_error=lambda exc: events.append(f"error: {exc}"),
        on_finished=lambda: events.append("finished"),
    )
    qtbot.waitUntil(lambda: "finished" in events)
    assert events == ["error: Fichier introuvable : absent.xlsx", "finished"]


def test_a_task_that_succeeds_reports_its_result_before_finished(qtbot) -> None:  # type: ignore[no-untyped-def]
    events: list[object] = []
    run_in_background(
        lambda a, b: a + b,
        2,
        3,
        on_result=events.append,
        on_finished=lambda: events.append("finished"),
    )
    qtbot.waitUntil(lambda: "finished" in events)
    assert events == [5, "finished"]


def test_when_idle_calls_back_at_once_when_nothing_runs(qtbot) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(is_idle, timeout=WAIT_MS)
    called: list[str] = []
    when_idle(lambda: called.append("idle"))
    assert called == ["idle"]


def test_when_idle_waits_for_the_last_running_task(qtbot, release) -> None:  # type: ignore[no-untyped-def]
    events: list[str] = []
    run_in_background(release.wait, 10, on_finished=lambda: events.append("first"))
    run_in_background(lambda: None, on_finished=lambda: events.append("second"))
    when_idle(lambda: events.append("idle"))
    assert "idle" not in events and not is_idle()
    qtbot.waitUntil(lambda: "second" in events, timeout=WAIT_MS)
    assert "idle" not in events  # one task still runs
    release.set()
    qtbot.waitUntil(lambda: "idle" in events, timeout=WAIT_MS)
    assert events == ["second", "first", "idle"]


def test_a_callback_whose_owner_is_gone_is_dropped(qtbot, release) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import QObject
    from shiboken6 import delete

    owner = QObject()
    called: list[str] = []
    done: list[str] = []
    run_in_background(release.wait, 10, on_finished=lambda: done.append("done"))
    when_idle(lambda: called.append("owner's"), context=owner)
    delete(owner)
    release.set()
    qtbot.waitUntil(lambda: done == ["done"] and is_idle(), timeout=WAIT_MS)
    assert called == []
