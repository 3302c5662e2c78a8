"""Control API catalog operations: list prices, price entries, item and customer cards."""

from __future__ import annotations

from dataclasses import asdict, replace
from datetime import date
from typing import Any

from erpsim.admin_orders import Json, dec
from erpsim.errors import ErpError
from erpsim.model import ALL_CUSTOMERS, Item, PriceEntry
from erpsim.store import ErpState, us_to_dt


def _day(value: Any) -> date | None:
    return date.fromisoformat(str(value)) if value else None


def update_item(state: ErpState, item_no: str, body: Json) -> Json:
    """Change (or create, when a description is given) an item: unit_price, blocked, description, ..."""
    with state.lock:
        item = state.catalog.items.get(item_no)
        if item is None:
            if "description" not in body:
                raise ErpError("ITEM_NOT_FOUND", f"Item {item_no} does not exist", "item_no")
            item = Item(item_no, body["description"], None)
        changes: Json = {
            k: body[k] for k in ("description", "blocked", "tax_class", "item_disc_group") if k in body
        }
        if "unit_price" in body:
            changes["unit_price"] = None if body["unit_price"] is None else dec(body["unit_price"])
        item = replace(item, last_modified=us_to_dt(state.stamp()), **changes)
        state.set_catalog(items={**state.catalog.items, item_no: item})
    return {**asdict(item), "options": [o.code for o in item.options], "surcharges": len(item.surcharges)}


def update_customer(state: ErpState, no: str, body: Json) -> Json:
    """Change a customer card (blocked, price_group, disc_group, prices_incl_vat, vat_group, ...)."""
    allowed = {
        "name",
        "blocked",
        "price_group",
        "disc_group",
        "prices_incl_vat",
        "vat_group",
        "currency",
        "shop_customer_id",
        "invoice_disc_code",
    }
    if set(body) - allowed:
        raise ValueError(f"unknown fields {sorted(set(body) - allowed)}; allowed: {sorted(allowed)}")
    with state.lock:
        customer = state.catalog.customers.get(no)
        if customer is None:
            raise ErpError("CUSTOMER_NOT_FOUND", f"Customer {no} does not exist", "customer_no")
        customer = replace(customer, last_modified=us_to_dt(state.stamp()), **body)
        state.set_catalog(customers={**state.catalog.customers, no: customer})
    return asdict(customer)


def _entry(body: Json) -> PriceEntry:
    return PriceEntry(
        body["item_no"],
        body.get("sales_type", ALL_CUSTOMERS),
        body.get("sales_code", ""),
        dec(body.get("unit_price", 0)),
        body.get("currency", "EUR"),
        dec(body.get("min_quantity", 0)),
        _day(body.get("starting_date")),
        _day(body.get("ending_date")),
    )


def _same_key(a: PriceEntry, b: PriceEntry) -> bool:
    return (a.item_no, a.sales_type, a.sales_code, a.currency, a.min_qty, a.starting) == (
        b.item_no,
        b.sales_type,
        b.sales_code,
        b.currency,
        b.min_qty,
        b.starting,
    )


def list_prices(state: ErpState, query: dict[str, str]) -> Json:
    """Price entries, optionally for one item_no."""
    rows = [asdict(e) for e in state.catalog.price_entries if query.get("item_no") in (None, e.item_no)]
    return {"price_entries": rows}


def upsert_price(state: ErpState, body: Json) -> Json:
    """Add a price entry or replace the one with the same item/type/code/currency/min qty/start."""
    entry = _entry(body)
    with state.lock:
        kept = tuple(e for e in state.catalog.price_entries if not _same_key(e, entry))
        state.set_catalog(price_entries=(*kept, entry))
    return asdict(entry)


def delete_price(state: ErpState, body: Json) -> Json:
    """Remove the price entry with that key."""
    entry = _entry(body)
    with state.lock:
        before = state.catalog.price_entries
        state.set_catalog(price_entries=tuple(e for e in before if not _same_key(e, entry)))
        removed = len(before) - len(state.catalog.price_entries)
    return {"removed": removed}
