"""NAV's faults (faultcode = a NAV exception type, faultstring = the message) -> the middleware's errors."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from zeep.exceptions import Error as ZeepError
from zeep.exceptions import Fault, TransportError
from zeep.exceptions import ValidationError as ZeepValidationError

from ....errors import ErpRejected, ErpUnavailable
from ..shared.errors import http_status_error, transport_errors

# (substring of the exception type or message, our code, retryable, unavailable)
RULES: tuple[tuple[str, str, bool, bool], ...] = (
    ("LockTimeout", "LOCKED", True, True),
    ("Please try again", "LOCKED", True, True),
    ("Other user has modified", "CONCURRENCY", True, False),
    ("Concurrency", "CONCURRENCY", True, False),
    ("does not exist", "NOT_FOUND", False, False),
    ("RecordNotFound", "NOT_FOUND", False, False),
    ("is blocked", "BLOCKED", False, False),
    ("Blocked must be equal", "BLOCKED", False, False),
    ("TestField", "VALIDATION", False, False),
    ("ServiceBroker", "CLIENT_VALIDATION", False, False),
)


def fault_code(fault: Fault) -> str:
    """The NAV exception type named by a faultcode like 'a:Microsoft...NavCSideRecordNotFoundException'."""
    return str(fault.code or "").rpartition(":")[2]


def map_fault(fault: Fault, operation: str) -> Exception:
    """Unavailable for lock timeouts, rejected (retryable for concurrency) for everything NAV refused."""
    exception_type, message = fault_code(fault), str(fault.message or "NAV fault")
    for needle, code, retryable, unavailable in RULES:
        if needle in message or needle in exception_type:
            if unavailable:
                return ErpUnavailable(f"{operation}: {message}")
            return ErpRejected(code, message, retryable=retryable)
    return ErpRejected("NAV_ERROR", f"{message} ({exception_type or 'no type'})")


def is_not_found(exc: ErpRejected) -> bool:
    """Whether NAV said a record does not exist."""
    return exc.code == "NOT_FOUND"


@contextmanager
def nav_errors(operation: str) -> Iterator[None]:
    """Translate transport problems, HTTP 401/503 and NAV faults of one call into the error tree."""
    try:
        with transport_errors(operation):
            yield
    except Fault as fault:
        raise map_fault(fault, operation) from None
    except TransportError as exc:
        raise http_status_error(operation, exc.status_code) from None
    except ZeepValidationError as exc:
        raise ErpRejected("CLIENT_VALIDATION", f"{operation}: request does not fit the WSDL: {exc}") from None
    except ZeepError as exc:
        raise ErpUnavailable(f"{operation}: unusable NAV answer ({type(exc).__name__})") from None
