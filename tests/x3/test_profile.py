"""The [x3] profile: defaults, and one-line errors naming the key."""

from __future__ import annotations

from typing import Any

import pytest

from middleware.errors import ConfigError
from middleware.soap.connectors.x3.profile import load

MINIMAL = {
    "base_url": "http://x3/ws",
    "version": "v6",
    "pool_alias": "SHOP",
    "orders": {"sales_site": "FR011"},
}


def test_minimal_profile_takes_the_defaults() -> None:
    profile = load({"x3": MINIMAL})
    assert (profile.orders.object, profile.orders.order_number_field) == ("SOH", "CUSORDREF")
    assert (profile.customers.object, profile.items.object, profile.pricing.subprogram) == (
        "BPC",
        "ITM",
        "YSHOPPRICE",
    )
    assert profile.options == {} and profile.list_size == 100


@pytest.mark.parametrize(
    ("change", "key"),
    [
        ({"version": "v8"}, "x3.version"),
        ({"pool_alias": ""}, "x3.pool_alias"),
        ({"list_size": 0}, "x3.list_size"),
        ({"list_size": "many"}, "x3.list_size"),
        ({"orders": {"sales_site": "FR011", "objet": "SOH"}}, "x3.orders.objet"),
        ({"orders": {}}, "x3.orders.sales_site"),
        ({"pricing": {"subprogram": 7}}, "x3.pricing.subprogram"),
        ({"options": {"color": ""}}, "x3.options.color"),
        ({"items": "ITM"}, "x3.items"),
        ({"base_url": None}, "x3.base_url"),
    ],
)
def test_bad_profiles_name_the_key(change: dict[str, Any], key: str) -> None:
    raw = {k: v for k, v in {**MINIMAL, **change}.items() if v is not None}
    with pytest.raises(ConfigError) as exc:
        load({"x3": raw})
    assert str(exc.value).startswith(f"{key}:")
