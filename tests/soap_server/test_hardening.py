"""Hostile XML and oversized bodies are refused with a Client fault; spyne never logs request bodies."""

from __future__ import annotations

import logging

import pytest

from .conftest import SOAP_ENV, envelope, fault_of, post

STATUS = envelope("<m:GetServiceStatus/>")
TWO_HEADERS = "<s:Header/><s:Header>"
SECRET_MARKER = "CONFIDENTIAL-PAYLOAD-42"

BILLION_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    '<!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    '<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">]>'
    f'<s:Envelope xmlns:s="{SOAP_ENV}"><s:Body>&lol2;</s:Body></s:Envelope>'
).encode()

XXE = (
    '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    f'<s:Envelope xmlns:s="{SOAP_ENV}" xmlns:m="urn:shop-middleware:erp:v1"><s:Body>'
    "<m:NotifyPriceChange><m:ItemNos><m:ItemNo>&xxe;</m:ItemNo></m:ItemNos></m:NotifyPriceChange>"
    "</s:Body></s:Envelope>"
).encode()


@pytest.mark.parametrize(
    "body",
    [BILLION_LAUGHS, XXE, BILLION_LAUGHS.decode().encode("utf-16")],
    ids=["entity-bomb", "external-entity", "utf16-doctype"],
)
def test_any_dtd_is_refused_with_a_client_fault(client, backend, body):
    response = post(client, body)
    assert response.status_code == 400
    code, message = fault_of(response)
    assert code == "Client.MalformedRequest" and "DTD" in message
    assert backend.calls == []


def test_deep_nesting_is_refused(client, backend):
    deep = "<m:x>" * 60 + "</m:x>" * 60
    code, message = fault_of(post(client, envelope(f"<m:GetServiceStatus>{deep}</m:GetServiceStatus>")))
    assert code == "Client.MalformedRequest" and "nesting" in message
    assert backend.calls == []


def test_nesting_beyond_libxml2_limits_is_a_client_fault_not_a_500_without_body(client):
    deep = "<a>" * 5000 + "</a>" * 5000
    response = post(client, envelope(deep))
    assert response.status_code == 400
    assert fault_of(response)[0] == "Client.MalformedRequest"


def test_self_referencing_href_is_refused(client, backend):
    body = envelope('<m:UpsertProducts><m:Products id="p" href="#p"/></m:UpsertProducts>')
    code, message = fault_of(post(client, body))
    assert code == "Client.MalformedRequest" and "href" in message
    assert backend.calls == []


def test_body_over_the_limit_is_refused_before_reading(client, settings, backend):
    huge = envelope("<m:GetServiceStatus/>" + " " * (settings.soap_max_request_bytes + 10))
    response = post(client, huge)
    assert response.status_code == 413
    assert fault_of(response)[0] == "Client.RequestTooLarge"
    assert backend.calls == []


def test_chunked_body_over_the_limit_is_refused(soap_app, settings, backend):
    from io import BytesIO

    from werkzeug.test import EnvironBuilder, run_wsgi_app

    huge = envelope("<m:GetServiceStatus/>" + " " * (settings.soap_max_request_bytes + 10))
    environ = EnvironBuilder(
        method="POST", path="/", headers={"Content-Type": "text/xml"}, auth=("erp", "soap-pass")
    ).get_environ()
    environ.pop("CONTENT_LENGTH", None)
    environ["wsgi.input"] = BytesIO(huge)
    _, status, _ = run_wsgi_app(soap_app, environ, buffered=True)
    assert status.startswith("413")
    assert backend.calls == []


@pytest.mark.parametrize("body", [b"not xml at all", b"<unclosed>", b""], ids=["text", "unclosed", "empty"])
def test_malformed_xml_is_a_client_fault(client, body):
    response = post(client, body)
    assert response.status_code == 400
    assert fault_of(response)[0] == "Client.MalformedRequest"


def test_soap12_envelope_is_refused_with_a_clear_message(client):
    body = b'<e:Envelope xmlns:e="http://www.w3.org/2003/05/soap-envelope"><e:Body/></e:Envelope>'
    code, message = fault_of(post(client, body))
    assert "SOAP 1.2" in message and code.startswith("Client")


def test_unknown_operation_is_a_client_fault(client, backend):
    response = post(client, envelope("<m:DropAllTables/>"))
    assert response.status_code == 500
    assert fault_of(response)[0].startswith("Client")
    assert backend.calls == []


