"""NAV-shaped SOAP faults: faultcode names a NAV exception type, faultstring is the human message."""

from __future__ import annotations

from lxml import etree

SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
ERROR_NS = "urn:microsoft-dynamics-schemas/error"
SERIALIZATION_NS = "http://schemas.microsoft.com/2003/10/Serialization/"
EXC = "Microsoft.Dynamics.Nav.Types.Exceptions."
NOT_FOUND = EXC + "NavCSideRecordNotFoundException"
CONCURRENCY = EXC + "NavCSideConcurrencyException"
VALIDATION = EXC + "NavTestFieldException"
DIALOG = "Microsoft.Dynamics.Nav.Types.NavNCLDialogException"
BROKER = "Microsoft.Dynamics.Nav.Service.WebServices.ServiceBrokerException"
INTERNAL = EXC + "NavCSideException"
LOCK_TIMEOUT = EXC + "NavCSideLockTimeoutException"


class NavFault(Exception):
    """A fault NAV answers with HTTP 500."""

    def __init__(self, exception_type: str, message: str) -> None:
        """Exception type (the faultcode's local part) and the human message."""
        super().__init__(message)
        self.exception_type = exception_type
        self.message = message

    @classmethod
    def not_found(cls, message: str) -> NavFault:
        """'The X does not exist. Identification fields and values: ...'."""
        return cls(NOT_FOUND, message)

    @classmethod
    def validation(cls, message: str) -> NavFault:
        """A TestField/validation error."""
        return cls(VALIDATION, message)

    @classmethod
    def dialog(cls, message: str) -> NavFault:
        """An ERROR() raised by application code."""
        return cls(DIALOG, message)

    @classmethod
    def broker(cls, message: str) -> NavFault:
        """The request could not be dispatched or deserialized."""
        return cls(BROKER, message)


def fault_envelope(fault: NavFault) -> bytes:
    """<s:Fault> as NAV's WCF endpoint writes it."""
    env = etree.Element(f"{{{SOAP_ENV}}}Envelope", nsmap={"s": SOAP_ENV})
    el = etree.SubElement(etree.SubElement(env, f"{{{SOAP_ENV}}}Body"), f"{{{SOAP_ENV}}}Fault")
    code = etree.SubElement(el, "faultcode", nsmap={"a": ERROR_NS})
    code.text = f"a:{fault.exception_type}"
    text = etree.SubElement(el, "faultstring")
    text.set("{http://www.w3.org/XML/1998/namespace}lang", "en-US")
    text.text = fault.message
    detail = etree.SubElement(
        etree.SubElement(el, "detail"), f"{{{SERIALIZATION_NS}}}string", nsmap={None: SERIALIZATION_NS}
    )
    detail.text = fault.message
    return etree.tostring(env, xml_declaration=True, encoding="utf-8")
