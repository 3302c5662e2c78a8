"""The BPC (customers) and ITM (items) objects: read by key, query with criteria and listSize."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from erpsim.model import Catalog, Customer, Item
from erpsim.store import ErpState
from erpsim.x3 import dictionary as d
from erpsim.x3.codec import matches
from erpsim.x3.errors import X3Error
from erpsim.x3.objxml import result


def _stamp(value: datetime | None) -> str:
    return (value or datetime(2020, 1, 1, tzinfo=UTC)).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def customer_fields(c: Customer) -> dict[str, Any]:
    """BPC0_1 of a customer."""
    return {
        "BPCNUM": c.customer_no,
        "BPCNAM": c.name,
        "CUR": c.currency,
        "BCGCOD": c.price_group or "",
        "YDISGRP": c.disc_group or "",
        "PRITYP": d.YES if c.prices_incl_vat else d.NO,
        "VACBPR": d.TAX_RULES.get(c.vat_group, c.vat_group),
        "BPCSTA": d.BP_INACTIVE if c.blocked else d.BP_ACTIVE,
        "YSHOPID": c.shop_customer_id or "",
        "UPDDATTIM": _stamp(c.last_modified),
    }


def item_fields(i: Item, currency: str) -> dict[str, Any]:
    """ITM0_1 of an item (BASPRI empty: price on request)."""
    return {
        "ITMREF": i.item_no,
        "ITMDES1": i.description,
        "STU": i.base_uom,
        "VACITM1": d.TAX_LEVELS.get(i.tax_class, i.tax_class),
        "BASPRI": "" if i.unit_price is None else i.unit_price,
        "CUR": currency,
        "ITMSTA": d.ITEM_NOT_USABLE if i.blocked else d.ITEM_ACTIVE,
        "UPDDATTIM": _stamp(i.last_modified),
    }


def item_xml(i: Item, currency: str) -> str:
    """The ITM object with the specific option tables YITMOPT (options) and YITMVAL (allowed values)."""
    options = [
        {
            "YOPTCOD": o.code,
            "YOPTLAB": o.label,
            "YOPTKND": "1" if o.kind == "SELECT" else "2",
            "YOPTREQ": d.YES if o.required else d.NO,
            "YOPTFLD": d.option_field(o.code),
        }
        for o in i.options
    ]
    values = [{"YOPTCOD": o.code, "YVALCOD": v.code, "YVALLAB": v.label} for o in i.options for v in o.values]
    return result(
        [(d.ITM_MAIN, item_fields(i, currency))], [(d.ITM_OPTIONS, options), (d.ITM_VALUES, values)]
    )


def _key(keys: list[tuple[str, str]], name: str) -> str:
    return dict(keys).get(name, "")


def read_customer(state: ErpState, keys: list[tuple[str, str]]) -> str:
    """Read BPC by BPCNUM."""
    c = state.catalog.customers.get(_key(keys, "BPCNUM"))
    if c is None:
        raise X3Error(f"Customer {_key(keys, 'BPCNUM')} : record does not exist", "BPCNUM")
    return result([(d.BPC_MAIN, customer_fields(c))])


def read_item(state: ErpState, keys: list[tuple[str, str]]) -> str:
    """Read ITM by ITMREF."""
    catalog = state.catalog
    i = catalog.items.get(_key(keys, "ITMREF"))
    if i is None:
        raise X3Error(f"Item {_key(keys, 'ITMREF')} : record does not exist", "ITMREF")
    return item_xml(i, catalog.local_currency)


def _query(rows: Iterable[dict[str, Any]], key: str, keys: list[tuple[str, str]], size: int, tab: str) -> str:
    kept = sorted(
        (r for r in rows if all(matches(str(r.get(k, "")), v) for k, v in keys)), key=lambda r: r[key]
    )
    return result(tables=[(tab, kept[:size])])


def query_customers(state: ErpState, keys: list[tuple[str, str]], size: int) -> str:
    """Left list of BPC ordered by BPCNUM."""
    rows = [customer_fields(c) for c in state.catalog.customers.values()]
    return _query(rows, "BPCNUM", keys, size, d.BPC_QUERY)


def query_items(state: ErpState, keys: list[tuple[str, str]], size: int) -> str:
    """Left list of ITM ordered by ITMREF."""
    catalog: Catalog = state.catalog
    rows = [item_fields(i, catalog.local_currency) for i in catalog.items.values()]
    return _query(rows, "ITMREF", keys, size, d.ITM_QUERY)
