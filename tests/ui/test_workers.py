"""The background runner reports every task, even one that fails the moment it starts."""

from __future__ import annotations

from sarah.errors import UserError
from sarah.ui.workers import run_in_background


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
