"""The visitor page: search, profile, every contact at every site, first visits, merge."""

from sarah.ui.visitors.screen import VisitorsScreen

__all__ = ["VisitorsScreen"]
