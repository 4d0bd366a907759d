"""Who acts: one process-wide name that the services write in the audit log.

The command line keeps the default (the OS user's name); the window sets the logged-in
account's name after login. A process-wide value rather than a parameter because every
audited service would otherwise need it threaded through callers that do not care.
"""

from __future__ import annotations

from sarah.services.audit.log import os_user_name

_actor: str | None = None


def set_actor(name: str) -> None:
    """From now on, audit entries name ``name`` (the logged-in account)."""
    global _actor  # the one process-wide actor, by design
    _actor = name


def current_actor() -> str:
    """The name audit entries carry: the one set, else the OS user's name."""
    return _actor if _actor is not None else os_user_name()
