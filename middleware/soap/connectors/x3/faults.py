"""X3's answers as our errors: SOAP faults, status 0 with messages, busy pools, HTTP statuses."""

from __future__ import annotations

import re

from ....errors import ErpRejected, ErpUnavailable
from .envelope import Fault, Result
from .profile import X3Profile

_FIELD = re.compile(r"^\s*(?:[A-Z0-9_]+\.)?([A-Z][A-Z0-9_]{1,14})\s+:\s+(.*)$", re.DOTALL)
_AUTH = ("authentication", "password", "user", "unauthori", "login")
_POOL = ("pool", "session", "no x3 session", "timeout waiting", "not started")
NOT_FOUND = "record does not exist"


def split_field(text: str) -> tuple[str | None, str]:
    """X3's "FIELD : message" convention -> (FIELD, message); (None, text) otherwise."""
    found = _FIELD.match(text)
    return (found.group(1), found.group(2).strip()) if found else (None, text.strip())


def fault_error(fault: Fault, operation: str) -> Exception:
    """Bad credentials are refused; any other fault (pool alias, session, server) is unavailable."""
    text = fault.text.lower()
    if any(word in text for word in _AUTH):
        return ErpRejected("AUTH_FAILED", "X3 refused the credentials")
    return ErpUnavailable(f"{operation}: X3 answered a SOAP fault: {fault.text[:200]}")


def _code(field: str | None, message: str, profile: X3Profile) -> str:
    if field == profile.orders.order_number_field:
        return "DUPLICATE_EXTERNAL_DOCUMENT_NO"
    if NOT_FOUND in message.lower():
        codes = {
            "BPCORD": "CUSTOMER_NOT_FOUND",
            "BPCNUM": "CUSTOMER_NOT_FOUND",
            "SOHNUM": "ORDER_NOT_FOUND",
            "ITMREF": "ITEM_NOT_FOUND",
            profile.pricing.customer_field: "CUSTOMER_NOT_FOUND",
        }
        return codes.get(field or "", "NOT_FOUND")
    return "VALIDATION"


def result_error(result: Result, operation: str, profile: X3Profile) -> Exception:
    """status 0: a busy pool or session problem is unavailable; an error message (type 3) is rejected."""
    errors = result.errors() or [text for _, text in result.messages] or ["X3 answered status 0"]
    first = errors[0]
    if result.busy or any(word in first.lower() for word in _POOL):
        return ErpUnavailable(f"{operation}: X3 web service pool busy or unavailable: {first[:200]}")
    field, message = split_field(first)
    return ErpRejected(_code(field, message, profile), "; ".join(errors)[:500], field=field)
