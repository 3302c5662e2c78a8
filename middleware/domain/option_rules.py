"""Which configurations a product accepts: the ERP's option rules, checked against the mirror."""

from __future__ import annotations

from dataclasses import dataclass

from .catalog import OptionKind, Product
from .configuration import Configuration

UNKNOWN_OPTION = "unknown_option"
VALUE_NOT_ALLOWED = "value_not_allowed"
TOO_LONG = "too_long"
REQUIRED = "required"


@dataclass(frozen=True, slots=True)
class OptionProblem:
    """Why one option of a configuration would be refused; `reason` is machine-readable."""

    option: str
    reason: str
    message: str


def _value_problem(product: Product, code: str, value: str) -> OptionProblem | None:
    option = product.option(code)
    if option is None:
        return OptionProblem(code, UNKNOWN_OPTION, f"{product.sku} has no option {code!r}")
    if option.kind is OptionKind.SELECT and all(v.code != value for v in option.values):
        allowed = ", ".join(v.code for v in option.values)
        return OptionProblem(code, VALUE_NOT_ALLOWED, f"{value!r} is not one of {allowed}")
    if option.kind is OptionKind.TEXT and option.max_length is not None and len(value) > option.max_length:
        message = f"option {code!r} is {len(value)} characters long; at most {option.max_length} allowed"
        return OptionProblem(code, TOO_LONG, message)
    return None


def configuration_problems(product: Product, configuration: Configuration) -> list[OptionProblem]:
    """Every problem the ERP would refuse this configuration for (empty: acceptable)."""
    problems = [
        problem
        for code, value in configuration.selections
        if (problem := _value_problem(product, code, value)) is not None
    ]
    chosen = configuration.as_dict()
    problems += [
        OptionProblem(o.code, REQUIRED, f"option {o.code!r} is required")
        for o in product.options
        if o.required and not chosen.get(o.code) and o.code not in {p.option for p in problems}
    ]
    return problems
