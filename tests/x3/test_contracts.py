"""Every request the connector sends matches the real X3 WSDLs (V6 adxwsvc, V7 Syracuse) in ../shared."""

from __future__ import annotations

import pytest
from lxml import etree

from erpsim.x3.wsdl import wsdl_bytes
from middleware.domain.pricing import PriceRequestLine
from middleware.ports.erp import ErpMessage
from middleware.soap.connectors.x3.connector import X3Erp
from middleware.soap.connectors.x3.contract import WSS, differences, wsdl_call_context, wsdl_operations
from middleware.soap.connectors.x3.envelope import XSI, safe_parser
from tests.x3.conftest import REAL_WSDL
from tests.x3.test_connector import GOLD, new_order

pytestmark = pytest.mark.skipif(not all(p.exists() for p in REAL_WSDL.values()), reason="../shared absent")


def real(version: str) -> etree._Element:
    """The real WSDL of an X3 version, parsed safely."""
    return etree.parse(str(REAL_WSDL[version]), safe_parser()).getroot()


def _qname(el: etree._Element, value: str) -> str:
    prefix, _, local = value.rpartition(":")
    return f"{{{el.nsmap.get(prefix or None, '')}}}{local}"


def _exercise(x3: X3Erp) -> None:
    x3.simulate_prices("C10000", "EUR", [PriceRequestLine("a", "MUG-01", 60, GOLD)])
    x3.get_customer("C10000")
    created = x3.create_sales_order(new_order("WEB-C-1"), "C10000")
    x3.get_sales_order(order_number="WEB-C-1")
    x3.list_sales_orders(None, 5, None)
    x3.list_items(2, None)
    x3.list_customers(2, None)
    x3.cancel_sales_order(created.erp_order_number, "contract test")
    x3.check()


def test_every_request_matches_the_real_wsdl(x3: X3Erp, version: str, messages: list[ErpMessage]) -> None:
    _exercise(x3)
    wsdl = real(version)
    operations, context = wsdl_operations(wsdl), wsdl_call_context(wsdl)
    requests = [m for m in messages if m.kind == "request"]
    assert {m.operation.split()[0] for m in requests} >= {
        "run",
        "save",
        "read",
        "query",
        "delete",
        "getDescription",
    }
    for message in requests:
        body = etree.fromstring(message.body.encode(), safe_parser())[0][0]
        name = etree.QName(body)
        assert name.namespace == WSS and name.localname in operations
        parts = [(etree.QName(p).localname, _qname(p, p.get(f"{{{XSI}}}type", ""))) for p in body]
        assert parts == list(operations[name.localname]), message.operation
        ctx = body.find("callContext")
        assert ctx is not None and tuple(etree.QName(c).localname for c in ctx) == context


def test_contract_table_matches_the_real_wsdls() -> None:
    for version in ("v6", "v7"):
        assert differences(real(version), version) == []
    assert differences(real("v6"), "v7") != []  # the call contexts differ: a wrong version is noticed


@pytest.mark.parametrize("version", ["v6", "v7"])
def test_the_dialect_serves_the_real_structure(version: str) -> None:
    served = etree.fromstring(wsdl_bytes(version, "http://localhost/x"), safe_parser())
    real_ops, served_ops = wsdl_operations(real(version)), wsdl_operations(served)
    assert served_ops and all(real_ops[op] == parts for op, parts in served_ops.items())
    assert wsdl_call_context(served) == wsdl_call_context(real(version))


def test_only_v6_carries_credentials_in_the_call_context(
    x3: X3Erp, version: str, messages: list[ErpMessage]
) -> None:
    x3.get_customer("C10000")
    bodies = " ".join(m.body for m in messages)
    assert ("<password" in bodies) is (version == "v6")
