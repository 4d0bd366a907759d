"""Who this installation is in its network: the name its packages carry, the site it is the
desk of (none for a coordination installation, which receives every site)."""

from __future__ import annotations

from sarah.settings import Settings

COORDINATION_NAME = "Coordination"


def sender_name(settings: Settings) -> str:
    """Who this installation's packages say they come from: its site, or the coordination."""
    if settings.coordination or not settings.home_site:
        return COORDINATION_NAME
    return settings.home_site


def desk_site(settings: Settings) -> str | None:
    """The site this installation is the desk of; None for a coordination installation."""
    return None if settings.coordination else settings.home_site
