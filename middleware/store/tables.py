"""Imports every table module so the shared metadata knows all tables."""

from . import (
    admin_sessions,  # noqa: F401
    audit_tables,  # noqa: F401
    catalog_tables,  # noqa: F401
    order_tables,  # noqa: F401
    reconcile_tables,  # noqa: F401
)
