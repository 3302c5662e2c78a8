"""Money: Decimal amounts with an ISO-4217 currency, rounded half-up to cents."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
_CURRENCY = re.compile(r"^[A-Z]{3}$")
_DECIMAL = re.compile(r"^-?\d{1,12}(\.\d{1,2})?$")


def round_money(value: Decimal) -> Decimal:
    """Round half-up to 0.01."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def parse_amount(text: str, field: str = "amount") -> Decimal:
    """Parse a decimal string with at most two places; ValueError names the field."""
    if not isinstance(text, str) or not _DECIMAL.match(text):
        raise ValueError(f"{field} must be a decimal string with at most 2 places, e.g. \"12.73\"")
    try:
        return Decimal(text)
    except InvalidOperation as exc:  # pragma: no cover - the regex already guards
        raise ValueError(f"{field} is not a number") from exc


def check_currency(code: str) -> str:
    """Return an ISO-4217-shaped currency code or raise ValueError."""
    if not isinstance(code, str) or not _CURRENCY.match(code):
        raise ValueError("currency must be an ISO-4217 code such as EUR")
    return code


def format_amount(value: Decimal) -> str:
    """Wire form of an amount: a decimal string with two places."""
    return str(round_money(value))


@dataclass(frozen=True, slots=True)
class Money:
    """An amount in a currency."""

    amount: Decimal
    currency: str

    def __post_init__(self) -> None:
        if not isinstance(self.amount, Decimal):
            raise TypeError("Money.amount must be a Decimal")
        check_currency(self.currency)

    def __add__(self, other: Money) -> Money:
        if other.currency != self.currency:
            raise ValueError(f"cannot add {other.currency} to {self.currency}")
        return Money(self.amount + other.amount, self.currency)

    def rounded(self) -> Money:
        """This amount rounded half-up to cents."""
        return Money(round_money(self.amount), self.currency)
