"""The one-row ``installation`` table the network key lives in.

Until migration 0004 (the coordinator's) lands, the table is created here as it will be:
``network_key TEXT NULL`` in its single row.
"""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, text


def add_installation_table(engine: Engine) -> Engine:
    with engine.begin() as conn:
        conn.execute(
            text(
                "CREATE TABLE IF NOT EXISTS installation "
                "(id INTEGER PRIMARY KEY, network_key TEXT NULL)"
            )
        )
        conn.execute(
            text(
                "INSERT INTO installation (id, network_key) SELECT 1, NULL "
                "WHERE NOT EXISTS (SELECT 1 FROM installation)"
            )
        )
    return engine


@pytest.fixture
def installation(engine: Engine) -> Engine:
    """A migrated database with its ``installation`` row, no key installed yet."""
    return add_installation_table(engine)
