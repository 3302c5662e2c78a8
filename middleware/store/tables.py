"""Imports every table module so the shared metadata knows all tables."""

from . import catalog_tables  # noqa: F401
