"""Transport failures of any connector's HTTP call, mapped to the middleware's error tree."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import requests
from urllib3.exceptions import ConnectTimeoutError, NewConnectionError

from ....errors import ErpRejected, ErpTimeout, ErpUnavailable

# what a transport failure means, whichever HTTP client met it (requests here, http.client in keepalive.py)
CONNECT_TIMED_OUT = "connecting to the ERP timed out"
UNREACHABLE = "cannot reach the ERP"
NO_ANSWER = "the ERP did not answer in time; the outcome is unknown"
LOST = "connection lost mid-call; the outcome is unknown"


def never_sent(exc: requests.exceptions.ConnectionError) -> bool:
    """Whether the failure happened while connecting (refused, unresolvable), before any byte was sent."""
    cause = exc.args[0] if exc.args else None
    reason = getattr(cause, "reason", cause)
    return isinstance(reason, NewConnectionError | ConnectTimeoutError)


def http_status_error(operation: str, status_code: int) -> Exception:
    """An HTTP error status as our error: 401/403 refused credentials, anything else unavailable."""
    if status_code in (401, 403):
        return ErpRejected("AUTH_FAILED", "the ERP refused our credentials")
    return ErpUnavailable(f"{operation}: ERP answered HTTP {status_code}")


@contextmanager
def transport_errors(operation: str) -> Iterator[None]:
    """Translate the requests exceptions of one operation into ErpUnavailable / ErpTimeout."""
    try:
        yield
    except requests.exceptions.ConnectTimeout:
        raise ErpUnavailable(f"{operation}: {CONNECT_TIMED_OUT}") from None
    except requests.exceptions.ReadTimeout:
        raise ErpTimeout(f"{operation}: {NO_ANSWER}") from None
    except requests.exceptions.ConnectionError as exc:
        if never_sent(exc):
            raise ErpUnavailable(f"{operation}: {UNREACHABLE}") from None
        # the connection broke after the request went out: the ERP may have acted on it
        raise ErpTimeout(f"{operation}: {LOST}") from None
    except requests.exceptions.RequestException as exc:
        raise ErpUnavailable(f"{operation}: HTTP error talking to the ERP ({type(exc).__name__})") from None
