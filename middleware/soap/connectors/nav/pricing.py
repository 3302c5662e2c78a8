"""One priced line from NAV's per-line figures: base price, charge lines, line discount, VAT from the maps."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ....domain.money import round_money
from ....domain.pricing import Adjustment, LinePrice, LineStatus, PriceRequestLine
from ....errors import ErpRejected
from .options import Charge

ZERO = Decimal("0")
HUNDRED = Decimal("100")


@dataclass(frozen=True, slots=True)
class NavAmounts:
    """A NAV line's money: unit price, line discount %, discount amount, line amount."""

    unit_price: Decimal
    discount_percent: Decimal
    discount_amount: Decimal
    line_amount: Decimal

    @classmethod
    def computed(cls, unit_price: Decimal, discount_percent: Decimal, quantity: Decimal) -> NavAmounts:
        """As NAV fills a line: round(qty x price) less round(that x discount %)."""
        gross = round_money(quantity * unit_price)
        discount = round_money(gross * discount_percent / HUNDRED)
        return cls(unit_price, discount_percent, discount, gross - discount)


def split_tax(amount: Decimal, rate: Decimal, prices_include_tax: bool) -> tuple[Decimal, Decimal, Decimal]:
    """(net, tax, gross) of a line amount that is gross when prices include tax, else net."""
    if prices_include_tax:
        tax = round_money(amount * rate / (HUNDRED + rate))
        return amount - tax, tax, amount
    tax = round_money(amount * rate / HUNDRED)
    return amount, tax, amount + tax


def failed(line: PriceRequestLine, status: LineStatus, text: str) -> LinePrice:
    """A line NAV could not price, with NAV's reason."""
    return LinePrice(line.sku, line.quantity, line.configuration, status, text)


def compose(
    line: PriceRequestLine,
    main: NavAmounts,
    charges: list[tuple[Charge, NavAmounts]],
    rate: Decimal,
    prices_include_tax: bool,
) -> LinePrice:
    """The answer line: what NAV said, nothing invented (no origin, list price or next break)."""
    qty = Decimal(line.quantity)
    if main.unit_price <= 0:
        return failed(line, LineStatus.NO_PRICE, f"NAV has no price for {line.sku}")
    per_unit = [(c, a) for c, a in charges if c.basis == "per_unit"]
    surcharges = tuple(
        Adjustment(c.code, c.basis, a.unit_price, a.unit_price) for c, a in charges if a.unit_price
    )
    unit_lines = [main] + [a for _, a in per_unit]
    discount_total = sum((a.discount_amount for a in unit_lines), ZERO)
    discounts: tuple[Adjustment, ...] = ()
    if discount_total:
        discounts = (
            Adjustment("line_discount", "percent", main.discount_percent, round_money(discount_total / qty)),
        )
    amount = sum((a.line_amount for a in [main] + [a for _, a in charges]), ZERO)
    net, tax, gross = split_tax(amount, rate, prices_include_tax)
    return LinePrice(
        sku=line.sku,
        quantity=line.quantity,
        configuration=line.configuration,
        status=LineStatus.OK,
        base_unit_price=main.unit_price,
        surcharges=surcharges,
        discounts=discounts,
        net_unit_price=round_money(sum((a.line_amount for a in unit_lines), ZERO) / qty),
        net_amount=net,
        tax_rate=rate,
        tax_amount=tax,
        gross_amount=gross,
    )


def line_status(exc: ErpRejected) -> LineStatus | None:
    """The line status a NAV refusal stands for (None: not about the line, raise it)."""
    if exc.code == "NOT_FOUND" and "Item Variant" in exc.reason:
        return LineStatus.INVALID_CONFIGURATION  # the chosen value has no variant in NAV
    return {"NOT_FOUND": LineStatus.NOT_FOUND, "BLOCKED": LineStatus.BLOCKED}.get(exc.code)
