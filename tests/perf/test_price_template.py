"""The SimulateSalesPrices template must be indistinguishable from zeep, on the wire and in what it reads."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from typing import Any

import pytest
import requests
from lxml import etree
from zeep import Plugin
from zeep.exceptions import DTDForbidden

from middleware.domain.configuration import Configuration
from middleware.domain.pricing import PriceRequestLine
from middleware.errors import ErpRejected, ErpUnavailable
from middleware.soap.connectors.reference import mapping as m
from middleware.soap.connectors.reference.connector import ReferenceErp as ZeepErp
from middleware.soap.connectors.reference.faults import erp_errors as _erp_errors
from middleware.soap.connectors.reference.price_template import (
    NS,
    SimulatePricesCall,
    build_request,
    envelope_for,
)

MUG = {"color": "gold", "engraving": "Hä <&> \"y\""}
SKUS = ("MUG-01", "TOTE-01", "UMBRELLA-01", "NO-SUCH-ITEM", "DESIGN-SVC", "GIFTBOX-01", "TSHIRT-01", "PEN-01")


def lines(count: int = 3) -> list[PriceRequestLine]:
    """Lines of every kind the demo catalog prices: ok, blocked, unknown, no price, invalid configuration."""
    out = []
    for sku in SKUS:
        for quantity in (1, 60, 150)[:count]:
            options = MUG if sku == "MUG-01" else {}
            out.append(PriceRequestLine(str(len(out) + 1), sku, quantity, Configuration.of(options)))
    return out


class Recording(Plugin):  # type: ignore[misc]
    """A zeep plugin that remembers what it saw (as the ERP audit plugin does)."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, str]] = []

    def egress(self, envelope: Any, http_headers: Any, operation: Any, binding_options: Any) -> Any:
        self.seen.append(("egress", operation.name))
        http_headers["X-Request-ID"] = "rid-1"
        return envelope, http_headers

    def ingress(self, envelope: Any, http_headers: Any, operation: Any) -> Any:
        self.seen.append(("ingress", operation.name))
        return envelope, http_headers


def canned(body: bytes, status: int = 200) -> requests.Response:
    """A requests.Response with this body, as the transport would return it."""
    response = requests.Response()
    response.status_code = status
    response._content = body
    response.headers["Content-Type"] = "text/xml; charset=utf-8"
    return response


@pytest.mark.parametrize("currency", ["EUR", None])
def test_template_builds_the_envelope_zeep_builds(zeep_erp: ZeepErp, currency: str | None) -> None:
    kwargs = {"CustomerNo": "C10000", "Lines": m.price_lines_to_erp(lines())}
    if currency:
        kwargs["CurrencyCode"] = currency
    ours = envelope_for(build_request("C10000", currency, kwargs["Lines"]))
    theirs = zeep_erp.client.create_message(zeep_erp.service, "SimulateSalesPrices", **kwargs)
    assert etree.tostring(ours) == etree.tostring(theirs)


def test_template_request_fits_the_wsdl_schema(template: SimulatePricesCall) -> None:
    body = build_request("C10000", "EUR", m.price_lines_to_erp(lines()))
    validator = template.schema.validator
    assert validator.validate(body), validator.error_log


def test_template_refuses_arguments_the_schema_forbids_before_sending(template: SimulatePricesCall) -> None:
    too_many = {"Line": [{"LineNo": n, "ItemNo": "TOTE-01", "Quantity": Decimal(1)} for n in range(1, 502)]}
    with pytest.raises(ErpRejected) as caught, _erp_errors("SimulateSalesPrices", NS):
        template(CustomerNo="C10000", CurrencyCode="EUR", Lines=too_many)
    assert caught.value.code == "CLIENT_VALIDATION"


