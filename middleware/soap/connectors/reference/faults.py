"""The reference ERP's faults (`detail/ErpFault{Code, Field, Retryable}`) and zeep errors -> our errors."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from zeep.exceptions import Error as ZeepError
from zeep.exceptions import Fault, TransportError
from zeep.exceptions import ValidationError as ZeepValidationError

from ....errors import ErpRejected, ErpUnavailable
from ..shared.errors import http_status_error, transport_errors

UNAVAILABLE_CODES = {"SERVICE_BUSY"}


def _fault_detail(fault: Fault, ns: str) -> dict[str, str | None]:
    """The ErpFault detail as plain strings (empty when the fault has none)."""
    detail = fault.detail
    if detail is None or isinstance(detail, str | bytes):
        return {}
    node = detail.find(f"{{{ns}}}ErpFault")
    if node is None:
        return {}
    return {child.tag.rpartition("}")[2]: (child.text or "").strip() for child in node}


def map_fault(fault: Fault, operation: str, ns: str) -> Exception:
    """An ERP fault as our error: SERVICE_BUSY or no ErpFault detail -> ErpUnavailable, else ErpRejected."""
    detail = _fault_detail(fault, ns)
    code = detail.get("Code")
    message = detail.get("Message") or fault.message or "ERP fault"
    if not code:
        return ErpUnavailable(f"{operation}: ERP server fault: {message}")
    if code in UNAVAILABLE_CODES:
        return ErpUnavailable(f"{operation}: {code}: {message}")
    retryable = (detail.get("Retryable") or "").lower() in {"true", "1"}
    return ErpRejected(code, message, field=detail.get("Field") or None, retryable=retryable)


@contextmanager
def erp_errors(operation: str, ns: str) -> Iterator[None]:
    """Translate transport and SOAP problems of one operation into the middleware's error tree."""
    try:
        with transport_errors(operation):
            yield
    except Fault as fault:
        raise map_fault(fault, operation, ns) from None
    except TransportError as exc:
        raise http_status_error(operation, exc.status_code) from None
    except ZeepValidationError as exc:
        raise ErpRejected("CLIENT_VALIDATION", f"{operation}: request does not fit the WSDL: {exc}") from None
    except ZeepError as exc:
        raise ErpUnavailable(f"{operation}: unusable ERP answer ({type(exc).__name__})") from None
