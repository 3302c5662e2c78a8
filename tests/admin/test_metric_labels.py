"""Metric labels come from closed sets: invented methods and SOAPActions add no series; /soap is one route."""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any

import pytest
from prometheus_client.parser import text_string_to_metric_families

from middleware.observability import labels

WSDL = Path(__file__).resolve().parents[2] / "wsdl" / "middleware.wsdl"


def _series(client: Any) -> list[tuple[str, dict[str, str]]]:
    text = client.get("/metrics").get_data(as_text=True)
    return [(s.name, s.labels) for f in text_string_to_metric_families(text) for s in f.samples]


def test_the_closed_soap_operation_set_is_the_wsdl_s_operations() -> None:
    operations = set(re.findall(r'<wsdl:operation name="(\w+)"', WSDL.read_text()))
    assert operations == labels.SOAP_OPERATIONS


def test_invented_soap_actions_and_methods_add_no_series(client: Any, container: Any) -> None:
    auth = (container.settings.soap_username, container.settings.soap_password)
    for n in range(30):
        headers = {"SOAPAction": f"Invented{n}", "Content-Type": "text/xml"}
        envelope = (f'<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>'
                    f'<m:Invented{n} xmlns:m="urn:x"/></s:Body></s:Envelope>').encode()
        client.post("/soap/", data=envelope, headers=headers, auth=auth)
        client.post("/soap/", data=b"<x/>", headers=headers)  # refused before authentication
        client.open("/healthz", method=f"BREW{n}")
    series = _series(client)
    soap_ops = {lbl["operation"] for name, lbl in series if name == "middleware_soap_requests_total"}
    methods = {lbl["method"] for name, lbl in series if name == "middleware_http_requests_total"}
    assert soap_ops == {"unknown", "unauthenticated"}
    assert methods <= labels.HTTP_METHODS | {"other"} and "other" in methods


def test_soap_requests_count_under_the_soap_route_and_show_their_path_in_the_access_log(
    client: Any, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="middleware.access"):
        client.get("/soap/?wsdl")
    routes = {lbl["route"] for name, lbl in _series(client) if name == "middleware_http_requests_total"}
    assert "/soap" in routes and "<unmatched>" not in routes and "/" not in routes
    assert any(r.getMessage().startswith("GET /soap/ 200") for r in caplog.records)


def test_metrics_answers_with_one_charset(client: Any) -> None:
    content_type = client.get("/metrics").headers["Content-Type"]
    assert content_type.count("charset") == 1


@pytest.mark.parametrize(
    ("outcome", "label"),
    [("ok", "ok"), ("client_fault", "client_fault"), ("http_413", "http_413"), ("http_9999", "http_other"),
     ("made-up", "other")],
)
def test_soap_outcomes_map_onto_a_closed_set(outcome: str, label: str) -> None:
    assert labels.soap_outcome(outcome) == label
