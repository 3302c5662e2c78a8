"""Imports every table module so the shared metadata knows all tables."""

from . import catalog_tables  # noqa: F401
from . import order_tables  # noqa: F401
from . import reconcile_tables  # noqa: F401
from . import audit_tables  # noqa: F401
