"""What every screen needs to know: the database, the settings, this desk's site and agent."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine

from sarah.services.sites import SiteInfo
from sarah.settings import Settings, save_settings


@dataclass
class AppContext:
    engine: Engine
    settings: Settings
    site: SiteInfo  # the home site of this installation
    agent: str
    read_only: bool = False  # True when the start-up check found a damaged file
    role: str | None = None  # the signed-in account's role; None while there are no accounts

    def save_settings(self) -> None:
        save_settings(self.settings)
