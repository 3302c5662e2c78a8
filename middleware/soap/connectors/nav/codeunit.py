"""Prices through the published codeunit: price and line discount per NAV line, all calls concurrent."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from ....domain.pricing import LinePrice, LineStatus, PriceRequestLine
from ....errors import ErpRejected
from .lookups import CustomerFacts
from .options import Charge, LinePlan, OptionError, OptionMap
from .pricing import NavAmounts, compose, failed, line_status
from .profile import NavProfile


@dataclass(frozen=True, slots=True)
class Pending:
    """The two calls of one NAV line in flight."""

    price: Future[Any]
    discount: Future[Any]
    quantity: Decimal

    def result(self) -> NavAmounts:
        """Wait for both answers (a fault of either is raised here)."""
        return NavAmounts.computed(
            Decimal(self.price.result()), Decimal(self.discount.result()), self.quantity
        )


class CodeunitPricer:
    """GetSalesPrice / GetSalesDiscount for every NAV line of every requested line, at most N at a time."""

    def __init__(
        self,
        profile: NavProfile,
        call: Callable[..., Any],
        pool: ThreadPoolExecutor,
        item_vat: Callable[[str], str],
    ) -> None:
        self.profile, self.call, self.pool, self.item_vat = profile, call, pool, item_vat

    def _args(self, customer: str, item_no: str, variant: str, qty: Decimal) -> dict[str, Any]:
        p = self.profile.params
        args: dict[str, Any] = {
            p["customer"]: customer,
            p["date"]: datetime.now(UTC).date(),
            p["item"]: item_no,
            p["quantity"]: qty,
            p["uom"]: self.profile.uom,
            p["campaign"]: self.profile.campaign,
        }
        if p["variant"]:
            args[p["variant"]] = variant
        elif variant:
            raise OptionError("the pricing codeunit has no variant parameter ([nav.pricing.params] variant)")
        return args

    def _amounts(
        self, customer: str, item_no: str, variant: str, qty: Decimal, asked: dict[Any, Pending]
    ) -> Pending:
        """Both calls for one NAV line; the same question twice in a request is asked once."""
        key = (item_no, variant, qty)
        if key not in asked:
            args = self._args(customer, item_no, variant, qty)
            price = self.pool.submit(self.call, self.profile.price_function, **args)
            disc = self.pool.submit(self.call, self.profile.discount_function, **args)
            asked[key] = Pending(price, disc, qty)
        return asked[key]

    def price(
        self, facts: CustomerFacts, lines: Sequence[PriceRequestLine], options: OptionMap
    ) -> list[LinePrice]:
        """Every line priced; a line NAV refuses carries NAV's reason as its status."""
        started: list[tuple[PriceRequestLine, LinePlan | LinePrice, Any]] = []
        asked: dict[Any, Pending] = {}
        for line in lines:
            try:
                plan = options.plan(line.sku, line.configuration)
                qty = Decimal(line.quantity)
                main = self._amounts(facts.no, line.sku, plan.variant, qty, asked)
                charges = [
                    (
                        c,
                        self._amounts(
                            facts.no, c.item_no, "", qty if c.basis == "per_unit" else Decimal(1), asked
                        ),
                    )
                    for c in plan.charges
                ]
                vat = self.pool.submit(self.item_vat, line.sku)
                started.append((line, plan, (main, charges, vat)))
            except OptionError as exc:
                started.append((line, failed(line, LineStatus.INVALID_CONFIGURATION, str(exc)), None))
        return [
            done if isinstance(done, LinePrice) else self._finish(facts, line, futures)
            for line, done, futures in started
        ]

    def _finish(self, facts: CustomerFacts, line: PriceRequestLine, futures: Any) -> LinePrice:
        main, charges, vat = futures
        try:
            amounts = main.result()
        except ErpRejected as exc:
            status = line_status(exc)
            if status is None:
                raise
            return failed(line, status, exc.reason)
        priced: list[tuple[Charge, NavAmounts]] = []
        for charge, future in charges:
            try:
                priced.append((charge, future.result()))
            except ErpRejected as exc:
                if line_status(exc) is None:
                    raise
                return failed(line, LineStatus.INVALID_CONFIGURATION, exc.reason)  # a charge item is missing
        rate = self.profile.vat_rate(facts.vat_group, vat.result())
        if rate is None:
            raise ErpRejected(
                "VAT_SETUP", f"no VAT rate for {facts.vat_group}/{vat.result()} in [nav.tax.rates]"
            )
        return compose(line, amounts, priced, rate, facts.prices_include_tax)
