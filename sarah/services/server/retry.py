"""Write transactions that collide with another desk's on a PostgreSQL server, tried again.

Two desks creating the same site, or importing the same file, at the same moment: on SQLite
the second waits for the first (``BEGIN IMMEDIATE``); on a server both run, and the second
fails at its COMMIT or its INSERT with a unique violation, a serialization failure or a
deadlock. The whole transaction is then run again, a few times, from its start: it sees what
the other desk committed (the site exists, the rows are already imported). What still fails
after that becomes :class:`ConcurrentChange`, in French. Sorted by SQLSTATE, never by text.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Generator
from typing import TYPE_CHECKING, TypeVar

from sqlalchemy.exc import DBAPIError

from sarah.errors import UserError

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

T = TypeVar("T")
Y = TypeVar("Y")

log = logging.getLogger(__name__)

UNIQUE_VIOLATION = "23505"
SERIALIZATION_FAILURE = "40001"
DEADLOCK_DETECTED = "40P01"
CONFLICTS = frozenset({UNIQUE_VIOLATION, SERIALIZATION_FAILURE, DEADLOCK_DETECTED})
ATTEMPTS = 5
# Between attempts, a random pause of up to this many seconds times the attempt number, so that
# desks that collided once do not collide again in step (deadlocks, serialization failures).
BACKOFF_S = 0.02

# pg_advisory_xact_lock keys of the work that runs one desk at a time (per database).
IMPORT_LOCK_KEY = 0x5341_5241_4849_4D50  # "SARAHIMP"


class ConcurrentChange(UserError):
    """Another desk kept changing the same data at the same moment: nothing was saved."""


CONCURRENT_MESSAGE = (
    "Un autre poste enregistrait les mêmes données au même moment ({what}) : rien n'a été "
    "enregistré ici. Réessayez."
)


def conflict_code(exc: BaseException) -> str | None:
    """The SQLSTATE of a collision with another transaction, None for any other failure."""
    orig = exc.orig if isinstance(exc, DBAPIError) else exc
    code = getattr(orig, "sqlstate", None)
    return code if code in CONFLICTS else None


def _pause(attempt: int) -> None:
    time.sleep(random.uniform(0, BACKOFF_S * attempt))  # jitter, not a secret


def retry_on_conflict(fn: Callable[[], T], *, what: str, attempts: int = ATTEMPTS) -> T:
    """``fn()`` (one whole write transaction), run again when it collides with another desk's.

    ``what`` says in French what was being saved, for the message when every attempt failed."""
    for attempt in range(1, attempts + 1):
        try:
            return fn()
        except DBAPIError as exc:
            _give_up_unless_conflict(exc, attempt, attempts, what)
            _pause(attempt)
    raise AssertionError("unreachable")  # pragma: no cover - the loop returns or raises


def retry_steps_on_conflict(
    make_steps: Callable[[], Generator[Y, None, T]], *, what: str, attempts: int = ATTEMPTS
) -> Generator[Y, None, T]:
    """The same for a transaction run as a generator of progress steps (an import): a fresh
    generator from ``make_steps`` for each attempt, its steps passed on."""
    for attempt in range(1, attempts + 1):
        try:
            return (yield from make_steps())
        except DBAPIError as exc:
            _give_up_unless_conflict(exc, attempt, attempts, what)
            _pause(attempt)
    raise AssertionError("unreachable")  # pragma: no cover - the loop returns or raises


def _give_up_unless_conflict(exc: DBAPIError, attempt: int, attempts: int, what: str) -> None:
    code = conflict_code(exc)
    if code is None:
        raise exc
    if attempt == attempts:
        raise ConcurrentChange(CONCURRENT_MESSAGE.format(what=what)) from exc
    log.info("%s: collided with another desk (SQLSTATE %s), attempt %d", what, code, attempt)


def one_at_a_time(session: Session, key: int) -> None:
    """On a server, wait until no other desk runs the work of ``key`` (until this transaction
    ends); SQLite's write transactions already run one at a time."""
    if session.get_bind().dialect.name == "postgresql":
        session.connection().exec_driver_sql(f"SELECT pg_advisory_xact_lock({key})")
