"""An in-memory keychain (a keyring backend) and the fixtures that install it or keyring's
fail backend for one test, the previous backend put back afterwards."""

from __future__ import annotations

from collections.abc import Iterator

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.backends.fail import Keyring as FailKeyring
from keyring.errors import PasswordDeleteError


class MemoryKeyring(KeyringBackend):
    """What an OS keychain keeps, in a dict: (service, username) -> password."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.kept: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.kept.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.kept[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.kept.pop((service, username), None) is None:
            raise PasswordDeleteError("no such password")


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture
def fail_keyring() -> Iterator[FailKeyring]:
    """No keychain on this PC (a Linux desk without Secret Service)."""
    previous = keyring.get_keyring()
    backend = FailKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)
