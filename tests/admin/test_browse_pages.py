"""The orders list (filters, paging), wide search, an order's lines/addresses/totals, and the findings
page with true counts, filters, bulk resolve with a note and ignore rules (also in the Prometheus gauge)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from middleware.domain.orders import OrderStatus, StatusUpdate
from middleware.domain.reconcile import Finding, FindingKind, Severity
from middleware.services import admin_orders

from .conftest import page_token, place_order


def _deliver(container: Any) -> None:
    container.delivery_worker.run_once()


def test_the_orders_list_filters_by_status_customer_and_attention_and_pages(
    admin_client: Any, container: Any, fake_erp: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    for n in range(3):
        place_order(admin_client, f"WEB-L{n}")
    _deliver(container)
    fake_erp.down = True
    place_order(admin_client, "WEB-L9")
    _deliver(container)
    accepted = admin_client.get("/admin/orders?status=accepted").get_data(as_text=True)
    assert "WEB-L0" in accepted and "WEB-L9" not in accepted
    attention = admin_client.get("/admin/orders?attention=1").get_data(as_text=True)
    assert "WEB-L9" in attention and "WEB-L0" not in attention
    assert "No orders match" in admin_client.get("/admin/orders?customer=NOBODY").get_data(as_text=True)
    assert admin_client.get("/admin/orders?status=bogus").status_code == 400
    monkeypatch.setattr(admin_orders, "PAGE_SIZE", 2)
    first = admin_client.get("/admin/orders").get_data(as_text=True)
    second = admin_client.get("/admin/orders?page=2").get_data(as_text=True)
    assert "page 1 of 2 · 4 in all" in first and "page 2 of 2" in second
    shown = [n for n in ("WEB-L0", "WEB-L1", "WEB-L2", "WEB-L9") if n in first]
    assert len(shown) == 2 and not any(n in second for n in shown)


def test_the_24h_badges_link_to_the_filtered_list(admin_client: Any) -> None:
    place_order(admin_client, "WEB-B1")
    panel = admin_client.get("/admin/panel/orders").get_data(as_text=True)
    assert "/admin/orders?status=received" in panel and "attention=1" in panel


def test_search_finds_erp_numbers_skus_customer_names_and_tracking_numbers(
    admin_client: Any, container: Any
) -> None:
    place_order(admin_client, "WEB-S1")
    _deliver(container)
    container.order_status.apply_status_updates(
        [StatusUpdate("WEB-S1", OrderStatus.SHIPPED, tracking_no="TRACK-777")])
    for text in ("SO-000001", "PEN-01", "Ada Shop", "TRACK-777", "web-s"):
        page = admin_client.get(f"/admin/search?q={text}")
        body = page.get_data(as_text=True) if page.status_code == 200 else page.headers["Location"]
        assert "WEB-S1" in body, text
    assert "WEB-S1" not in admin_client.get("/admin/search?q=NOTHING-LIKE-IT").get_data(as_text=True)


def test_the_order_page_shows_lines_addresses_and_totals(admin_client: Any, container: Any) -> None:
    place_order(admin_client, "WEB-D1")
    page = admin_client.get("/admin/orders/WEB-D1").get_data(as_text=True)
    assert "PEN-01" in page and "Hauptstr. 1" in page and "10115" in page
    assert "gross 23.80" in page and "2.00" in page


def _findings(container: Any, n: int, prefix: str = "WEB-", kind: FindingKind = FindingKind.ORPHAN_IN_ERP,
              severity: Severity = Severity.WARNING) -> None:
    items = [Finding(kind, severity, f"{prefix}{i:05d}", f"finding {i}") for i in range(n)]
    container.findings.record("reconcile_orders", 1, items, datetime.now(UTC))


def _gauge(client: Any) -> float:
    text = client.get("/metrics").get_data(as_text=True)
    line = next(ln for ln in text.splitlines()
                if ln.startswith('middleware_open_findings{kind="orphan_in_erp",severity="warning"}'))
    return float(line.rsplit(" ", 1)[1])


def test_findings_counts_are_true_counts_not_a_capped_list(admin_client: Any, container: Any) -> None:
    _findings(container, 230)
    _findings(container, 3, "WEB-T", FindingKind.TOTALS_DIFFER, Severity.CRITICAL)
    assert _gauge(admin_client) == 230
    assert "orphan in erp · warning: 230" in admin_client.get("/admin/panel/recon").get_data(as_text=True)
    page = admin_client.get("/admin/findings?kind=totals_differ").get_data(as_text=True)
    assert "page 1 of 1 · 3 in all" in page and "WEB-T00000" in page and "WEB-00001" not in page
    assert "page 1 of 5 · 230 in all" in admin_client.get("/admin/findings?kind=orphan_in_erp").get_data(
        as_text=True)


def test_bulk_resolve_needs_a_note_and_resolves_the_chosen_or_all_matching(
    admin_client: Any, container: Any
) -> None:
    _findings(container, 60)
    _findings(container, 2, "WEB-T", FindingKind.TOTALS_DIFFER, Severity.CRITICAL)
    ids = [f.finding_id for f in container.admin.findings.page("orphan_in_erp", None).items[:3]]
    form = {"csrf_token": page_token(admin_client, "/admin/findings"), "back": "/admin/findings"}
    admin_client.post("/admin/findings/resolve", data={**form, "ids": ids, "scope": "chosen"})
    assert _gauge(admin_client) == 60  # no note: nothing resolved
    chosen = {**form, "ids": ids, "scope": "chosen", "note": "known"}
    admin_client.post("/admin/findings/resolve", data=chosen)
    assert _gauge(admin_client) == 57
    admin_client.post("/admin/findings/resolve", data={**form, "scope": "matching", "kind": "orphan_in_erp",
                                                       "note": "old test data"})
    assert container.admin.findings.counts() == {("totals_differ", "critical"): 2}
    actions = [e.action for e in container.audit.recent("admin", 5)]
    assert "resolve_findings" in actions and "resolve_all_findings" in actions


def test_an_ignore_rule_keeps_another_channel_s_orphans_off_the_page_and_the_gauge(
    admin_client: Any, container: Any
) -> None:
    _findings(container, 5, "POS-")
    _findings(container, 2, "WEB-")
    form = {"csrf_token": page_token(admin_client, "/admin/findings"), "back": "/admin/findings",
            "kind": "orphan_in_erp", "subject_prefix": "POS-", "note": "point-of-sale orders"}
    admin_client.post("/admin/findings/rules", data=form)
    assert _gauge(admin_client) == 2
    page = admin_client.get("/admin/findings").get_data(as_text=True)
    assert "POS-00001" not in page.split("Ignore rules")[0] and "WEB-00001" in page
    [rule] = container.admin.findings.rules()
    token = page_token(admin_client, "/admin/findings")
    delete = {"csrf_token": token, "back": "/admin/findings", "note": "x"}
    admin_client.post(f"/admin/findings/rules/{rule.rule_id}/delete", data=delete)
    assert _gauge(admin_client) == 7