def test_template_sends_the_same_http_request_as_zeep(zeep_erp: ZeepErp, template: SimulatePricesCall,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    sent: list[tuple[str, bytes, dict[str, str]]] = []
    answer = zeep_erp.client.transport.post_xml

    def record(address: str, envelope: Any, headers: dict[str, str]) -> Any:
        sent.append((address, etree.tostring(envelope), dict(headers)))
        return answer(address, envelope, headers)

    monkeypatch.setattr(zeep_erp.client.transport, "post_xml", record)
    kwargs = {"CustomerNo": "C10000", "CurrencyCode": "EUR", "Lines": m.price_lines_to_erp(lines(1))}
    zeep_erp.service.SimulateSalesPrices(**kwargs)
    template(**kwargs)
    assert sent[0] == sent[1]


def raw_answer(zeep_erp: ZeepErp, **kwargs: Any) -> requests.Response:
    """The ERP's HTTP answer to zeep's own request, unparsed."""
    envelope = zeep_erp.client.create_message(zeep_erp.service, "SimulateSalesPrices", **kwargs)
    return zeep_erp.client.transport.post_xml(zeep_erp.endpoint, envelope, {"SOAPAction": '""'})


@pytest.mark.parametrize("customer", ["C10000", "C30000", "C50000", "C60000"])
def test_template_reads_an_answer_exactly_as_zeep_reads_it(zeep_erp: ZeepErp, template: SimulatePricesCall,
                                                           customer: str) -> None:
    asked = lines()
    currency = "USD" if customer == "C60000" else "EUR"
    lines_in = m.price_lines_to_erp(asked)
    response = raw_answer(zeep_erp, CustomerNo=customer, CurrencyCode=currency, Lines=lines_in)
    binding = zeep_erp.service._binding
    theirs = binding.process_reply(zeep_erp.client, binding.get("SimulateSalesPrices"), response)
    ours = template.read(response)
    assert m.price_answer_from_erp(ours, asked) == m.price_answer_from_erp(theirs, asked)
    assert (ours.CustomerNo, ours.PriceDate) == (theirs.CustomerNo, theirs.PriceDate)


def test_template_answer_keeps_every_status_the_erp_gives(template: SimulatePricesCall) -> None:
    asked = lines(1)
    answer = m.price_answer_from_erp(template(CustomerNo="C20000", CurrencyCode="EUR",
                                              Lines=m.price_lines_to_erp(asked)), asked)
    statuses = {line.status.value for line in answer.lines}
    assert statuses == {"ok", "blocked", "not_found", "no_price", "invalid_configuration"}
    assert answer.valid_until is not None and answer.valid_until.tzinfo is not None


def test_template_turns_an_erp_fault_into_the_same_error_as_zeep(zeep_erp: ZeepErp,
                                                                 template: SimulatePricesCall) -> None:
    kwargs = {"CustomerNo": "NOBODY", "CurrencyCode": "EUR", "Lines": m.price_lines_to_erp(lines(1)[:1])}
    errors = []
    for call in (zeep_erp.service.SimulateSalesPrices, template):
        with pytest.raises(ErpRejected) as caught, _erp_errors("SimulateSalesPrices", NS):
            call(**kwargs)
        errors.append((caught.value.code, caught.value.field, caught.value.retryable, str(caught.value)))
    assert errors[0] == errors[1]
    assert errors[0][0] == "CUSTOMER_NOT_FOUND"


def test_template_reports_an_outage_like_zeep(zeep_erp: ZeepErp, template: SimulatePricesCall,
                                               erp: Any) -> None:
    requests.post(f"{erp.control_url}/faults", json={"outage": True}, timeout=5).raise_for_status()
    try:
        messages = []
        for call in (zeep_erp.service.SimulateSalesPrices, template):
            with pytest.raises(ErpUnavailable) as caught, _erp_errors("SimulateSalesPrices", NS):
                call(CustomerNo="C10000", CurrencyCode="EUR", Lines=m.price_lines_to_erp(lines(1)[:1]))
            messages.append(str(caught.value))
        assert messages[0] == messages[1]
    finally:
        requests.delete(f"{erp.control_url}/faults", timeout=5)


def test_template_refuses_an_answer_that_does_not_fit_the_wsdl(template: SimulatePricesCall) -> None:
    body = (b'<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>'
            b'<SimulateSalesPricesResponse xmlns="urn:legacy-erp:sales:v1"><CustomerNo>C1</CustomerNo>'
            b"<Surprise>1</Surprise></SimulateSalesPricesResponse></soap:Body></soap:Envelope>")
    with pytest.raises(ErpUnavailable, match="unusable ERP answer"), _erp_errors("SimulateSalesPrices", NS):
        template.read(canned(body))


def test_template_refuses_an_answer_with_a_dtd(template: SimulatePricesCall) -> None:
    body = (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e "boom">]>'
            b'<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>&e;'
            b"</soap:Body></soap:Envelope>")
    with pytest.raises(DTDForbidden):
        template.read(canned(body))


def test_template_runs_the_zeep_plugins_like_zeep(zeep_erp: ZeepErp, template: SimulatePricesCall) -> None:
    plugin = Recording()
    zeep_erp.client.plugins.append(plugin)
    template(CustomerNo="C10000", CurrencyCode="EUR", Lines=m.price_lines_to_erp(lines(1)[:1]))
    assert plugin.seen == [("egress", "SimulateSalesPrices"), ("ingress", "SimulateSalesPrices")]


def test_template_gives_every_thread_its_own_correct_answer(template: SimulatePricesCall) -> None:
    def ask(quantity: int) -> tuple[int, str | None]:
        asked = [PriceRequestLine("1", "TOTE-01", quantity, Configuration.of({}))]
        answer = m.price_answer_from_erp(template(CustomerNo="C10000", CurrencyCode="EUR",
                                                  Lines=m.price_lines_to_erp(asked)), asked)
        return answer.lines[0].quantity, str(answer.lines[0].net_amount)

    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(ask, range(1, 41)))
    expected = [ask(q) for q in range(1, 41)]
    assert answers == expected
    assert [q for q, _ in answers] == list(range(1, 41))
