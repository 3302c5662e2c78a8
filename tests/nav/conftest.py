"""Fixtures: a NAV dialect per module (Basic and NTLM), reset before each test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.nav.helpers import NavServer, start


@pytest.fixture(scope="module")
def nav_basic() -> Iterator[NavServer]:
    nav = start("basic")
    yield nav
    nav.server.stop()


@pytest.fixture(scope="module")
def nav_ntlm() -> Iterator[NavServer]:
    nav = start("ntlm")
    yield nav
    nav.server.stop()


@pytest.fixture
def nav(nav_basic: NavServer) -> NavServer:
    nav_basic.sim.reset()
    return nav_basic
