"""NAV master data derived from the shared catalog: variants for select options, charge items for fees."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from erpsim.model import Catalog, Item, SurchargeRule


@dataclass(frozen=True)
class ChargeItem:
    """A service item that carries an option's per-unit surcharge or one-time fee for one main item."""

    no: str
    main: Item
    option_code: str
    basis: str  # PER_UNIT | PER_LINE

    @property
    def rules(self) -> tuple[SurchargeRule, ...]:
        """The main item's surcharge rules this charge item prices (any value of the option)."""
        return tuple(
            r
            for r in self.main.surcharges
            if r.option_code == self.option_code and r.basis == self.basis and r.value_code is None
        )

    @property
    def description(self) -> str:
        """Card description, e.g. 'Engraving text, setup (MUG-01)'."""
        label = next((o.label for o in self.main.options if o.code == self.option_code), self.option_code)
        suffix = ", one-time fee" if self.basis == "PER_LINE" else ""
        return f"{label}{suffix} ({self.main.item_no})"


def charge_item_no(option_code: str, item_no: str, basis: str) -> str:
    """ENGRAVING-MUG-01 (per unit) or ENGRAVING-FEE-MUG-01 (one-time fee)."""
    fee = "-FEE" if basis == "PER_LINE" else ""
    return f"{option_code.upper()}{fee}-{item_no}"


def charge_items(catalog: Catalog) -> dict[str, ChargeItem]:
    """Every charge item: one per (item, option, basis) whose surcharge any value of the option triggers."""
    out: dict[str, ChargeItem] = {}
    for item in catalog.items.values():
        for rule in item.surcharges:
            if rule.value_code is None and rule.basis in ("PER_UNIT", "PER_LINE"):
                no = charge_item_no(rule.option_code, item.item_no, rule.basis)
                out[no] = ChargeItem(no, item, rule.option_code, rule.basis)
    return out


def variant_code(values: tuple[str, ...]) -> str:
    """NAV variant code of a combination of select values, e.g. ('gold',) -> GOLD."""
    return "-".join(v.upper() for v in values)[:10]


def variants(item: Item) -> dict[str, tuple[tuple[str, str], ...]]:
    """Variant code -> the select options it stands for (every combination of the item's select options)."""
    selects = [o for o in item.options if o.kind == "SELECT" and o.values]
    out = {}
    for combo in itertools.product(*[[(o.code, v.code) for v in o.values] for o in selects]):
        if combo:
            out[variant_code(tuple(v for _, v in combo))] = tuple(combo)
    return out


def variant_label(item: Item, code: str) -> str:
    """Variant description: the labels of its values."""
    chosen = dict(variants(item).get(code, ()))
    labels = [v.label for o in item.options for v in o.values if chosen.get(o.code) == v.code]
    return ", ".join(labels) or code
