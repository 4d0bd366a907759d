"""Accounts tests hash with argon2id at a low cost: the same algorithm, a fraction of the time."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher

from sarah.services.accounts import passwords


@pytest.fixture(autouse=True)
def cheap_hasher(monkeypatch: pytest.MonkeyPatch) -> PasswordHasher:
    hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    monkeypatch.setattr(passwords, "HASHER", hasher)
    monkeypatch.setattr(passwords, "_decoy", [])
    return hasher
