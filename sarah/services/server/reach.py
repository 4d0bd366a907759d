"""Whether a PostgreSQL server can be reached now, and if not what is wrong, in French.

For the window's retry loop and its server form: the same probe and the same messages as the
failures of ``open_database`` (``sarah.db.server_error``), without opening an engine.
"""

from __future__ import annotations

import os

from sqlalchemy.engine import make_url

from sarah import server_probe
from sarah.db import CONNECT_TIMEOUT_S, database_url, server_of
from sarah.errors import ServerUnreachable, UserError


def server_problem(
    url: str | os.PathLike[str], timeout: float = CONNECT_TIMEOUT_S
) -> UserError | None:
    """What stops SARAH from connecting to the server of ``url`` now, None when nothing does
    (or when ``url`` names a file). A :class:`ServerUnreachable` is worth trying again later;
    a :class:`~sarah.errors.ServerRefused` needs a setting corrected first."""
    parsed = make_url(database_url(url))
    if parsed.get_backend_name() == "sqlite":
        return None
    server = server_of(parsed)
    found = server_probe.probe(server, timeout)
    if found.outcome == server_probe.ANSWERED:
        return None
    return server_probe.error_for_probe(server, found, timeout)


def worth_retrying(problem: UserError | None) -> bool:
    """True for a server that may come back by itself (down, restarting, network cut)."""
    return isinstance(problem, ServerUnreachable)
