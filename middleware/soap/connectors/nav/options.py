"""How configurable options reach NAV: item variants, charge lines with their own item, text lines."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from ....domain.catalog import OptionKind, OptionValue, ProductOption
from ....domain.configuration import Configuration
from ....errors import ConfigError

OPTION_KEYS = {
    "label",
    "kind",
    "required",
    "values",
    "max_length",
    "variant",
    "variant_codes",
    "per_unit_item",
    "per_line_item",
    "per_unit_code",
    "per_line_code",
    "text",
}


class OptionError(ValueError):
    """A configuration NAV cannot be told (unknown option or value, text too long)."""


@dataclass(frozen=True, slots=True)
class NavOption:
    """One option as the profile maps it to NAV."""

    code: str
    label: str
    kind: OptionKind
    required: bool = False
    values: tuple[OptionValue, ...] = ()
    max_length: int | None = None
    variant: bool = False
    variant_codes: dict[str, str] = field(default_factory=dict)
    per_unit_item: str = ""
    per_line_item: str = ""
    per_unit_code: str = ""
    per_line_code: str = ""
    text: str = ""  # "comment": a text line after the item line; "description": the line's description

    def variant_code(self, value: str) -> str:
        """The variant code standing for a value (upper-cased value unless mapped)."""
        return self.variant_codes.get(value, value.upper())


@dataclass(frozen=True, slots=True)
class Charge:
    """A charge line: its item number, basis (per_unit | per_line) and the surcharge code it answers."""

    item_no: str
    basis: str
    code: str


@dataclass(frozen=True, slots=True)
class LinePlan:
    """What one configured line becomes in NAV."""

    sku: str
    variant: str = ""
    charges: tuple[Charge, ...] = ()
    comments: tuple[str, ...] = ()
    description: str | None = None


def _option(code: str, raw: Mapping[str, Any]) -> NavOption:
    where = f"profile [nav.options.{code}]"
    unknown = sorted(set(raw) - OPTION_KEYS)
    if unknown:
        raise ConfigError(f"{where} {unknown[0]}", "unknown key")
    kind = str(raw.get("kind", "select")).lower()
    if kind not in ("select", "text"):
        raise ConfigError(f"{where} kind", "must be select or text")
    values = raw.get("values", {})
    if not isinstance(values, Mapping):
        raise ConfigError(f"{where} values", "must be a table value = label")
    text = str(raw.get("text", ""))
    if text not in ("", "comment", "description"):
        raise ConfigError(f"{where} text", "must be comment, description or empty")
    return NavOption(
        code=code,
        label=str(raw.get("label", code)),
        kind=OptionKind(kind),
        required=bool(raw.get("required")),
        values=tuple(OptionValue(str(k), str(v)) for k, v in values.items()),
        max_length=int(raw["max_length"]) if "max_length" in raw else None,
        variant=bool(raw.get("variant", False)),
        variant_codes={str(k): str(v) for k, v in dict(raw.get("variant_codes", {})).items()},
        per_unit_item=str(raw.get("per_unit_item", "")),
        per_line_item=str(raw.get("per_line_item", "")),
        per_unit_code=str(raw.get("per_unit_code", code)),
        per_line_code=str(raw.get("per_line_code", f"{code}_setup")),
        text=text,
    )


def parse_options(raw: Mapping[str, Any]) -> dict[str, NavOption]:
    """`[nav.options.<code>]` tables."""
    return {code: _option(code, spec if isinstance(spec, Mapping) else {}) for code, spec in raw.items()}


def parse_item_options(raw: Mapping[str, Any]) -> dict[str, tuple[tuple[str, tuple[str, ...]], ...]]:
    """`[nav.item_options] "SKU" = ["color:white|black", "engraving"]`: options per item, values optional."""
    out = {}
    for sku, specs in raw.items():
        if not isinstance(specs, list):
            raise ConfigError(f"profile [nav.item_options] {sku}", "must be a list of option codes")
        entries = []
        for spec in specs:
            code, _, values = str(spec).partition(":")
            entries.append((code, tuple(v for v in values.split("|") if v)))
        out[str(sku)] = tuple(entries)
    return out


@dataclass(frozen=True, slots=True)
class OptionMap:
    """The profile's options and which item has which."""

    options: dict[str, NavOption] = field(default_factory=dict)
    item_options: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = field(default_factory=dict)

    def product_options(self, sku: str) -> tuple[ProductOption, ...]:
        """The item's options for the catalog mirror (NAV has no option definitions)."""
        out = []
        for code, allowed in self.item_options.get(sku, ()):
            opt = self.options.get(code)
            if opt is None:
                continue
            values = tuple(v for v in opt.values if not allowed or v.code in allowed)
            out.append(ProductOption(opt.code, opt.label, opt.kind, opt.required, values))
        return tuple(out)

    def _check(self, sku: str, code: str, value: str) -> NavOption:
        entry = dict(self.item_options.get(sku, ()))
        opt = self.options.get(code)
        if code not in entry or opt is None:
            raise OptionError(f"Item {sku} has no option '{code}'")
        allowed = entry[code] or tuple(v.code for v in opt.values)
        if opt.kind is OptionKind.SELECT and value not in allowed:
            raise OptionError(
                f"Value '{value}' is not allowed for option '{code}' (allowed: {', '.join(allowed)})"
            )
        if opt.max_length is not None and len(value) > opt.max_length:
            raise OptionError(f"Option '{code}' is longer than {opt.max_length} characters")
        return opt

    def plan(self, sku: str, configuration: Configuration) -> LinePlan:
        """Variant code, charge lines and texts for a configured line; OptionError when NAV can't take it."""
        chosen = configuration.as_dict()
        for code, value in configuration.selections:
            self._check(sku, code, value)
        variant: list[str] = []
        charges: list[Charge] = []
        comments: list[str] = []
        description = None
        for code, _ in self.item_options.get(sku, ()):  # the item's option order, as its variants are named
            opt, value = self.options.get(code), chosen.get(code, "")
            if opt is None or not value:
                if opt is not None and opt.required:
                    raise OptionError(f"Option '{code}' is required")
                continue
            if opt.variant:
                variant.append(opt.variant_code(value))
            for item, basis, surcharge in (
                (opt.per_unit_item, "per_unit", opt.per_unit_code),
                (opt.per_line_item, "per_line", opt.per_line_code),
            ):
                if item:
                    charges.append(Charge(item.format(sku=sku, value=value), basis, surcharge))
            if opt.text == "comment":
                comments.append(value)
            elif opt.text == "description":
                description = value
        return LinePlan(sku, "-".join(variant)[:10], tuple(charges), tuple(comments), description)


def nav_rows(sku: str, quantity: int, plan: LinePlan, line_type: str = "Item") -> list[dict[str, Any]]:
    """The document lines of one configured line: item line, charge lines, then text lines."""
    qty = Decimal(quantity)
    main: dict[str, Any] = {"Type": line_type, "No": sku, "Quantity": qty}
    if plan.variant:
        main["Variant_Code"] = plan.variant
    if plan.description:
        main["Description"] = plan.description
    rows = [main]
    for c in plan.charges:
        rows.append(
            {"Type": line_type, "No": c.item_no, "Quantity": qty if c.basis == "per_unit" else Decimal(1)}
        )
    rows += [{"Type": "_blank_", "Description": text} for text in plan.comments]
    return rows
