"""The cache-hit path's shortcuts: customers held in memory, bounded memory, no admin session for the API."""

from __future__ import annotations

from dataclasses import replace

import pytest
from flask.sessions import NullSession

from middleware.config import Settings
from middleware.domain.pricing import PriceQuery
from middleware.services.price_cache import PriceCache
from middleware.services.prices import PriceService
from middleware.services.resilience import CircuitBreaker

from .conftest import AUTH, FakeClock, FakeErp
from .test_price_service import mug
from .test_rest_prices import WORKED, post


def _no_database(_customer_id: str) -> None:
    raise AssertionError("the customer was read from the database")


def test_a_customer_is_read_from_memory_within_its_ttl(container, clock: FakeClock, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    first = container.catalog.customer("C10000")
    monkeypatch.setattr(container.catalog.repo, "get_customer", _no_database)
    assert container.catalog.customer("C10000") is first
    clock.advance(31)
    with pytest.raises(AssertionError):
        container.catalog.customer("C10000")


def test_upserting_a_customer_drops_the_one_held_in_memory(container, erp: FakeErp) -> None:  # type: ignore[no-untyped-def]
    container.catalog.customer("C10000")
    changed = replace(erp.customers["C10000"], price_group="WHOLESALE")
    container.catalog.upsert_customers([changed])
    assert container.catalog.customer("C10000").price_group == "WHOLESALE"


def test_invalidating_every_price_drops_the_customers_held_in_memory(container, erp: FakeErp) -> None:  # type: ignore[no-untyped-def]
    container.catalog.customer("C10000")
    container.catalog.repo.upsert_customers([replace(erp.customers["C10000"], price_group="VIP")])
    assert container.catalog.customer("C10000").price_group != "VIP"  # still the one held in memory
    container.prices.invalidate(everything=True)
    assert container.catalog.customer("C10000").price_group == "VIP"


def test_invalidating_a_customers_prices_drops_that_customer_from_memory(container, erp: FakeErp) -> None:  # type: ignore[no-untyped-def]
    container.catalog.customer("C10000")
    container.catalog.repo.upsert_customers([replace(erp.customers["C10000"], price_group="VIP")])
    container.prices.invalidate(customer_ids=["C10000"])  # e.g. another node's upsert, via the bus
    assert container.catalog.customer("C10000").price_group == "VIP"


def test_recent_quotes_are_bounded_by_their_line_count(erp: FakeErp, clock: FakeClock) -> None:
    breaker = CircuitBreaker(2, 30.0)
    svc = PriceService(erp, erp.customers.__getitem__, PriceCache(60, 3600), clock, breaker,
                       recent_max_lines=3)
    quotes = [svc.quote(PriceQuery("C10000", "EUR", (mug("1", n), mug("2", n + 1)))) for n in (1, 10, 20)]
    kept = svc.recent_quotes(10)
    assert [q.quote_id for q in kept] == [quotes[-1].quote_id]
    assert svc.recent_quote(quotes[0].quote_id) is None


def test_the_price_cache_bound_is_a_setting(container) -> None:  # type: ignore[no-untyped-def]
    settings = Settings.from_env({"MIDDLEWARE_PRICE_CACHE_MAX_ENTRIES": "5"})
    assert settings.price_cache_max_entries == 5
    assert Settings().price_cache_max_entries == 10_000
    assert container.prices.cache.max_entries == container.settings.price_cache_max_entries


def test_api_requests_do_not_open_the_admin_session(client) -> None:  # type: ignore[no-untyped-def]
    app = client.application
    with app.test_request_context("/api/v1/prices", method="POST") as ctx:
        assert isinstance(app.session_interface.open_session(app, ctx.request), NullSession)
    with app.test_request_context("/admin/") as ctx:
        assert not isinstance(app.session_interface.open_session(app, ctx.request), NullSession)


def _broken_view() -> None:
    raise RuntimeError("the Flask route ran")


def test_a_cache_hit_is_answered_in_front_of_flask_with_the_same_body(client, erp: FakeErp) -> None:  # type: ignore[no-untyped-def]
    first = post(client, WORKED)
    client.application.view_functions["api.post_prices"] = _broken_view
    hit = post(client, WORKED)
    assert hit.status_code == 200 and hit.mimetype == "application/json"
    assert hit.headers["X-Request-ID"]
    expected = {**first.json, "quote_id": hit.json["quote_id"], "source": "cache"}
    expected["lines"] = [{**line, "source": "cache"} for line in first.json["lines"]]
    assert hit.json == expected
    assert erp.count("simulate_prices") == 1
    metrics = client.get("/metrics").get_data(as_text=True)
    assert 'route="/api/v1/prices",status="200"} 2.0' in metrics


def test_what_the_shortcut_does_not_answer_reaches_the_route_unchanged(client) -> None:  # type: ignore[no-untyped-def]
    post(client, WORKED)
    assert post(client, WORKED, headers={"Authorization": "Bearer wrong-key-000"}).status_code == 401
    bad = post(client, {**WORKED, "items": [{**WORKED["items"][0], "quantity": 0}]})
    assert bad.status_code == 422 and bad.json["field"] == "items[0].quantity"
    text = client.post("/api/v1/prices", data=b"{}", headers={**AUTH, "Content-Type": "text/plain"})
    assert text.status_code == 400


def test_an_unknown_customer_is_404_and_asked_of_the_erp_once(client, erp: FakeErp) -> None:  # type: ignore[no-untyped-def]
    response = post(client, {**WORKED, "customer_id": "C99999"})
    assert response.status_code == 404 and response.mimetype == "application/problem+json"
    assert erp.count("get_customer") == 1
    mismatch = post(client, {**WORKED, "currency": "USD"})
    assert mismatch.status_code == 422 and mismatch.json["field"] == "currency"
