"""The catalog mirror on SQLAlchemy Core; implements ports.catalog.CatalogRepository."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select, update

from ..domain.catalog import Customer, OptionKind, OptionValue, Product, ProductOption
from ..ports.clock import Clock, SystemClock
from .catalog_tables import customers, products
from .db import Database


def _utc(value: datetime | None) -> datetime | None:
    # SQLite hands back naive datetimes; everything we store is UTC
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _options_to_json(options: tuple[ProductOption, ...]) -> list[dict[str, Any]]:
    return [
        {"code": o.code, "label": o.label, "kind": o.kind.value, "required": o.required,
         "values": [{"code": v.code, "label": v.label} for v in o.values],
         "max_length": o.max_length, "default": o.default}
        for o in options
    ]


def _options_from_json(data: list[dict[str, Any]]) -> tuple[ProductOption, ...]:
    return tuple(
        ProductOption(
            code=o["code"], label=o["label"], kind=OptionKind(o["kind"]), required=bool(o["required"]),
            values=tuple(OptionValue(v["code"], v["label"]) for v in o.get("values", [])),
            max_length=o.get("max_length"), default=o.get("default"),
        )
        for o in data
    )


def _product_row(p: Product) -> dict[str, Any]:
    return {
        "sku": p.sku, "name": p.name, "unit": p.unit, "list_price": p.list_price, "currency": p.currency,
        "tax_class": p.tax_class, "blocked": p.blocked, "active": p.active,
        "options": _options_to_json(p.options), "updated_at": p.updated_at,
    }


def _product(row: Any) -> Product:
    price = row.list_price
    return Product(
        sku=row.sku, name=row.name, unit=row.unit,
        list_price=None if price is None else Decimal(price).quantize(Decimal("0.01")),
        currency=row.currency, tax_class=row.tax_class, blocked=row.blocked, active=row.active,
        options=_options_from_json(row.options or []), updated_at=_utc(row.updated_at),
    )


def _customer_row(c: Customer) -> dict[str, Any]:
    return {
        "customer_id": c.customer_id, "erp_customer_no": c.erp_customer_no, "name": c.name,
        "price_group": c.price_group, "discount_group": c.discount_group, "currency": c.currency,
        "prices_include_tax": c.prices_include_tax, "blocked": c.blocked, "vat_group": c.vat_group,
        "active": c.active, "updated_at": c.updated_at,
    }


def _customer(row: Any) -> Customer:
    return Customer(
        customer_id=row.customer_id, erp_customer_no=row.erp_customer_no, name=row.name,
        price_group=row.price_group, discount_group=row.discount_group, currency=row.currency,
        prices_include_tax=row.prices_include_tax, blocked=row.blocked, vat_group=row.vat_group,
        active=row.active, updated_at=_utc(row.updated_at),
    )


class SqlCatalogRepository:
    """Products and customers in the shared database."""

    def __init__(self, db: Database, clock: Clock | None = None) -> None:
        self.db = db
        self.clock = clock or SystemClock()

    def get_product(self, sku: str) -> Product | None:
        """The product, active or not, or None."""
        with self.db.read() as conn:
            row = conn.execute(select(products).where(products.c.sku == sku)).first()
        return None if row is None else _product(row)

    def list_products(
        self, *, offset: int = 0, limit: int = 100, include_inactive: bool = False
    ) -> list[Product]:
        """Products ordered by sku."""
        query = select(products).order_by(products.c.sku).offset(offset).limit(limit)
        if not include_inactive:
            query = query.where(products.c.active.is_(True))
        with self.db.read() as conn:
            return [_product(row) for row in conn.execute(query)]

    def count_products(self, *, include_inactive: bool = False) -> int:
        """How many products the mirror holds."""
        query = select(func.count()).select_from(products)
        if not include_inactive:
            query = query.where(products.c.active.is_(True))
        with self.db.read() as conn:
            return int(conn.execute(query).scalar_one())

    def upsert_products(self, items: Iterable[Product]) -> tuple[int, int]:
        """Insert or update; returns (created, updated)."""
        return self._upsert(products, products.c.sku, [(p.sku, _product_row(p)) for p in items])

    def deactivate_products_not_seen_since(self, since: datetime) -> int:
        """Mark products not seen since `since` inactive (never deleted); returns how many."""
        with self.db.write() as conn:
            result = conn.execute(
                update(products)
                .where(products.c.seen_at < since, products.c.active.is_(True))
                .values(active=False)
            )
            return int(result.rowcount or 0)

    def get_customer(self, customer_id: str) -> Customer | None:
        """The customer by the shop's id, or None."""
        with self.db.read() as conn:
            row = conn.execute(select(customers).where(customers.c.customer_id == customer_id)).first()
        return None if row is None else _customer(row)

    def get_customer_by_erp_no(self, erp_customer_no: str) -> Customer | None:
        """The customer by the ERP's number, or None."""
        with self.db.read() as conn:
            row = conn.execute(
                select(customers).where(customers.c.erp_customer_no == erp_customer_no)
            ).first()
        return None if row is None else _customer(row)

    def upsert_customers(self, items: Iterable[Customer]) -> tuple[int, int]:
        """Insert or update; returns (created, updated)."""
        rows = [(c.customer_id, _customer_row(c)) for c in items]
        return self._upsert(customers, customers.c.customer_id, rows)

    def _upsert(self, table: Any, key_column: Any, rows: list[tuple[str, dict[str, Any]]]) -> tuple[int, int]:
        # read-then-write inside one write transaction: portable across SQLite and PostgreSQL
        created = updated = 0
        seen_at = self.clock.now()
        latest = dict(rows)  # the last record for a key wins
        with self.db.write() as conn:
            existing = set()
            keys = list(latest)
            for start in range(0, len(keys), 500):
                chunk = keys[start : start + 500]
                existing |= set(conn.execute(select(key_column).where(key_column.in_(chunk))).scalars())
            for key, row in latest.items():
                values = {**row, "seen_at": seen_at}
                if key in existing:
                    conn.execute(update(table).where(key_column == key).values(**values))
                    updated += 1
                else:
                    conn.execute(table.insert().values(**values))
                    created += 1
        return created, updated
