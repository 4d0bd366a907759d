"""A test fails when SARAH logs an error or a warning it did not expect (qutebrowser's
tests/helpers/logfail.py): a bug that only shows as a log line must not pass unseen.

A test that expects a warning says so with ``@pytest.mark.allow_log("text")`` (the records
whose message contains that text are accepted).
"""

from __future__ import annotations

import logging

import pytest


class LogFailHandler(logging.Handler):
    """Keeps every record of level WARNING or above from SARAH's loggers."""

    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.name == "sarah" or record.name.startswith("sarah."):
            self.records.append(record)


@pytest.fixture(autouse=True)
def fail_on_logged_problems(request: pytest.FixtureRequest):  # type: ignore[no-untyped-def]
    handler = LogFailHandler()
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield handler
    finally:
        root.removeHandler(handler)
    allowed = [t for m in request.node.iter_markers("allow_log") for t in m.args]
    unexpected = [r for r in handler.records if not any(text in r.getMessage() for text in allowed)]
    if unexpected:
        lines = "\n".join(f"{r.levelname} {r.name}: {r.getMessage()}" for r in unexpected)
        pytest.fail(f"SARAH logged what the test did not expect:\n{lines}", pytrace=False)
