"""The one exception tree of the middleware.

    MiddlewareError
    ├── ConfigError            a setting is missing or malformed (names the variable)
    ├── InputError             bad input from outside (names the field)       -> 400/422, SOAP Client
    ├── NotFound               an unknown customer, product or order          -> 404
    ├── Conflict               same key, different content                    -> 409
    ├── AuthenticationError    missing or wrong credentials                   -> 401
    ├── PricesUnavailable      no fresh nor acceptable stale price            -> 503 + Retry-After
    ├── StoreUnavailable       the database cannot write (locked, read-only, full, gone) -> 503 + Retry-After
    └── ErpError               anything the ERP link reports
        ├── ErpUnavailable     refused, 5xx, busy: retry later
        │   └── ErpTimeout     the request may have reached the ERP: ask before retrying a write
        └── ErpRejected        a business fault from the ERP (code, field, retryable)

Each adapter maps this tree to its protocol in one place (REST: problem+json, SOAP: Fault).
"""

from __future__ import annotations


class MiddlewareError(Exception):
    """Base of every error the middleware raises on purpose."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ConfigError(MiddlewareError):
    """A setting is missing or malformed."""

    def __init__(self, variable: str, message: str) -> None:
        super().__init__(f"{variable}: {message}")
        self.variable = variable
        self.reason = message


class InputError(MiddlewareError):
    """Bad input from outside; `field` names the offending part."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class NotFound(MiddlewareError):
    """An unknown customer, product or order."""

    def __init__(self, kind: str, key: str) -> None:
        super().__init__(f"{kind} {key!r} not found")
        self.kind = kind
        self.key = key


class Conflict(MiddlewareError):
    """The same key was used before with different content."""


class AuthenticationError(MiddlewareError):
    """Missing or wrong credentials."""


class PricesUnavailable(MiddlewareError):
    """Neither the ERP nor an acceptable stale quote can answer."""

    def __init__(self, message: str, retry_after: int = 5) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class StoreUnavailable(MiddlewareError):
    """The database refused or could not take the work (locked, read-only, full, unreachable): retry later."""

    def __init__(self, message: str, retry_after: int = 5) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class ErpError(MiddlewareError):
    """Anything the ERP link reports."""


class ErpUnavailable(ErpError):
    """The ERP could not be reached, was busy or answered nothing usable; retry later.

    Only this class itself promises that the call took no effect; its subclass ErpTimeout does not.
    """

    retryable = True


class ErpTimeout(ErpUnavailable):
    """The call may or may not have reached the ERP: the outcome is unknown (look the order up first)."""


class ErpRejected(ErpError):
    """A business fault from the ERP."""

    def __init__(
        self, code: str, message: str, field: str | None = None, retryable: bool = False
    ) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.reason = message
        self.field = field
        self.retryable = retryable
