"""Who acts: one process-wide name that the services write in the audit log.

The command line keeps the default (the OS user's name); the window sets the logged-in
account's name after login. A process-wide value rather than a parameter because every
audited service would otherwise need it threaded through callers that do not care.
"""

from __future__ import annotations

from sarah.services.audit.log import os_user_name

_actor: str | None = None
_account: str | None = None


def set_actor(name: str, account: str | None = None) -> None:
    """From now on, audit entries name ``name``; ``account``: the signed-in account's name
    when ``name`` says more (the command line's "OS user (compte NAME)")."""
    global _actor, _account  # the one process-wide actor, by design
    _actor = name
    _account = account or name


def signed_in_account() -> str | None:
    """The account signed in (window or ``--compte``), None without one."""
    return _account if _actor is not None else None


def current_actor() -> str:
    """The name audit entries carry: the one set, else the OS user's name."""
    return _actor if _actor is not None else os_user_name()
