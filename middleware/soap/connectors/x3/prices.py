"""Price requests as one `run` of the pricing subprogram, and its answer as our ErpPriceAnswer."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from ....domain.pricing import Adjustment, ErpPriceAnswer, LinePrice, LineStatus, NextBreak, PriceRequestLine
from .mapping import YES, decimal, timestamp
from .objxml import Fields, Flow, build
from .profile import X3Profile

# the subprogram's output contract (docs/connectors/x3.md)
STATUSES = {
    "0": LineStatus.OK,
    "1": LineStatus.NOT_FOUND,
    "2": LineStatus.BLOCKED,
    "3": LineStatus.NO_PRICE,
    "4": LineStatus.INVALID_CONFIGURATION,
}
ORIGINS = {
    "LIST": "list",
    "CUSTOMER": "customer",
    "CUSTOMER_PRICE_GROUP": "customer_group",
    "ALL_CUSTOMERS": "all_customers",
    "CAMPAIGN": "campaign",
}


def unmapped_options(line: PriceRequestLine, profile: X3Profile) -> list[str]:
    """Option codes of a line that have no X3 field in [x3.options]."""
    return [code for code, _ in line.configuration.selections if code not in profile.options]


def option_fields(selections: Sequence[tuple[str, str]], profile: X3Profile) -> dict[str, str]:
    """Our option selections as the specific X3 line fields."""
    return {profile.options[code]: value for code, value in selections}


def price_input(
    profile: X3Profile, customer_no: str, currency: str, lines: Sequence[PriceRequestLine], day: date
) -> str:
    """inputXml of the subprogram: the header group and one table line per requested line."""
    p = profile.pricing
    head = {p.customer_field: customer_no, p.currency_field: currency, p.date_field: day.strftime("%Y%m%d")}
    rows = [
        {
            p.item_field: line.sku,
            p.quantity_field: line.quantity,
            **option_fields(line.configuration.selections, profile),
        }
        for line in lines
    ]
    return build([(p.header_group, head)], [(p.lines_table, rows)])


def _adjustments(flow: Flow, profile: X3Profile) -> dict[tuple[int, str], list[Adjustment]]:
    out: dict[tuple[int, str], list[Adjustment]] = {}
    for row in flow.tables.get(profile.pricing.adjustments_table, []):
        amount = decimal(row.get("YADJAMT"), "YADJAMT")
        line = decimal(row.get("YADJLIN"), "YADJLIN")
        if amount is None or line is None:
            continue
        adj = Adjustment(
            row.get("YADJCOD", ""),
            row.get("YADJBAS", "").lower(),
            decimal(row.get("YADJRAT"), "YADJRAT"),
            amount,
        )
        out.setdefault((int(line), row.get("YADJTYP", "")), []).append(adj)
    return out


def _line(
    n: int, row: Fields, request: PriceRequestLine, adj: dict[tuple[int, str], list[Adjustment]]
) -> LinePrice:
    status = STATUSES.get((row.get("YSTA") or "").strip(), LineStatus.NO_PRICE)
    text = (row.get("YSTAMSG") or "").strip()
    if status is not LineStatus.OK:
        return LinePrice(request.sku, request.quantity, request.configuration, status, text)
    next_qty, next_price = decimal(row.get("YNXTQTY"), "YNXTQTY"), decimal(row.get("YNXTPRI"), "YNXTPRI")
    origin = (row.get("YPRIORI") or "").strip()
    return LinePrice(
        sku=request.sku,
        quantity=request.quantity,
        configuration=request.configuration,
        status=status,
        status_text=text,
        list_unit_price=decimal(row.get("YLISPRI"), "YLISPRI"),
        base_unit_price=decimal(row.get("YBASPRI"), "YBASPRI"),
        price_origin=ORIGINS.get(origin, origin.lower() or None),
        surcharges=tuple(adj.get((n, "S"), ())),
        discounts=tuple(adj.get((n, "D"), ())),
        net_unit_price=decimal(row.get("YNETPRI"), "YNETPRI"),
        net_amount=decimal(row.get("YAMTNOT"), "YAMTNOT"),
        tax_rate=decimal(row.get("YVATRAT"), "YVATRAT"),
        tax_amount=decimal(row.get("YAMTVAT"), "YAMTVAT"),
        gross_amount=decimal(row.get("YAMTATI"), "YAMTATI"),
        next_break=None if next_qty is None or next_price is None else NextBreak(int(next_qty), next_price),
    )


def price_answer(
    flow: Flow, profile: X3Profile, currency: str, lines: Sequence[PriceRequestLine]
) -> ErpPriceAnswer:
    """The subprogram's answer; lines come back in request order (LIN NUM), missing ones are NO_PRICE."""
    p = profile.pricing
    rows = flow.tables.get(p.lines_table, [])
    adj = _adjustments(flow, profile)
    priced = tuple(
        _line(n, rows[n - 1], line, adj)
        if n <= len(rows)
        else LinePrice(
            line.sku, line.quantity, line.configuration, LineStatus.NO_PRICE, "X3 answered no line"
        )
        for n, line in enumerate(lines, start=1)
    )
    return ErpPriceAnswer(
        currency=flow.get(p.header_group, p.currency_field) or currency,
        prices_include_tax=flow.get(p.header_group, "YPRIINCL") == YES,
        valid_until=timestamp(flow.get(p.header_group, "YVALDAT")),
        lines=priced,
    )
