"""Fixtures for the window's accounts: an admin and an agent, nobody signed in between tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine

from sarah.services.accounts.store import Account, add_account
from sarah.services.audit import actor
from sarah.ui.accounts import signing_in

PASSWORD = "Accueil-Gresilles-2026"
OTHER_PASSWORD = "Bureau-Coordination-9"


@pytest.fixture(autouse=True)
def nobody_signed_in() -> Iterator[None]:
    """Signing in is process-wide (window account, audit actor): undone after each test."""
    signing_in._signed_in.clear()
    yield
    signing_in._signed_in.clear()
    actor._actor = None  # later tests' audit entries name the OS user again


@pytest.fixture
def agent_account(engine: Engine) -> Account:
    return add_account(engine, "Nadia B.", "agent", PASSWORD)


@pytest.fixture
def admin_account(engine: Engine) -> Account:
    return add_account(engine, "Karim", "admin", OTHER_PASSWORD)
