"""The Visiteurs screen's tests: a desk at Grésilles with Nadia signed in, on a real database."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from sarah.services.sites import ensure_site
from sarah.settings import Settings
from sarah.ui.context import AppContext


@pytest.fixture
def ctx(engine: Engine) -> AppContext:
    site = ensure_site(engine, "Grésilles")
    return AppContext(engine, Settings(home_site=site.name, agent_name="Nadia"), site, "Nadia")
