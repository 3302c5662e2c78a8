"""The price service with a FakeErp: cache, one ERP call per batch, stale answers, 503."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest

from middleware.domain.configuration import Configuration
from middleware.domain.pricing import LineStatus, PriceQuery, PriceRequestLine, PriceSource
from middleware.errors import ErpRejected, InputError, NotFound, PricesUnavailable
from middleware.services.price_cache import PriceCache
from middleware.services.prices import PriceService
from middleware.services.resilience import CircuitBreaker

from .conftest import FakeClock, FakeErp, unavailable

GOLD = Configuration.of({"color": "gold", "engraving": "Happy Birthday"})


def service(erp: FakeErp, clock: FakeClock, ttl: int = 60, stale: int = 3600) -> PriceService:
    def customer(cid: str):  # type: ignore[no-untyped-def]
        # the catalog mirror's role: customers are known without asking the ERP
        if cid not in erp.customers:
            raise NotFound("customer", cid)
        return erp.customers[cid]

    breaker = CircuitBreaker(2, 30.0, monotonic=lambda: clock.now().timestamp())
    return PriceService(erp, customer, PriceCache(ttl, stale), clock, breaker)


def query(*lines: PriceRequestLine, customer: str = "C10000", currency: str = "EUR") -> PriceQuery:
    return PriceQuery(customer, currency, lines)


def mug(ref: str = "1", qty: int = 60, config: Configuration = GOLD) -> PriceRequestLine:
    return PriceRequestLine(ref, "MUG-01", qty, config)


def test_worked_case_is_priced_by_the_erp(erp: FakeErp, clock: FakeClock) -> None:
    quote = service(erp, clock).quote(query(mug()))
    line = quote.lines[0]
    assert quote.source is PriceSource.ERP and line.source is PriceSource.ERP
    assert line.price.net_unit_price == Decimal("12.73")
    assert (quote.totals.net, quote.totals.tax, quote.totals.gross) == (
        Decimal("778.80"), Decimal("147.97"), Decimal("926.77"))
    assert quote.quote_id.startswith("q_")


def test_a_second_identical_query_is_answered_from_the_cache(erp: FakeErp, clock: FakeClock) -> None:
    svc = service(erp, clock)
    svc.quote(query(mug()))
    clock.advance(30)
    quote = svc.quote(query(mug()))
    assert quote.source is PriceSource.CACHE
    assert erp.count("simulate_prices") == 1
    assert svc.stats()["hits"] == 1


def test_the_cache_expires_after_the_ttl(erp: FakeErp, clock: FakeClock) -> None:
    svc = service(erp, clock, ttl=60)
    svc.quote(query(mug()))
    clock.advance(61)
    assert svc.quote(query(mug())).source is PriceSource.ERP
    assert erp.count("simulate_prices") == 2


def test_the_erps_valid_until_caps_the_cache(erp: FakeErp, clock: FakeClock) -> None:
    from datetime import timedelta

    erp.valid_for = timedelta(seconds=5)
    svc = service(erp, clock, ttl=60)
    first = svc.quote(query(mug()))
    assert first.valid_until == clock.now() + timedelta(seconds=5)
    clock.advance(6)
    assert svc.quote(query(mug())).source is PriceSource.ERP


def test_only_the_misses_go_to_the_erp_in_one_call(erp: FakeErp, clock: FakeClock) -> None:
    svc = service(erp, clock)
    svc.quote(query(mug("1", 60)))
    lines = [mug(str(n), n) for n in range(13, 61)]  # 48 items, one of them cached
    quote = svc.quote(query(*lines))
    assert erp.count("simulate_prices") == 2
    asked = erp.calls[-1][1][2]
    assert len(asked) == 47  # quantity 60 was cached
    by_ref = {q.line_ref: q for q in quote.lines}
    assert by_ref["60"].source is PriceSource.CACHE and by_ref["13"].source is PriceSource.ERP
    assert quote.source is PriceSource.CACHE
    assert [q.line_ref for q in quote.lines] == [str(n) for n in range(13, 61)]


def test_duplicate_lines_in_one_query_are_priced_once(erp: FakeErp, clock: FakeClock) -> None:
    quote = service(erp, clock).quote(query(mug("a"), mug("b")))
    assert len(erp.calls[-1][1][2]) == 1
    assert [q.line_ref for q in quote.lines] == ["a", "b"]


def test_fifty_concurrent_identical_queries_make_one_erp_call(erp: FakeErp, clock: FakeClock) -> None:
    svc = service(erp, clock)
    erp.slow = True
    with ThreadPoolExecutor(50) as pool:
        futures = [pool.submit(svc.quote, query(mug())) for _ in range(50)]
        while svc.flights.inflight() == 0:
            pass
        threading.Timer(0.05, erp.delay.set).start()
        quotes = [f.result(5) for f in futures]
    assert erp.count("simulate_prices") == 1
    assert {q.totals.gross for q in quotes} == {Decimal("926.77")}


def test_erp_down_serves_the_last_known_quote_marked_stale(erp: FakeErp, clock: FakeClock) -> None:
    svc = service(erp, clock)
    svc.quote(query(mug()))
    clock.advance(120)
    erp.fail_with = unavailable()
    quote = svc.quote(query(mug()))
    assert quote.source is PriceSource.STALE
    assert quote.lines[0].source is PriceSource.STALE
    assert quote.lines[0].price.net_unit_price == Decimal("12.73")
    assert svc.stats()["stale_served"] == 1


def test_erp_down_with_nothing_stale_raises_prices_unavailable(erp: FakeErp, clock: FakeClock) -> None:
    erp.fail_with = unavailable()
    with pytest.raises(PricesUnavailable) as exc:
        service(erp, clock).quote(query(mug()))
    assert exc.value.retry_after >= 1


def test_a_quote_older_than_the_stale_max_age_is_not_served(erp: FakeErp, clock: FakeClock) -> None:
    svc = service(erp, clock, stale=600)
    svc.quote(query(mug()))
    clock.advance(601)
    erp.fail_with = unavailable()
    with pytest.raises(PricesUnavailable):
        svc.quote(query(mug()))


def test_a_partly_known_batch_is_refused_rather_than_half_invented(erp: FakeErp, clock: FakeClock) -> None:
    svc = service(erp, clock)
    svc.quote(query(mug("1", 60)))
    clock.advance(120)
    erp.fail_with = unavailable()
    with pytest.raises(PricesUnavailable):
        svc.quote(query(mug("1", 60), mug("2", 61)))


def test_the_breaker_opens_and_stops_calling_the_erp(erp: FakeErp, clock: FakeClock) -> None:
    svc = service(erp, clock)
    erp.fail_with = unavailable()
    for _ in range(4):
        with pytest.raises(PricesUnavailable):
            svc.quote(query(mug()))
    assert erp.count("simulate_prices") == 2
    assert svc.stats()["breaker_state"] == "open"
    clock.advance(31)
    erp.fail_with = None
    assert svc.quote(query(mug())).source is PriceSource.ERP
    assert svc.stats()["breaker_state"] == "closed"


def test_currency_mismatch_is_an_input_error(erp: FakeErp, clock: FakeClock) -> None:
    with pytest.raises(InputError) as exc:
        service(erp, clock).quote(query(mug(), currency="USD"))
    assert exc.value.field == "currency"


def test_unknown_customer_is_not_found(erp: FakeErp, clock: FakeClock) -> None:
    with pytest.raises(NotFound):
        service(erp, clock).quote(query(mug(), customer="NOPE"))


def test_a_blocked_customer_gets_blocked_lines_and_zero_totals(erp: FakeErp, clock: FakeClock) -> None:
    quote = service(erp, clock).quote(query(mug(), customer="C20000"))
    assert quote.lines[0].price.status is LineStatus.BLOCKED
    assert quote.lines[0].price.net_unit_price is None
    assert quote.totals.gross == Decimal("0.00")


def test_business_faults_are_not_hidden_behind_stale_prices(erp: FakeErp, clock: FakeClock) -> None:
    svc = service(erp, clock)
    svc.quote(query(mug()))
    clock.advance(120)
    erp.fail_with = ErpRejected("CUSTOMER_NOT_FOUND", "gone")
    with pytest.raises(ErpRejected):
        svc.quote(query(mug()))


def test_invalidation_drops_cached_prices(erp: FakeErp, clock: FakeClock) -> None:
    svc = service(erp, clock)
    svc.quote(query(mug()))
    assert svc.invalidate(skus=["MUG-01"]) == 1
    assert svc.quote(query(mug())).source is PriceSource.ERP
    assert svc.stats()["invalidated"] == 1


def test_served_quotes_are_remembered_for_spot_checks(erp: FakeErp, clock: FakeClock) -> None:
    svc = service(erp, clock)
    quote = svc.quote(query(mug()))
    recent = svc.recent_quote(quote.quote_id)
    assert recent is not None and recent.lines == quote.lines
    assert svc.recent_quotes(1)[0].quote_id == quote.quote_id
