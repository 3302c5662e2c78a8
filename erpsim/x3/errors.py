"""X3 answers: business errors (status 0, message type 3), pool problems and SOAP faults."""

from __future__ import annotations


class X3Error(Exception):
    """A business error: answered as status 0 with one message of type 3 ("FIELD : text" when known)."""

    def __init__(self, message: str, field: str | None = None) -> None:
        """The message text and, when X3 names it, the field."""
        super().__init__(message)
        self.text = f"{field} : {message}" if field else message


class X3Fault(Exception):
    """Answered as a SOAP fault (bad credentials, unknown pool, malformed envelope)."""

    def __init__(self, faultstring: str, faultcode: str = "soapenv:Server.userException") -> None:
        """Faultcode and faultstring as an Axis-based X3 server sends them."""
        super().__init__(faultstring)
        self.faultstring = faultstring
        self.faultcode = faultcode
