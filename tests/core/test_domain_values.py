"""Money, configurations and the order state machine."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from middleware.domain.configuration import Configuration
from middleware.domain.money import Money, format_amount, parse_amount, round_money
from middleware.domain.orders import ERP_RANK, OrderStatus, can_transition


def test_rounding_is_half_up_to_cents():
    assert round_money(Decimal("147.972")) == Decimal("147.97")
    assert round_money(Decimal("0.665")) == Decimal("0.67")
    assert round_money(Decimal("2.675")) == Decimal("2.68")
    assert format_amount(Decimal("12.7")) == "12.70"


@pytest.mark.parametrize("text", ["12.345", "12,34", "1e3", "", "abc", " 1.00"])
def test_amounts_must_be_decimal_strings_with_two_places_at_most(text):
    with pytest.raises(ValueError):
        parse_amount(text, "unit_price")


def test_money_refuses_floats_and_mixed_currencies():
    with pytest.raises(TypeError):
        Money(12.5, "EUR")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        Money(Decimal("1"), "EUR") + Money(Decimal("1"), "USD")
    assert (Money(Decimal("1.10"), "EUR") + Money(Decimal("2.20"), "EUR")).amount == Decimal("3.30")


@given(st.dictionaries(st.text(min_size=1, max_size=10), st.text(max_size=20), max_size=8))
def test_equal_selections_hash_equally_whatever_their_order(selections):
    forward = Configuration.of(selections)
    backward = Configuration.of(dict(reversed(list(selections.items()))))
    assert forward == backward
    assert forward.hash == backward.hash


def test_different_selections_hash_differently():
    gold = Configuration.of({"color": "gold", "engraving": "Happy Birthday"})
    black = Configuration.of({"color": "black", "engraving": "Happy Birthday"})
    assert gold.hash != black.hash
    assert gold.as_dict() == {"color": "gold", "engraving": "Happy Birthday"}


def test_status_machine_never_moves_an_invoiced_order_back():
    assert can_transition(OrderStatus.ACCEPTED, OrderStatus.SHIPPED)
    assert can_transition(OrderStatus.SHIPPED, OrderStatus.INVOICED)
    assert not can_transition(OrderStatus.INVOICED, OrderStatus.SHIPPED)
    assert not can_transition(OrderStatus.CANCELLED, OrderStatus.ACCEPTED)
    assert ERP_RANK[OrderStatus.SHIPPED] < ERP_RANK[OrderStatus.INVOICED]
