"""SARAH: visits and services tracker for the employment help desks (Points Relais)."""

# The one place the version is written: pyproject.toml reads it (tool.setuptools.dynamic), so
# that a command need not import importlib.metadata (20 ms of every start) to print it.
__version__ = "0.1.0"
