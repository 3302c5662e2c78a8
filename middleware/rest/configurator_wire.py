"""Wire models of the configurator endpoints' answers (with the examples the OpenAPI document shows)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from .prices import Amount, Source, Status

PREVIEW_EXAMPLE: dict[str, Any] = {
    "customer_id": "C10000", "currency": "EUR", "sku": "MUG-01", "quantity": 60,
    "options": {"color": "white"},
}


class ProblemOut(BaseModel):
    """Why one option would be refused."""

    option: str = Field(examples=["engraving"])
    field: str = Field(examples=["options.engraving"])
    reason: Literal["unknown_option", "value_not_allowed", "too_long", "required"]
    message: str = Field(examples=["option 'engraving' is 40 characters long; at most 30 allowed"])


class ValidationOut(BaseModel):
    """The verdict on a configuration; `problems` is empty when it is valid."""

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "sku": "MUG-01", "valid": False, "options": {"color": "gold", "engraving": "x" * 40},
        "problems": [{"option": "engraving", "field": "options.engraving", "reason": "too_long",
                      "message": "option 'engraving' is 40 characters long; at most 30 allowed"}]}]})
    sku: str
    valid: bool
    options: dict[str, str]
    problems: list[ProblemOut]


class ValuePreviewOut(BaseModel):
    """What one value adds per unit and once per line (null unless status is ok)."""

    value: str | None
    label: str
    status: Status
    source: Source
    per_unit: Amount | None
    one_time: Amount | None
    net_unit_price: Amount | None


class OptionPreviewOut(BaseModel):
    """The values of one option; amounts are relative to `relative_to` (null: to leaving it out)."""

    code: str
    label: str
    kind: Literal["select", "text"]
    relative_to: str | None
    values: list[ValuePreviewOut]


class PreviewOut(BaseModel):
    """Per-value previews; `source` is the worst of the priced lines' sources."""

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "quote_id": "q_0RF0ASekFEdGGy7w", "customer_id": "C10000", "currency": "EUR", "sku": "MUG-01",
        "quantity": 60, "source": "erp", "fetched_at": "2026-11-23T10:00:00Z",
        "valid_until": "2026-11-23T10:01:00Z", "baseline": {"color": "white"}, "base_status": "ok",
        "base_net_unit_price": "8.55",
        "options": [
            {"code": "color", "label": "Colour", "kind": "select", "relative_to": None, "values": [
                {"value": "white", "label": "White", "status": "ok", "source": "erp", "per_unit": "0.00",
                 "one_time": "0.00", "net_unit_price": "8.55"},
                {"value": "gold", "label": "Gold", "status": "ok", "source": "erp", "per_unit": "0.90",
                 "one_time": "0.00", "net_unit_price": "9.41"}]},
            {"code": "engraving", "label": "Engraving text", "kind": "text", "relative_to": None, "values": [
                {"value": None, "label": "Engraving text", "status": "ok", "source": "erp",
                 "per_unit": "3.50", "one_time": "15.00", "net_unit_price": "11.88"}]}]}]})
    quote_id: str
    customer_id: str
    currency: str
    sku: str
    quantity: int
    source: Source
    fetched_at: datetime
    valid_until: datetime
    baseline: dict[str, str]
    base_status: Status
    base_net_unit_price: Amount | None
    options: list[OptionPreviewOut]


class TierOut(BaseModel):
    """One quantity break."""

    min_quantity: int
    base_unit_price: Amount
    net_unit_price: Amount
    source: Source


class TiersOut(BaseModel):
    """A customer's quantity breaks for a product, ascending."""

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "customer_id": "C10000", "currency": "EUR", "sku": "MUG-01", "options": {}, "status": "ok",
        "tiers": [
            {"min_quantity": 1, "base_unit_price": "10.00", "net_unit_price": "10.00", "source": "erp"},
            {"min_quantity": 50, "base_unit_price": "9.00", "net_unit_price": "8.55", "source": "erp"},
            {"min_quantity": 100, "base_unit_price": "8.50", "net_unit_price": "8.08", "source": "erp"}]}]})
    customer_id: str
    currency: str
    sku: str
    options: dict[str, str]
    status: Status
    tiers: list[TierOut]
