"""The SOAP service the ERP calls (spyne): server, types, inbound handlers, WS-Security, hardening."""

# runs before any spyne import in this package (spyne 2.14 on Python 3.12+); see _spyne_compat
from . import _spyne_compat  # noqa: F401
