"""What a product configurator asks: is this configuration valid, what does each value add, the tier table."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from ..domain.catalog import OptionKind, Product, ProductOption
from ..domain.configuration import Configuration
from ..domain.money import ZERO
from ..domain.option_rules import REQUIRED, OptionProblem, configuration_problems
from ..domain.pricing import (
    MAX_ITEMS,
    Adjustment,
    LinePrice,
    LineStatus,
    PriceQuery,
    PriceQuote,
    PriceRequestLine,
    QuotedLine,
)
from ..domain.pricing import PriceSource as Source
from ..errors import InputError

MAX_TIERS = 20
SAMPLE_TEXT = "A"  # a text option is priced for "any text": the ERP's rules see only that one is given


class ProductSource(Protocol):
    """The catalog mirror (CatalogService fits)."""

    def get_product(self, sku: str) -> Product:
        """The product; NotFound when unknown."""
        ...


class Quoter(Protocol):
    """The price path (PriceService fits): cache, one ERP call for the misses, stale while down."""

    def quote(self, query: PriceQuery) -> PriceQuote:
        """Price every line of the query."""
        ...


@dataclass(frozen=True, slots=True)
class Validation:
    """A configuration checked against the mirror; valid when there are no problems."""

    product: Product
    configuration: Configuration
    problems: tuple[OptionProblem, ...]


@dataclass(frozen=True, slots=True)
class ValuePreview:
    """What choosing `value` adds to the unit price and once per line (None unless status is ok)."""

    value: str | None  # None for a text option: "any text"
    label: str
    status: LineStatus
    source: Source
    per_unit: Decimal | None
    one_time: Decimal | None
    net_unit_price: Decimal | None


@dataclass(frozen=True, slots=True)
class OptionPreview:
    """The previews of one option's values, relative to `relative_to` (None: to not choosing it)."""

    option: ProductOption
    relative_to: str | None
    values: tuple[ValuePreview, ...]


@dataclass(frozen=True, slots=True)
class Preview:
    """Per-value previews for one customer, product and quantity, from one price query."""

    quote: PriceQuote
    baseline: Configuration
    base: LinePrice
    options: tuple[OptionPreview, ...]


@dataclass(frozen=True, slots=True)
class Tier:
    """One quantity break of a customer's price for a configuration."""

    min_quantity: int
    base_unit_price: Decimal
    net_unit_price: Decimal
    source: Source


def _sum(adjustments: Sequence[Adjustment], one_time: bool) -> Decimal:
    return sum((a.amount for a in adjustments if (a.basis == "per_line") is one_time), ZERO)


def _adds(line: LinePrice, reference: LinePrice) -> tuple[Decimal | None, Decimal | None]:
    if line.status is not LineStatus.OK or reference.status is not LineStatus.OK:
        return None, None
    return (
        _sum(line.surcharges, False) - _sum(reference.surcharges, False),
        _sum(line.surcharges, True) - _sum(reference.surcharges, True),
    )


def baseline(product: Product, configuration: Configuration) -> Configuration:
    """The configuration with every required option filled (its default, else its first value)."""
    chosen = configuration.as_dict()
    for option in product.options:
        if option.required and not chosen.get(option.code):
            first = option.values[0].code if option.values else SAMPLE_TEXT
            chosen[option.code] = option.default or first
    return Configuration.of(chosen)


def _candidates(option: ProductOption, chosen: dict[str, str]) -> list[tuple[str | None, str, str]]:
    """(value as shown, label, value priced) for each value a configurator offers."""
    if option.kind is OptionKind.TEXT:
        return [(None, option.label, chosen.get(option.code) or SAMPLE_TEXT)]
    return [(v.code, v.label, v.code) for v in option.values]


class ConfiguratorService:
    """Validation against the mirror (no ERP), per-value previews and tier tables through the price path."""

    def __init__(self, products: ProductSource, prices: Quoter) -> None:
        self.products = products
        self.prices = prices

    def validate(self, sku: str, configuration: Configuration) -> Validation:
        """Check a configuration with the ERP's rules as mirrored; never calls the ERP."""
        product = self.products.get_product(sku)
        return Validation(product, configuration, tuple(configuration_problems(product, configuration)))

    def _checked(self, sku: str, configuration: Configuration) -> Product:
        validation = self.validate(sku, configuration)
        wrong = [p for p in validation.problems if p.reason != REQUIRED]
        if wrong:
            field = f"options.{wrong[0].option}"
            raise InputError(f"{field}: {wrong[0].message}", field=field)
        return validation.product

    def preview(
        self, customer_id: str, currency: str, sku: str, quantity: int, configuration: Configuration
    ) -> Preview:
        """What each value of each option adds, for this customer and quantity, in one price query."""
        product = self._checked(sku, configuration)
        base = baseline(product, configuration)
        chosen = base.as_dict()
        configs: dict[Configuration, int] = {base: 0}
        plan: list[tuple[ProductOption, Configuration, list[tuple[str | None, str, Configuration]]]] = []
        for option in product.options:
            without = Configuration.of({k: v for k, v in chosen.items() if k != option.code})
            variants = [
                (shown, label, Configuration.of({**without.as_dict(), option.code: priced}))
                for shown, label, priced in _candidates(option, chosen)
            ]
            plan.append((option, without, variants))
            for config in [without, *(v[2] for v in variants)]:
                configs.setdefault(config, len(configs))
        if len(configs) > MAX_ITEMS:
            raise InputError(f"{sku} has too many option values to preview at once", field="sku")
        lines = tuple(PriceRequestLine(str(n), sku, quantity, c) for c, n in configs.items())
        quote = self.prices.quote(PriceQuery(customer_id, currency, lines))
        priced = {c: quote.lines[n] for c, n in configs.items()}
        options = tuple(self._option_preview(option, without, variants, priced)
                        for option, without, variants in plan)
        return Preview(quote, base, priced[base].price, options)

    @staticmethod
    def _option_preview(
        option: ProductOption,
        without: Configuration,
        variants: list[tuple[str | None, str, Configuration]],
        priced: dict[Configuration, QuotedLine],
    ) -> OptionPreview:
        reference = priced[without].price
        relative_to = None
        if reference.status is not LineStatus.OK and variants:
            # a required option cannot be left out: each value is shown relative to the first one
            relative_to = variants[0][0]
            reference = priced[variants[0][2]].price
        values = []
        for shown, label, config in variants:
            line = priced[config]
            per_unit, one_time = _adds(line.price, reference)
            values.append(ValuePreview(shown, label, line.price.status, line.source,
                                       per_unit, one_time, line.price.net_unit_price))
        return OptionPreview(option, relative_to, tuple(values))

    def tiers(
        self, customer_id: str, currency: str, sku: str, configuration: Configuration
    ) -> tuple[LinePrice, list[Tier]]:
        """Every quantity break for this customer, following the ERP's next_break from quantity 1."""
        config = baseline(self._checked(sku, configuration), configuration)
        quantity = 1
        tiers: list[Tier] = []
        while True:
            query = PriceQuery(customer_id, currency, (PriceRequestLine("1", sku, quantity, config),))
            line = self.prices.quote(query).lines[0]
            price = line.price
            if price.base_unit_price is None or price.net_unit_price is None:  # not ok: no prices
                return price, tiers
            tiers.append(Tier(quantity, price.base_unit_price, price.net_unit_price, line.source))
            following = price.next_break
            if following is None or following.min_quantity <= quantity or len(tiers) >= MAX_TIERS:
                return price, tiers
            quantity = following.min_quantity
