"""The coordinator's service catalogue screen."""

from sarah.ui.catalogue.screen import CatalogueScreen

__all__ = ["CatalogueScreen"]
