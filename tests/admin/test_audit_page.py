"""The audit page pages and filters admin/CLI actions and inbound calls; inbound messages are indented."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from middleware.ports.admin import ADMIN, ERP_IN, AuditEntry
from middleware.services import admin_audit


def _action(container: Any, actor: str, action: str) -> None:
    container.audit.record(AuditEntry(ADMIN, action, datetime.now(UTC), "action", actor, None, "done"))


def test_the_audit_page_filters_by_action_and_actor_and_pages(
    admin_client: Any, container: Any, monkeypatch: Any
) -> None:
    for n in range(3):
        _action(container, "cli:ops", "sync")
    _action(container, "alice", "retry_order")
    only_sync = admin_client.get("/admin/audit?action=sync").get_data(as_text=True)
    assert "cli:ops" in only_sync and "alice" not in only_sync
    alice = admin_client.get("/admin/audit?actor=alice").get_data(as_text=True)
    assert "retry order" in alice and "cli:ops" not in alice
    monkeypatch.setattr(admin_audit, "PAGE_SIZE", 2)
    assert "page 1 of 2 · 3 in all" in admin_client.get("/admin/audit?action=sync").get_data(as_text=True)
    assert admin_client.get("/admin/audit?category=nope").status_code == 400


def test_inbound_messages_are_shown_indented(admin_client: Any, container: Any) -> None:
    body = ('<s:Envelope xmlns:s="urn:x"><s:Body><GetServiceStatus><A>1</A></GetServiceStatus>'
            "</s:Body></s:Envelope>")
    entry = AuditEntry(ERP_IN, "GetServiceStatus", datetime.now(UTC), "call", body=body + "\n\n" + body)
    container.audit.record(entry)
    container.audit.flush()
    [entry] = container.audit.recent(ERP_IN, 1)
    page = admin_client.get(f"/admin/messages/{entry.id}").get_data(as_text=True)
    assert "\n  &lt;s:Body&gt;" in page and page.count("&lt;s:Envelope") == 2
    listed = admin_client.get("/admin/audit?category=erp_in").get_data(as_text=True)
    assert "GetServiceStatus" in listed
