"""The NAV connector's cases for the connector conformance suite (tests/connectors): two modes x two auths."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any

from erpsim.config import SimConfig
from erpsim.nav.app import NavOptions, NavSimulator
from erpsim.server import SimulatorServer
from tests.nav.helpers import EXAMPLE_PROFILE


def nav_erp(auth: str) -> Callable[[str, str], AbstractContextManager[Any]]:
    """Start the NAV dialect with this auth kind."""

    @contextmanager
    def start(username: str, password: str) -> Iterator[Any]:
        sim = NavSimulator(SimConfig(username=username, password=password), nav=NavOptions(auth=auth))
        with SimulatorServer(app=sim) as server:
            yield server

    return start


def nav_profile(mode: str, auth: str) -> Callable[[Any], str]:
    """The shipped example profile, pointed at the running dialect, in this pricing mode and auth kind."""

    def profile(server: Any) -> str:
        text = EXAMPLE_PROFILE.read_text(encoding="utf-8")
        for old, new in (
            ('base_url = "http://127.0.0.1:7047/DynamicsNAV90"', f'base_url = "{server.url}/DynamicsNAV90"'),
            ('auth = "basic"', f'auth = "{auth}"'),
            ('mode = "codeunit"', f'mode = "{mode}"'),
        ):
            assert old in text, f"the example profile no longer has {old!r}"
            text = text.replace(old, new, 1)
        return text

    return profile


def nav_cases(case: Callable[..., Any]) -> list[Any]:
    """One ConnectorCase per pricing mode and auth kind."""
    return [
        case(f"nav-{mode}-{auth}", "nav", nav_erp(auth), nav_profile(mode, auth))
        for mode in ("codeunit", "quote")
        for auth in ("basic", "ntlm")
    ]
