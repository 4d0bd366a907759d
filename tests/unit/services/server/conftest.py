"""Fixtures of the server tests: a private PostgreSQL server with passwords (private_server)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from private_server import PrivateServer, private_server


@pytest.fixture(scope="session")
def password_server() -> Iterator[PrivateServer]:
    with private_server() as server:
        yield server
