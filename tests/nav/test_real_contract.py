"""Against the real NAV 2016 contracts in ../shared/erp-contracts/nav (skipped when the folder is absent)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from erpsim.app import _reply
from erpsim.config import SimConfig
from erpsim.nav.app import NavOptions, NavSimulator
from erpsim.nav.pages import SALES_ORDER
from erpsim.nav.wsdl import page_wsdl, schema_of
from erpsim.server import SimulatorServer
from erpsim.soap import envelope, parse_envelope
from middleware.domain.configuration import Configuration
from middleware.domain.orders import Address, NewOrder, OrderLine, OrderTotals
from middleware.domain.pricing import PriceRequestLine
from middleware.errors import ErpError
from middleware.ports.erp import ErpMessage
from middleware.soap.connectors.nav.connector import NavErp
from tests.nav.helpers import CONTRACTS, PASSWORD, USERS, NavServer, connector_config, profile

pytestmark = pytest.mark.skipif(not CONTRACTS.is_dir(), reason="../shared/erp-contracts/nav is absent")
WSDL = "http://schemas.xmlsoap.org/wsdl/"
XSD = "http://www.w3.org/2001/XMLSchema"
PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
ITALIAN_ORDER_FIELD = "Additional_Information"  # page 42 of this localization has no External_Document_No


def _conventions(wsdl: bytes) -> dict[str, object]:
    root = etree.fromstring(wsdl, PARSER)
    ns = root.get("targetNamespace")
    schema = root.find(f"{{{WSDL}}}types/{{{XSD}}}schema")
    types = {t.get("name"): t for t in schema}
    entity = types["SalesOrder"]
    lines = types[entity.find(f".//{{{XSD}}}element[@name='SalesLines']").get("type").split(":")[1]]
    line_entity = types[lines.find(f".//{{{XSD}}}element").get("type").split(":")[1]]
    actions = {
        op.get("name"): op.find("{http://schemas.xmlsoap.org/wsdl/soap/}operation").get("soapAction")
        for op in root.iter(f"{{{WSDL}}}operation")
        if op.getparent().tag == f"{{{WSDL}}}binding"
    }
    read_multiple = [
        (e.get("name"), e.get("minOccurs"), e.get("maxOccurs"))
        for e in types["ReadMultiple"].iter(f"{{{XSD}}}element")
    ]
    return {
        "namespace": ns,
        "operations": sorted(actions),
        "soap_actions": all(a == f"{ns}:{op}" for op, a in actions.items()),
        "key_first": entity.find(f".//{{{XSD}}}element").get("name"),
        "line_key_first": line_entity.find(f".//{{{XSD}}}element").get("name"),
        "list": types["SalesOrder_List"].find(f".//{{{XSD}}}element").get("maxOccurs"),
        "filter": [
            (e.get("name"), e.get("type")) for e in types["SalesOrder_Filter"].iter(f"{{{XSD}}}element")
        ],
        "fields_enum": types["SalesOrder_Fields"].tag == f"{{{XSD}}}simpleType",
        "status_enum": types["Status"].find(f".//{{{XSD}}}enumeration") is not None,
        "read_multiple": read_multiple,
        "results": sorted(n for n in types if str(n).endswith("_Result")),
    }


def test_generated_sales_order_wsdl_follows_the_real_ones_conventions() -> None:
    real = _conventions((CONTRACTS / "SalesOrder.page.wsdl").read_bytes())
    ours = _conventions(page_wsdl(SALES_ORDER, "http://127.0.0.1/x"))
    assert ours == real


@pytest.fixture
def wsdl_dir(tmp_path: Path) -> Path:
    shutil.copy(CONTRACTS / "SalesOrder.page.wsdl", tmp_path / "SalesOrder.wsdl")
    shutil.copy(CONTRACTS / "B2BManagement.codeunit.wsdl", tmp_path / "B2BManagement.wsdl")
    return tmp_path


SO_NS = "urn:microsoft-dynamics-schemas/page/salesorder"
CANNED = {  # what the Italian SalesOrder page answers (valid against its real schema)
    "Read": f'<Read_Result xmlns="{SO_NS}"/>',
    "ReadMultiple": f'<ReadMultiple_Result xmlns="{SO_NS}"/>',
    "Create": f'<Create_Result xmlns="{SO_NS}"><SalesOrder><Key>36;SVQ=;1;</Key><No>SO-IT-1</No>'
    f"<{ITALIAN_ORDER_FIELD}>WEB-IT-1</{ITALIAN_ORDER_FIELD}></SalesOrder></Create_Result>",
}


class ItalianNav(NavSimulator):
    """The NAV dialect, except that SalesOrder is the Italian page 42 (answers canned, requests kept)."""

    def _nav_soap(self, environ: dict[str, Any], start_response: Any, kind: str, name: str) -> Any:
        if name != "SalesOrder":
            return super()._nav_soap(environ, start_response, kind, name)
        _, request = parse_envelope(environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0)))
        answer = etree.fromstring(CANNED[etree.QName(request).localname])
        return _reply(start_response, "200 OK", envelope(answer), "text/xml; charset=utf-8")


@pytest.fixture
def italian() -> Iterator[NavServer]:
    sim = ItalianNav(SimConfig(username=USERS["basic"], password=PASSWORD), nav=NavOptions())
    server = SimulatorServer(app=sim)
    yield NavServer(server, sim, "basic")
    server.stop()


@pytest.fixture
def sent(italian: NavServer, wsdl_dir: Path) -> Iterator[list[ErpMessage]]:
    """Every envelope an Italian-profile connector sends (built from the real WSDLs)."""
    nav = italian
    prof = profile(nav, "codeunit", wsdl_dir=str(wsdl_dir))
    prof["nav"]["orders"].update(order_number_field=ITALIAN_ORDER_FIELD)
    prof["nav"]["pricing"]["params"]["variant"] = ""  # the real GetSalesPrice has six parameters
    messages: list[ErpMessage] = []
    erp = NavErp(connector_config(nav, prof, messages))
    order = NewOrder(
        "WEB-IT-1",
        "C10000",
        "EUR",
        datetime(2026, 12, 1, tzinfo=UTC),
        (OrderLine("1", "MUG-01", 60, Configuration.of({"engraving": "Auguri"}), Decimal("12.73")),),
        Address("Ada", "Via Roma 1", "00100", "Roma", "IT"),
        OrderTotals(Decimal(0), Decimal(0), Decimal(0)),
    )
    for action in (
        lambda: erp.simulate_prices(
            "C10000", "EUR", [PriceRequestLine("1", "MUG-01", 60, order.lines[0].configuration)]
        ),
        lambda: erp.create_sales_order(order, "C10000"),
        lambda: erp.get_sales_order(order_number="WEB-IT-1"),
        lambda: erp.get_sales_order(erp_order_number="SO-1"),
    ):
        try:
            action()
        except ErpError:
            pass  # only what was sent matters here
    erp.close()
    yield [msg for msg in messages if msg.kind == "request"]


def _body(message: ErpMessage) -> etree._Element:
    root = etree.fromstring(message.body.encode(), PARSER)
    return root.find("{http://schemas.xmlsoap.org/soap/envelope/}Body")[0]


def test_every_sales_order_and_codeunit_envelope_validates_against_the_real_schema(
    sent: list[ErpMessage],
) -> None:
    schemas = {
        "urn:microsoft-dynamics-schemas/page/salesorder": schema_of(
            (CONTRACTS / "SalesOrder.page.wsdl").read_bytes(), PARSER
        ),
        "urn:microsoft-dynamics-schemas/codeunit/B2BManagement": schema_of(
            (CONTRACTS / "B2BManagement.codeunit.wsdl").read_bytes(), PARSER
        ),
    }
    checked = set()
    for message in sent:
        body = _body(message)
        schema = schemas.get(etree.QName(body).namespace)
        if schema is None:
            continue  # Customer/Item reads go to pages whose real WSDL we do not have
        assert schema.validate(body), f"{message.operation}: {schema.error_log.last_error}"
        checked.add(etree.QName(body).localname)
    assert {"Create", "ReadMultiple", "Read", "GetSalesPrice", "GetSalesDiscount"} <= checked
    create = next(_body(m) for m in sent if etree.QName(_body(m)).localname == "Create")
    assert create.find(f".//{{*}}{ITALIAN_ORDER_FIELD}").text == "WEB-IT-1"
