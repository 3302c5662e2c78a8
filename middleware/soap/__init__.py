"""SOAP adapters: zeep client for the ERP, spyne service the ERP calls; ERP names live here only."""

# runs before any spyne import in this package (spyne 2.14 on Python 3.12+); see _spyne_compat
from . import _spyne_compat  # noqa: F401
