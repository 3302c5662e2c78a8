"""erpsim's X3 dialect on the wire: paths, WSDL, authentication, hardened parsing, X3-shaped answers."""

from __future__ import annotations

from typing import Any

import requests
from lxml import etree

from middleware.soap.connectors.x3 import envelope, objxml

CONTEXT = {"codeLang": "ENG", "poolAlias": "SHOP", "poolId": "", "requestConfig": "",
           "codeUser": "erp-user", "password": "erp-pass"}  # fmt: skip


def post(sim: Any, body: bytes, auth: tuple[str, str] | None = ("erp-user", "erp-pass")) -> requests.Response:
    """POST an envelope to the dialect's endpoint."""
    headers = {"Content-Type": "text/xml; charset=utf-8", "SOAPAction": '""'}
    return requests.post(sim.soap_url, data=body, headers=headers, auth=auth, timeout=10)


def call(sim: Any, operation: str, name: str, **parts: Any) -> envelope.Result | envelope.Fault:
    """One call through the connector's own envelope builder; the decoded answer."""
    body = envelope.request(operation, CONTEXT, sim.app.version, name, **parts)
    return envelope.parse_response(envelope.read_envelope(post(sim, body).content))


def test_paths_and_wsdl(x3_sim: Any, version: str) -> None:
    expected = "/adxwsvc/services/" if version == "v6" else "/soap-generic/syracuse/collaboration/syracuse/"
    assert expected + "CAdxWebServiceXmlCC" in x3_sim.soap_url
    wsdl = requests.get(x3_sim.wsdl_url, timeout=10)
    root = etree.fromstring(wsdl.content)
    assert root.find(".//{http://schemas.xmlsoap.org/wsdl/soap/}address").get("location") == x3_sim.soap_url
    assert requests.post(x3_sim.url + "/soap", data=b"x", timeout=10).status_code == 404


def test_v7_wants_http_basic_and_v6_the_call_context(x3_sim: Any, version: str) -> None:
    body = envelope.request("getDescription", {**CONTEXT, "password": "nope"}, version, "YSHOPPRICE")
    answer = post(x3_sim, body, auth=None)
    if version == "v7":
        assert answer.status_code == 401 and "Basic" in answer.headers["WWW-Authenticate"]
        answer = post(x3_sim, body, auth=("erp-user", "nope"))
    assert answer.status_code == 500
    fault = envelope.parse_response(envelope.read_envelope(answer.content))
    assert isinstance(fault, envelope.Fault) and "Authentication" in fault.text


def test_dtd_and_entities_are_refused(x3_sim: Any) -> None:
    evil = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>'
    answer = post(x3_sim, evil)
    assert answer.status_code == 500 and b"DTD" in answer.content and b"root:" not in answer.content
    flow = (
        '<!DOCTYPE PARAM [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
        '<PARAM><GRP ID="GRP1"><FLD NAME="YBPCNUM">&e;</FLD></GRP></PARAM>'
    )
    result = call(x3_sim, "run", "YSHOPPRICE", xml=flow)
    assert (
        isinstance(result, envelope.Result)
        and result.status == 0
        and "root:" not in " ".join(result.errors())
    )


def test_errors_are_status_0_with_type_3_messages(x3_sim: Any) -> None:
    result = call(x3_sim, "read", "SOH", keys=[("SOHNUM", "SO-1")])
    assert isinstance(result, envelope.Result) and result.status == 0 and result.result_xml is None
    assert result.messages == (("3", "SOHNUM : Sales order SO-1 : record does not exist"),)
    unknown = call(x3_sim, "run", "YOTHER", xml="<PARAM/>")
    assert isinstance(unknown, envelope.Result) and "not published" in unknown.errors()[0]


def test_query_answers_at_most_list_size_lines(x3_sim: Any) -> None:
    result = call(x3_sim, "query", "BPC", keys=[("BPCNUM", "gt.C10000")], list_size=2)
    assert isinstance(result, envelope.Result) and result.status == 1
    rows = next(iter(objxml.parse(result.result_xml).tables.values()))
    assert len(rows) == 2 and all(r["BPCNUM"] > "C10000" for r in rows)