def test_get_without_wsdl_is_refused_politely(client):
    response = client.get("/", auth=("erp", "soap-pass"))
    assert response.status_code == 405
    assert "?wsdl" in fault_of(response)[1]


def test_rejections_and_bad_input_never_log_the_request_body(client, caplog):
    caplog.set_level(logging.DEBUG)
    bad_type = envelope(f"<m:NotifyPriceChange><m:All>{SECRET_MARKER}</m:All></m:NotifyPriceChange>")
    post(client, bad_type)
    post(client, BILLION_LAUGHS.replace(b"lol1;&lol1", SECRET_MARKER.encode() + b"&lol1"))
    post(client, b"<broken>" + SECRET_MARKER.encode())
    post(client, envelope(f"<m:{SECRET_MARKER}/>"))
    assert SECRET_MARKER not in caplog.text
    assert not [r for r in caplog.records if r.name.startswith("spyne") and r.levelno >= logging.ERROR]


def test_wsdl_address_comes_from_configuration_not_from_the_host_header(client, settings):
    first = client.get("/?wsdl", headers={"Host": "evil.example:666"}).get_data(as_text=True)
    second = client.get("/?wsdl", headers={"Host": "other.example"}).get_data(as_text=True)
    assert f'location="{settings.public_url}/soap/"' in first
    assert "evil.example" not in first and first == second


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (f'<s:Envelope xmlns:s="{SOAP_ENV}"/>', "no Body"),
        (f'<s:Envelope xmlns:s="{SOAP_ENV}"><s:Body/></s:Envelope>', "exactly one operation"),
        (f'<s:Envelope xmlns:s="{SOAP_ENV}"><s:Body>hello</s:Body></s:Envelope>', "exactly one operation"),
        (envelope("<m:GetServiceStatus/><m:GetServiceStatus/>").decode(), "exactly one operation"),
        (
            envelope("<m:GetServiceStatus/>").decode().replace(
                "</s:Body>", "</s:Body><s:Body><m:UpsertProducts/></s:Body>"
            ),
            "exactly one Body",
        ),
        (
            envelope("<m:GetServiceStatus/>", "<m:a/>").decode().replace("<s:Header>", TWO_HEADERS),
            "at most one Header",
        ),
    ],
    ids=["no-body", "empty-body", "text-body", "two-operations", "two-bodies", "two-headers"],
)
def test_envelopes_without_exactly_one_operation_are_client_faults(client, backend, body, message):
    response = post(client, body.encode())
    assert response.status_code == 400 and message in fault_of(response)[1]
    assert backend.calls == []


def test_unknown_charset_is_a_client_fault_not_a_crash(client, backend):
    response = post(client, STATUS, **{"Content-Type": "text/xml; charset=bogus"})
    assert response.status_code == 400 and "charset" in fault_of(response)[1]
    assert backend.calls == []


def test_missing_content_type_is_tolerated(client):
    response = client.post("/", data=STATUS, auth=("erp", "soap-pass"))
    assert response.status_code == 200


def test_header_we_must_understand_but_do_not_is_a_must_understand_fault(client, backend):
    header = '<x:Transaction xmlns:x="urn:x" s:mustUnderstand="1">5</x:Transaction>'
    code, message = fault_of(post(client, envelope("<m:GetServiceStatus/>", header)))
    assert code == "MustUnderstand" and "Transaction" in message
    assert backend.calls == []


def test_a_crash_inside_spyne_is_a_server_fault_not_a_bare_500(settings):
    from werkzeug.test import Client

    from middleware.soap.service.hardening import SoapGuard
    from middleware.soap.service.wssecurity import UsernameTokenVerifier

    def crashing(environ, start_response):
        raise LookupError("something deep inside spyne")

    verifier = UsernameTokenVerifier("erp", "soap-pass", now=lambda: None)
    guard = SoapGuard(crashing, username="erp", password="soap-pass", verifier=verifier, max_bytes=10_000)
    response = post(Client(guard), STATUS)
    assert response.status_code == 500
    assert fault_of(response) == ("Server", "the request could not be processed")


XSI = "http://www.w3.org/2001/XMLSchema-instance"


@pytest.mark.parametrize("operation", ["GetServiceStatus", "FetchNewOrders", "UpdateOrderStatus"])
def test_an_empty_nil_request_wrapper_means_no_arguments(client, backend, operation):
    response = post(client, envelope(f'<m:{operation} xmlns:xsi="{XSI}" xsi:nil="true"/>'))
    assert response.status_code == 200, response.get_data(as_text=True)
    assert backend.calls
