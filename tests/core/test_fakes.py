"""The suite's one FakeErp implements the whole ERP port, with the port's signatures."""

from __future__ import annotations

import inspect

from middleware.ports.erp import Erp
from tests.fakes import FakeErp


def port_members() -> list[str]:
    return [name for name in vars(Erp) if not name.startswith("_")]


def test_the_fake_erp_has_every_member_of_the_port_with_its_parameters() -> None:
    assert {"capabilities", "endpoint", "check", "close", "simulate_prices"} <= set(port_members())
    for name in port_members():
        assert hasattr(FakeErp, name), name
        declared = getattr(Erp, name)
        if inspect.isfunction(declared):
            assert inspect.signature(getattr(FakeErp, name)).parameters.keys() == \
                inspect.signature(declared).parameters.keys(), name


def test_the_fake_erp_checks_fine_until_it_is_down() -> None:
    erp = FakeErp()
    assert all(item.ok for item in erp.check())
    erp.down = True
    assert not any(item.ok for item in erp.check())
    erp.close()
