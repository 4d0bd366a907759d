"""SARAH: visits and services tracker for the employment help desks (Points Relais)."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("sarah")
except PackageNotFoundError:  # running from a source tree or a frozen build without metadata
    __version__ = "0.1.0"
