"""What each role may do: the one table every screen and command asks.

Roles add up: a coordinator may do what an agent may, an admin what a coordinator may. A
database without accounts (a desk that has not created its administrator yet) has no role:
everything is allowed there, as before accounts existed.
"""

from __future__ import annotations

from sarah.errors import UserError

ROLE_ORDER: tuple[str, ...] = ("agent", "coordinateur", "admin")

# The lowest role that may do each thing.
PERMISSIONS: dict[str, str] = {
    # agent: the reception desk and the network's visitors
    "desk": "agent",  # Accueil, Journal du jour, Saisie différée
    "visitors": "agent",  # search, person page, merge and its undo
    # coordinateur: the numbers and what moves data in or out
    "statistics": "coordinateur",
    "exports": "coordinateur",  # statistics exports (no names)
    "export_named": "coordinateur",  # any export that names people (drill-down, contact lists)
    "catalogue": "coordinateur",
    "import": "coordinateur",
    "sync": "coordinateur",
    "backup": "coordinateur",  # manual backups, their list (automatic ones run anyway)
    "person_export": "coordinateur",  # right of access: everything held about one person
    "demo": "coordinateur",
    "close_period": "coordinateur",  # a published semester's figures kept as published
    # admin: who may do what, how long things are kept, and what cannot be undone
    "accounts": "admin",
    "settings": "admin",  # retention, audit log, lock delay
    "restore": "admin",
    "purge": "admin",  # the retention purge, the audit log's purge
    "erase": "admin",  # erasure of one person on request
    "audit": "admin",
    "reopen_period": "admin",  # the published figures stop being the reference
}

ROLE_WORDS = {"agent": "agents", "coordinateur": "coordinateurs", "admin": "administrateurs"}


class Forbidden(UserError):
    """The signed-in role may not do this (exit code 2 on the command line)."""


def may(role: str | None, permission: str) -> bool:
    """Whether ``role`` may do ``permission``; ``None`` (no accounts on this database): yes."""
    needed = PERMISSIONS[permission]  # an unknown permission is a bug, not a refusal
    if role is None:
        return True
    return role in ROLE_ORDER and ROLE_ORDER.index(role) >= ROLE_ORDER.index(needed)


def allowed_roles(permission: str) -> tuple[str, ...]:
    """The roles that may do ``permission``, lowest first."""
    needed = PERMISSIONS[permission]
    return ROLE_ORDER[ROLE_ORDER.index(needed) :]


def who_may(permission: str) -> str:
    """Who may do it, in French: "aux coordinateurs et aux administrateurs"."""
    return "aux " + " et aux ".join(ROLE_WORDS[r] for r in allowed_roles(permission))


def refusal(permission: str) -> str:
    """The French sentence for a refusal: who may do it."""
    return f"Action réservée {who_may(permission)} : votre compte ne le permet pas."


def require(role: str | None, permission: str) -> None:
    """Raise :class:`Forbidden` when ``role`` may not do ``permission``."""
    if not may(role, permission):
        raise Forbidden(refusal(permission))
