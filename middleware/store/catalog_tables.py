"""Tables of the catalog mirror: products (with their options as JSON) and customers."""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, Column, DateTime, Index, Numeric, String, Table

from .db import metadata

products = Table(
    "catalog_products",
    metadata,
    Column("sku", String(64), primary_key=True),
    Column("name", String(255), nullable=False),
    Column("unit", String(16), nullable=False),
    Column("list_price", Numeric(18, 4), nullable=True),
    Column("currency", String(3), nullable=False),
    Column("tax_class", String(32), nullable=False),
    Column("blocked", Boolean, nullable=False, default=False),
    Column("active", Boolean, nullable=False, default=True),
    Column("options", JSON, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=True),
    # when a sync or an ERP push last mentioned the product; older ones become inactive after a full sync
    Column("seen_at", DateTime(timezone=True), nullable=False),
)
Index("ix_catalog_products_active_sku", products.c.active, products.c.sku)

customers = Table(
    "catalog_customers",
    metadata,
    Column("customer_id", String(64), primary_key=True),
    Column("erp_customer_no", String(64), nullable=False, unique=True),
    Column("name", String(255), nullable=False),
    Column("price_group", String(32), nullable=False),
    Column("discount_group", String(32), nullable=False),
    Column("currency", String(3), nullable=False),
    Column("prices_include_tax", Boolean, nullable=False),
    Column("blocked", Boolean, nullable=False, default=False),
    Column("vat_group", String(32), nullable=False),
    Column("active", Boolean, nullable=False, default=True),
    Column("updated_at", DateTime(timezone=True), nullable=True),
    Column("seen_at", DateTime(timezone=True), nullable=False),
)
