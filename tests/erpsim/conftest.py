"""Fixtures for the ERP simulator tests: demo catalog, an in-process server and zeep clients."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
import requests
import zeep

from erpsim import SimulatorServer
from erpsim.demo_data import demo_catalog
from erpsim.model import Catalog
from tests.erpsim.helpers import TODAY, make_client


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    """The demo catalog with campaign windows fixed around TODAY."""
    return demo_catalog(TODAY)


@pytest.fixture(scope="session")
def server() -> Iterator[SimulatorServer]:
    """One in-process simulator for the whole session (reset before each test by `sim`)."""
    with SimulatorServer() as srv:
        yield srv


@pytest.fixture
def sim(server: SimulatorServer) -> SimulatorServer:
    """The shared server, reset to demo data with no orders, faults or push target."""
    server.app.reset()
    server.app.pusher.configure(None)
    server.app.set_auto_progress(None)
    return server


@pytest.fixture(scope="session")
def zeep_pair(server: SimulatorServer) -> tuple[Any, Any]:
    """(zeep.Client, service proxy) authenticated with HTTP Basic."""
    return make_client(server.soap_url)


@pytest.fixture
def erp(sim: SimulatorServer, zeep_pair: tuple[Any, Any]) -> Any:
    """The zeep service proxy against a freshly reset simulator."""
    return zeep_pair[1]


@pytest.fixture
def erp_fault(zeep_pair: tuple[Any, Any]) -> Callable[[zeep.exceptions.Fault], Any]:
    """Parse a zeep Fault's detail into a typed ErpFault object."""
    client = zeep_pair[0]
    element = client.get_element("{urn:legacy-erp:sales:v1}ErpFault")

    def parse(fault: zeep.exceptions.Fault) -> Any:
        return element.parse(fault.detail[0], client.wsdl.types)

    return parse


@pytest.fixture
def control(sim: SimulatorServer) -> Callable[..., Any]:
    """Call the JSON control API: control('POST', 'faults', json={...}) -> decoded JSON."""

    def call(method: str, path: str, expect: int = 200, **kw: Any) -> Any:
        resp = requests.request(method, f"{sim.control_url}/{path}", timeout=30, **kw)
        assert resp.status_code == expect, resp.text
        return resp.json()

    return call
