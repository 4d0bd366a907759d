"""The one table of what each role may do: roles add up, no accounts allows everything, and a
refusal says in French who may."""

from __future__ import annotations

import pytest

from sarah.errors import UserError
from sarah.services.accounts.roles import (
    PERMISSIONS,
    ROLE_ORDER,
    Forbidden,
    may,
    refusal,
    require,
    who_may,
)
from sarah.services.accounts.store import ROLES

AGENT_MAY = {"desk", "visitors"}
COORDINATOR_MAY = AGENT_MAY | {
    "statistics",
    "exports",
    "export_named",
    "catalogue",
    "import",
    "sync",
    "backup",
    "person_export",
    "demo",
    "close_period",  # reopening is an admin's
}


def test_the_roles_are_the_accounts_roles_in_order() -> None:
    assert ROLE_ORDER == ROLES == ("agent", "coordinateur", "admin")
    assert set(PERMISSIONS.values()) <= set(ROLE_ORDER)


@pytest.mark.parametrize("permission", sorted(PERMISSIONS))
def test_what_each_role_may_do(permission: str) -> None:
    assert may("agent", permission) == (permission in AGENT_MAY)
    assert may("coordinateur", permission) == (permission in COORDINATOR_MAY)
    assert may("admin", permission)  # an admin may do everything
    assert may(None, permission)  # no accounts yet: as before accounts existed


@pytest.mark.parametrize("permission", sorted(PERMISSIONS))
def test_roles_add_up(permission: str) -> None:
    allowed = [may(role, permission) for role in ROLE_ORDER]
    assert allowed == sorted(allowed)  # once allowed, every higher role is too


def test_the_admin_only_things_of_the_issue() -> None:
    for permission in ("accounts", "settings", "restore", "purge", "erase", "audit"):
        assert not may("coordinateur", permission) and may("admin", permission)


def test_an_unknown_role_may_nothing_and_an_unknown_permission_is_a_bug() -> None:
    assert not may("stagiaire", "desk")
    with pytest.raises(KeyError):
        may("admin", "tout")


def test_the_refusal_names_who_may_in_french() -> None:
    assert who_may("statistics") == "aux coordinateurs et aux administrateurs"
    assert refusal("restore") == (
        "Action réservée aux administrateurs : votre compte ne le permet pas."
    )
    assert "aux agents et aux coordinateurs et aux administrateurs" in refusal("desk")


def test_require_raises_a_user_error_only_when_refused() -> None:
    require("coordinateur", "sync")
    require(None, "erase")
    with pytest.raises(Forbidden) as refused:
        require("agent", "statistics")
    assert isinstance(refused.value, UserError)
    assert str(refused.value) == refusal("statistics")
