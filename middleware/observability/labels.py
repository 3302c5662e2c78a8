"""Closed sets for metric labels: whatever a client sends, a label takes one of a few known values.

A label value that came from outside (an HTTP method, a SOAPAction, an element name) would otherwise
become a new Prometheus series per invented value and let anyone grow `/metrics` without bound.
"""

from __future__ import annotations

OTHER = "other"
HTTP_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
# The operations of our SOAP service (wsdl/middleware.wsdl; a test keeps the two equal), plus the WSDL GET
# and calls refused before authentication (counted under one label, whatever they asked for).
SOAP_OPERATIONS = frozenset(
    {
        "UpsertProducts",
        "UpsertCustomers",
        "NotifyPriceChange",
        "UpdateOrderStatus",
        "FetchNewOrders",
        "AcknowledgeOrders",
        "GetServiceStatus",
    }
)
SOAP_OPERATION_LABELS = SOAP_OPERATIONS | {"wsdl", "unknown", "unauthenticated"}
SOAP_OUTCOMES = frozenset({"ok", "partial", "client_fault", "server_fault"})


def http_method(method: str) -> str:
    """The method, or `other` for anything not in HTTP_METHODS."""
    return method if method in HTTP_METHODS else OTHER


def http_status(status: int) -> str:
    """The status code as text, or `other` outside 100-599."""
    return str(status) if 100 <= status <= 599 else OTHER


def soap_operation(operation: str) -> str:
    """A known SOAP operation, `wsdl`, or `unknown` for anything a caller invented."""
    return operation if operation in SOAP_OPERATION_LABELS else "unknown"


def soap_outcome(outcome: str) -> str:
    """ok / client_fault / server_fault / http_<status>, with the status itself closed."""
    if outcome in SOAP_OUTCOMES:
        return outcome
    if outcome.startswith("http_") and outcome[5:].isdigit():
        return f"http_{http_status(int(outcome[5:]))}"
    return OTHER
