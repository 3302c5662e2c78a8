"""Order rows <-> domain values: addresses and deviations as JSON, lines with their configuration."""

from __future__ import annotations

import json
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from ..domain.configuration import Configuration
from ..domain.orders import Address, DeviationKind, OrderLine, PriceDeviation


def address_json(address: Address | None) -> str | None:
    if address is None:
        return None
    return json.dumps({f: getattr(address, f) for f in Address.__slots__}, ensure_ascii=False)


def address_from_json(text: str | None) -> Address | None:
    return None if text is None else Address(**json.loads(text))


def required_address(text: str) -> Address:
    return Address(**json.loads(text))


def deviations_json(deviations: Sequence[PriceDeviation]) -> str:
    return json.dumps(
        [
            {
                "kind": d.kind.value,
                "field": d.field,
                "quoted": str(d.quoted),
                "erp": str(d.erp),
                "reason": d.reason,
                "line_ref": d.line_ref,
                "explained": d.explained,
            }
            for d in deviations
        ],
        ensure_ascii=False,
    )


def deviations_from_json(text: str) -> tuple[PriceDeviation, ...]:
    return tuple(
        PriceDeviation(
            DeviationKind(d["kind"]),
            d["field"],
            Decimal(d["quoted"]),
            Decimal(d["erp"]),
            d["reason"],
            d["line_ref"],
            d["explained"],
        )
        for d in json.loads(text or "[]")
    )


def line_row(order_number: str, position: int, line: OrderLine) -> dict[str, Any]:
    return {
        "order_number": order_number,
        "position": position,
        "line_ref": line.line_ref,
        "sku": line.sku,
        "quantity": line.quantity,
        "options": json.dumps(line.configuration.selections, ensure_ascii=False),
        "option_labels": json.dumps(line.option_labels, ensure_ascii=False),
        "unit_price": line.unit_price,
        "quote_id": line.quote_id,
    }


def line_from_row(row: Any) -> OrderLine:
    return OrderLine(
        row.line_ref,
        row.sku,
        row.quantity,
        Configuration(tuple(tuple(p) for p in json.loads(row.options))),
        row.unit_price,
        row.quote_id,
        tuple(tuple(p) for p in json.loads(row.option_labels)),
    )
