"""POST /api/v1/configurator/{validate,preview,tiers}: what a product configurator needs."""

from __future__ import annotations

from typing import Annotated, Any

from flask import Response, current_app, jsonify, request
from pydantic import BaseModel, ConfigDict, Field, StrictInt

from ..domain.configuration import MAX_OPTIONS, Configuration
from ..domain.money import format_amount
from ..domain.pricing import MAX_QUANTITY
from ..services.configurator import ConfiguratorService, OptionPreview, Preview, Tier, Validation
from . import api
from .configurator_wire import (
    PREVIEW_EXAMPLE,
    PreviewOut,
    TiersOut,
    ValidationOut,
)
from .fields import Code64, OptionValueText
from .openapi import Problem, documented
from .parsing import parse_json
from .prices import Amount, quote_to_wire

Options = Annotated[dict[Code64, OptionValueText], Field(max_length=MAX_OPTIONS)]


class ValidateRequest(BaseModel):
    """A configuration to check against the catalog mirror."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={
        "examples": [{"sku": "MUG-01", "options": {"color": "gold", "engraving": "Happy Birthday"}}]})
    sku: Code64
    options: Options = {}


class PreviewRequest(BaseModel):
    """Whom, what and how many to preview; `options` are the choices made so far."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [PREVIEW_EXAMPLE]})
    customer_id: Code64
    currency: Annotated[str, Field(pattern=r"^[A-Z]{3}$", examples=["EUR"])]
    sku: Code64
    quantity: Annotated[StrictInt, Field(gt=0, le=MAX_QUANTITY)] = 1
    options: Options = {}


class TiersRequest(BaseModel):
    """Whose tier table, for which product (and configuration)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={
        "examples": [{"customer_id": "C10000", "currency": "EUR", "sku": "MUG-01", "options": {}}]})
    customer_id: Code64
    currency: Annotated[str, Field(pattern=r"^[A-Z]{3}$", examples=["EUR"])]
    sku: Code64
    options: Options = {}


def _service() -> ConfiguratorService:
    container = current_app.extensions["middleware"]
    return ConfiguratorService(container.catalog, container.prices)


def _body(model: type[Any]) -> Any:
    return parse_json(request, model, current_app.extensions["middleware"].settings.max_request_bytes)


def _money(value: Any) -> Amount | None:
    return None if value is None else format_amount(value)


def validation_to_wire(v: Validation) -> ValidationOut:
    """The wire form of a validation."""
    return ValidationOut.model_validate({
        "sku": v.product.sku, "valid": not v.problems, "options": v.configuration.as_dict(),
        "problems": [{"option": p.option, "field": f"options.{p.option}", "reason": p.reason,
                      "message": p.message} for p in v.problems],
    })


def _option(o: OptionPreview) -> dict[str, Any]:
    return {
        "code": o.option.code, "label": o.option.label, "kind": o.option.kind.value,
        "relative_to": o.relative_to,
        "values": [{"value": v.value, "label": v.label, "status": v.status.value, "source": v.source.value,
                    "per_unit": _money(v.per_unit), "one_time": _money(v.one_time),
                    "net_unit_price": _money(v.net_unit_price)} for v in o.values],
    }


def preview_to_wire(p: Preview) -> PreviewOut:
    """The wire form of a preview."""
    quote = quote_to_wire(p.quote)
    return PreviewOut.model_validate({
        "quote_id": quote.quote_id, "customer_id": quote.customer_id, "currency": quote.currency,
        "sku": p.base.sku, "quantity": p.base.quantity, "source": quote.source,
        "fetched_at": quote.fetched_at, "valid_until": quote.valid_until,
        "baseline": p.baseline.as_dict(), "base_status": p.base.status.value,
        "base_net_unit_price": _money(p.base.net_unit_price),
        "options": [_option(o) for o in p.options],
    })


def _tier(t: Tier) -> dict[str, Any]:
    return {"min_quantity": t.min_quantity, "base_unit_price": format_amount(t.base_unit_price),
            "net_unit_price": format_amount(t.net_unit_price), "source": t.source.value}


PROBLEMS = {
    400: ("Malformed request (bad JSON, wrong content type)", Problem),
    401: ("Missing or wrong API key", Problem),
    404: ("Unknown product or customer", Problem),
    422: ("Invalid field, or an option the product does not accept (`field` names it)", Problem),
}
UNAVAILABLE = {503: ("The ERP is unavailable and no recent price is known; see Retry-After", Problem)}


@api.post("/configurator/validate")
@documented(
    "post", "/configurator/validate", summary="Check a configuration against the mirrored option rules",
    description="Answers per-option problems (unknown option, value not allowed, text too long, required "
    "option missing) from the catalog mirror alone, so it works while the ERP is down. Order intake applies "
    "the same rules: a configuration valid here is not refused for its options at `POST /orders`.",
    tags=("configurator",), request=ValidateRequest,
    responses={200: ("The verdict, valid or not", ValidationOut), **PROBLEMS},
)
def validate_configuration() -> Response:
    """Validate without the ERP."""
    body: ValidateRequest = _body(ValidateRequest)
    validation = _service().validate(body.sku, Configuration.of(body.options))
    return jsonify(validation_to_wire(validation).model_dump(mode="json"))


@api.post("/configurator/preview")
@documented(
    "post", "/configurator/preview", summary="What each option value adds, for one customer and quantity",
    description="Prices the baseline (the choices so far, required options filled with their default or "
    "first value) and every value of every option in ONE price query: cached like other prices, one ERP call "
    "for whatever the cache misses, stale while the ERP is down, with `source` per value. `per_unit` and "
    "`one_time` are the ERP's surcharges the value adds before line discounts; a required option's values "
    "are relative to `relative_to`, other options' to leaving the option out. A text option has one entry "
    "(`value` null: any text).",
    tags=("configurator",), request=PreviewRequest,
    responses={200: ("The per-value preview", PreviewOut), **PROBLEMS, **UNAVAILABLE},
)
def preview_configuration() -> Response:
    """One query, every value."""
    body: PreviewRequest = _body(PreviewRequest)
    preview = _service().preview(body.customer_id, body.currency, body.sku, body.quantity,
                                 Configuration.of(body.options))
    return Response(preview_to_wire(preview).model_dump_json(), mimetype="application/json")


@api.post("/configurator/tiers")
@documented(
    "post", "/configurator/tiers", summary="A customer's full quantity breaks for a product",
    description="Starts at quantity 1 and follows the ERP's `next_break` until there is none (at most 20 "
    "tiers): one cached price query per tier. `status` says why the table is empty (e.g. `no_price`).",
    tags=("configurator",), request=TiersRequest,
    responses={200: ("The tier table", TiersOut), **PROBLEMS, **UNAVAILABLE},
)
def tier_table() -> Response:
    """The tier table."""
    body: TiersRequest = _body(TiersRequest)
    last, tiers = _service().tiers(body.customer_id, body.currency, body.sku, Configuration.of(body.options))
    out = TiersOut.model_validate({
        "customer_id": body.customer_id, "currency": body.currency, "sku": body.sku,
        "options": last.configuration.as_dict(), "status": "ok" if tiers else last.status.value,
        "tiers": [_tier(t) for t in tiers],
    })
    return jsonify(out.model_dump(mode="json"))
