"""The ERP's business error, rendered as a SOAP fault with an ErpFault detail."""

from __future__ import annotations

RETRYABLE_CODES = frozenset({"SERVICE_BUSY", "INTERNAL"})


class ErpError(Exception):
    """A fault the ERP answers: code, human message, offending field and retryability."""

    def __init__(
        self, code: str, message: str, field: str | None = None, existing_order_no: str | None = None
    ) -> None:
        """Create the error; Retryable follows from the code."""
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field
        self.existing_order_no = existing_order_no

    @property
    def retryable(self) -> bool:
        """True for transient failures (SERVICE_BUSY, INTERNAL)."""
        return self.code in RETRYABLE_CODES

    @property
    def fault_code(self) -> str:
        """SOAP 1.1 faultcode: Server for transient failures, Client otherwise."""
        return "soap:Server" if self.retryable else "soap:Client"
