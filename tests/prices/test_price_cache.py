"""The price cache: TTL, the ERP's validity cap, stale answers, invalidation."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from middleware.domain.configuration import Configuration
from middleware.domain.pricing import LinePrice, LineStatus
from middleware.services.price_cache import CachedPrice, PriceCache, PriceKey

T0 = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


def key(sku: str = "MUG-01", customer: str = "C1") -> PriceKey:
    return PriceKey(customer, sku, 60, Configuration.of({"color": "gold"}).hash, "EUR")


def entry(cache: PriceCache, valid_until: datetime | None = None, group: str = "RETAIL") -> CachedPrice:
    price = LinePrice("MUG-01", 60, Configuration(), LineStatus.OK)
    return CachedPrice(price, group, False, T0, cache.fresh_until(T0, valid_until))


def test_entries_are_fresh_for_the_ttl_only() -> None:
    cache = PriceCache(60, 3600)
    cache.put(key(), entry(cache))
    assert cache.fresh(key(), T0 + timedelta(seconds=59)) is not None
    assert cache.fresh(key(), T0 + timedelta(seconds=60)) is None


def test_freshness_never_outlives_the_erps_valid_until() -> None:
    cache = PriceCache(60, 3600)
    cache.put(key(), entry(cache, valid_until=T0 + timedelta(seconds=10)))
    assert cache.fresh(key(), T0 + timedelta(seconds=9)) is not None
    assert cache.fresh(key(), T0 + timedelta(seconds=11)) is None


def test_stale_entries_are_served_up_to_the_stale_max_age() -> None:
    cache = PriceCache(60, 600)
    cache.put(key(), entry(cache))
    assert cache.stale(key(), T0 + timedelta(seconds=600)) is not None
    assert cache.stale(key(), T0 + timedelta(seconds=601)) is None


def test_the_key_separates_quantity_configuration_and_currency() -> None:
    cache = PriceCache(60, 600)
    cache.put(key(), entry(cache))
    other = PriceKey("C1", "MUG-01", 61, key().configuration_hash, "EUR")
    assert cache.fresh(other, T0) is None
    assert cache.fresh(PriceKey("C1", "MUG-01", 60, Configuration().hash, "EUR"), T0) is None
    assert cache.fresh(PriceKey("C1", "MUG-01", 60, key().configuration_hash, "USD"), T0) is None


def test_invalidate_by_sku_customer_and_price_group() -> None:
    cache = PriceCache(60, 600)
    cache.put(key("A", "C1"), entry(cache, group="G1"))
    cache.put(key("B", "C2"), entry(cache, group="G2"))
    cache.put(key("C", "C3"), entry(cache, group="G3"))
    cache.put(key("D", "C4"), entry(cache, group="G4"))
    assert cache.invalidate(skus=["A"]) == 1
    assert cache.invalidate(customer_ids=["C2"]) == 1
    assert cache.invalidate(price_groups=["G3"]) == 1
    assert cache.stale(key("A", "C1"), T0) is None
    assert cache.invalidate(everything=True) == 1
    assert len(cache) == 0


def test_the_cache_is_bounded() -> None:
    cache = PriceCache(60, 600, max_entries=2)
    for sku in "ABC":
        cache.put(key(sku), entry(cache))
    assert len(cache) == 2
    assert cache.fresh(key("A"), T0) is None
