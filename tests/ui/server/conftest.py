"""The window on a server: a migrated PostgreSQL database reached through a proxy that the test
stops and starts (tests/helpers/pg_proxy.py), and the keychain fixtures."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from helpers.memory_keyring import fail_keyring, memory_keyring  # noqa: F401 - fixtures
from helpers.pg_proxy import PgProxy
from sqlalchemy import Engine

pytestmark = pytest.mark.postgres


@pytest.fixture
def proxy() -> Iterator[PgProxy]:
    with PgProxy() as running:
        yield running


@pytest.fixture
def proxied_url(pg_engine: Engine, proxy: PgProxy) -> str:
    """The test's migrated database, through the proxy (no password: trust auth)."""
    assert pg_engine.url.database is not None
    return proxy.url(pg_engine.url.database)
