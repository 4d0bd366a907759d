"""A database migrated to head holds its one ``installation`` row (migration 0004), where the
network key is kept."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine


@pytest.fixture
def installation(engine: Engine) -> Engine:
    """A migrated database, no network key installed yet."""
    return engine
