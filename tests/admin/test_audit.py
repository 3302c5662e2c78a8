"""The audit trail: admin actions, ERP envelopes (masked), inbound SOAP calls, retention."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from lxml import etree

from middleware.observability.erp_messages import ErpMessageAudit
from middleware.observability.redact import Redactor
from middleware.ports.admin import ADMIN, ERP_IN, ERP_OUT, AuditEntry
from middleware.ports.erp import ConnectorConfig
from middleware.soap.connectors.shared.recording import MessageRecorder, ZeepRecordingPlugin
from middleware.store.audit_repo import AuditRepository

SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
WSSE = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"


class Operation:
    name = "CreateSalesOrder"


def _request(password: str) -> Any:
    return etree.fromstring(
        f'<s:Envelope xmlns:s="{SOAP_ENV}" xmlns:w="{WSSE}"><s:Header><w:Security><w:UsernameToken>'
        f'<w:Username>erp-user</w:Username><w:Password Type="PasswordText">{password}</w:Password>'
        f"</w:UsernameToken></w:Security></s:Header><s:Body><CreateSalesOrder><Order>"
        f"<ExternalDocumentNo>WEB-700001</ExternalDocumentNo></Order></CreateSalesOrder></s:Body></s:Envelope>"
    )


def test_the_zeep_plugin_records_request_and_answer_under_the_order_number_with_passwords_masked() -> None:
    recorded: list[AuditEntry] = []
    sink = ErpMessageAudit(recorded.append, lambda: "req-9", Redactor(["s3cret-pass"]))
    config = ConnectorConfig(record=sink, request_id=lambda: "req-9")
    plugin = ZeepRecordingPlugin(MessageRecorder(config, ("ExternalDocumentNo",)))
    headers: dict[str, str] = {}
    plugin.egress(_request("s3cret-pass"), headers, Operation(), None)
    answer = etree.fromstring(
        f'<s:Envelope xmlns:s="{SOAP_ENV}"><s:Body><s:Fault><faultcode>s:Client</faultcode>'
        f"<faultstring>duplicate</faultstring></s:Fault></s:Body></s:Envelope>"
    )
    plugin.ingress(answer, {}, Operation())
    assert headers["X-Request-ID"] == "req-9"
    assert [(e.kind, e.subject, e.action) for e in recorded] == [
        ("request", "WEB-700001", "CreateSalesOrder"),
        ("fault", "WEB-700001", "CreateSalesOrder"),
    ]
    assert "s3cret-pass" not in recorded[0].body and "***" in recorded[0].body
    assert "<ExternalDocumentNo>WEB-700001</ExternalDocumentNo>" in recorded[0].body
    assert recorded[1].outcome == "fault" and recorded[1].duration_ms is not None


def test_masking_also_hides_unknown_password_elements_and_auth_headers() -> None:
    redact = Redactor([])
    assert redact("<a:Password>x1</a:Password>") == "<a:Password>***</a:Password>"
    assert redact("Authorization: Basic ZXJwOnBhc3M=") == "Authorization: ***"


def test_erp_messages_are_written_in_the_background_and_read_per_order(container: Any) -> None:
    repo: AuditRepository = container.audit
    now = datetime.now(UTC)
    for kind in ("request", "response"):
        repo.record(
            AuditEntry(ERP_OUT, "CreateSalesOrder", now, kind=kind, subject="WEB-1", body=f"<{kind}/>")
        )
    repo.flush()
    assert [e.kind for e in repo.for_subject("WEB-1")] == ["request", "response"]
    assert repo.for_subject("WEB-1")[0].at.tzinfo is not None


def test_a_full_queue_drops_erp_messages_and_counts_them(container: Any) -> None:
    drops: list[int] = []
    repo = AuditRepository(container.db, container.clock, 30, max_queue=1, on_drop=lambda: drops.append(1))
    repo._thread = object()  # type: ignore[assignment]  # pretend the writer runs, so the queue fills
    repo.start = lambda: None  # type: ignore[method-assign]
    for _ in range(3):
        repo.record(AuditEntry(ERP_OUT, "SimulateSalesPrices", datetime.now(UTC), kind="request"))
    assert len(drops) == 2


def test_retention_purges_old_entries_only(container: Any) -> None:
    repo: AuditRepository = container.audit
    old = datetime.now(UTC) - timedelta(days=31)
    repo.record(AuditEntry(ADMIN, "retry_order", old, actor="admin", subject="WEB-OLD"))
    repo.record(AuditEntry(ADMIN, "retry_order", datetime.now(UTC), actor="admin", subject="WEB-NEW"))
    assert repo.purge() == 1
    assert repo.for_subject("WEB-OLD") == [] and len(repo.for_subject("WEB-NEW")) == 1


def test_inbound_soap_calls_are_counted_audited_and_masked(admin_client: Any, container: Any) -> None:
    settings = container.settings
    body = (
        f'<?xml version="1.0"?><s:Envelope xmlns:s="{SOAP_ENV}" xmlns:m="urn:shop-middleware:erp:v1">'
        f"<s:Body><m:GetServiceStatus/></s:Body></s:Envelope>"
    ).encode()
    response = admin_client.post(
        "/soap/",
        data=body,
        auth=(settings.soap_username, settings.soap_password),
        headers={"Content-Type": "text/xml; charset=utf-8"},
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    bad = admin_client.post(
        "/soap/",
        data=body,
        auth=(settings.soap_username, "wrong"),
        headers={"Content-Type": "text/xml; charset=utf-8"},
    )
    assert bad.status_code != 200
    container.audit.flush()
    counts = {
        (c.operation, c.outcome): c.count
        for c in container.audit.inbound_counts(datetime.now(UTC) - timedelta(hours=1))
    }
    assert counts == {("GetServiceStatus", "ok"): 1}  # the refused call is counted below, not stored
    html = admin_client.get("/admin/panel/inbound").get_data(as_text=True)
    assert "GetServiceStatus" in html
    entry = container.audit.recent(ERP_IN)[0]
    assert admin_client.get(f"/admin/messages/{entry.id}").status_code == 200
    metrics = admin_client.get("/metrics").get_data(as_text=True)
    assert 'middleware_soap_requests_total{operation="GetServiceStatus",outcome="ok"} 1.0' in metrics
    assert 'middleware_soap_requests_total{operation="unauthenticated",outcome="client_fault"} 1.0' in metrics


def test_anonymous_soap_calls_are_counted_not_stored(client: Any, container: Any) -> None:
    body = (
        f'<?xml version="1.0"?><s:Envelope xmlns:s="{SOAP_ENV}" xmlns:m="urn:shop-middleware:erp:v1">'
        f"<s:Body><m:UpsertProducts>{'<m:x>filler</m:x>' * 2000}</m:UpsertProducts></s:Body></s:Envelope>"
    ).encode()
    for n in range(20):
        headers = {"Content-Type": "text/xml", "SOAPAction": f'"urn:invented:Op{n}"'}
        assert client.post("/soap/", data=body, headers=headers).status_code != 200
    container.audit.flush()
    assert container.audit.recent(ERP_IN) == []
    metrics = client.get("/metrics").get_data(as_text=True)
    counted = 'middleware_soap_requests_total{operation="unauthenticated",outcome="client_fault"} 20.0'
    assert counted in metrics
    assert "invented" not in metrics
