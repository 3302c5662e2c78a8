"""The ERP audit plugin's cheap paths: no signature rendering, subject and fault found by lxml."""

from __future__ import annotations

from lxml import etree

from middleware.soap.connectors.shared.recording import find_subject, is_fault, operation_name

ENV = "http://schemas.xmlsoap.org/soap/envelope/"


class _NamedOperation:
    name = "SimulateSalesPrices"

    def __str__(self) -> str:
        raise AssertionError("the operation's signature was rendered")


def test_an_operation_with_a_name_is_not_rendered() -> None:
    assert operation_name(_NamedOperation()) == "SimulateSalesPrices"
    assert operation_name("GetCustomer") == "GetCustomer"


def test_the_subject_is_the_first_non_empty_order_number_in_any_namespace() -> None:
    envelope = etree.fromstring(
        f'<s:Envelope xmlns:s="{ENV}"><s:Body><o:Create xmlns:o="urn:x">'
        "<o:ExternalDocumentNo> </o:ExternalDocumentNo>"
        "<o:ExternalDocumentNo>WEB-1</o:ExternalDocumentNo></o:Create></s:Body></s:Envelope>"
    )
    assert find_subject(envelope, ("ExternalDocumentNo",)) == "WEB-1"
    assert not is_fault(envelope)


def test_a_fault_anywhere_in_the_body_is_seen() -> None:
    envelope = etree.fromstring(f'<s:Envelope xmlns:s="{ENV}"><s:Body><s:Fault/></s:Body></s:Envelope>')
    assert is_fault(envelope) and find_subject(envelope, ("ExternalDocumentNo",)) is None
