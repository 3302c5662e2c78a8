"""Fixtures: the X3 dialect in-process (V6 and V7, port 0) and an X3Erp built from the shipped profile."""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from erpsim.server import SimulatorServer
from erpsim.x3.app import make_app
from middleware.ports.erp import ConnectorConfig, ErpMessage
from middleware.soap.connectors.x3.connector import X3Erp

ROOT = Path(__file__).resolve().parents[2]
PROFILE = ROOT / "examples" / "profiles" / "x3.toml"
CONTRACTS = ROOT.parent / "shared" / "erp-contracts" / "x3"
REAL_WSDL = {
    "v6": CONTRACTS / "CAdxWebServiceXmlCC.v6-adxwsvc.wsdl",
    "v7": CONTRACTS / "CAdxWebServiceXmlCC.v7-syracuse.wsdl",
}


def x3_profile(version: str) -> dict[str, Any]:
    """The shipped example profile for one X3 version."""
    profile = tomllib.loads(PROFILE.read_text())
    profile["x3"]["version"] = version
    return profile


def x3_config(server: SimulatorServer, version: str, **overrides: Any) -> ConnectorConfig:
    """A ConnectorConfig for the dialect at `server` (the endpoint overrides the profile's URL)."""
    values: dict[str, Any] = {
        "profile": x3_profile(version),
        "profile_path": str(PROFILE),
        "endpoint": server.soap_url,
        "username": "erp-user",
        "password": "erp-pass",
        "read_timeout": 5.0,
    }
    return ConnectorConfig(**{**values, **overrides})


@pytest.fixture(scope="session", params=["v6", "v7"])
def x3_server(request: pytest.FixtureRequest) -> Iterator[SimulatorServer]:
    """One dialect server per X3 version for the session."""
    with SimulatorServer(app=make_app(version=request.param)) as server:
        yield server


@pytest.fixture
def x3_sim(x3_server: SimulatorServer) -> SimulatorServer:
    """The dialect reset to demo data, no orders, no faults."""
    x3_server.app.reset()
    return x3_server


@pytest.fixture
def version(x3_sim: SimulatorServer) -> str:
    """The X3 version the current dialect speaks."""
    return str(x3_sim.app.version)


@pytest.fixture
def messages() -> list[ErpMessage]:
    """Every message the connector recorded."""
    return []


@pytest.fixture
def x3(x3_sim: SimulatorServer, version: str, messages: list[ErpMessage]) -> Iterator[X3Erp]:
    """The connector against the fresh dialect."""
    erp = X3Erp(x3_config(x3_sim, version, record=messages.append))
    yield erp
    erp.close()


@pytest.fixture
def control(x3_sim: SimulatorServer) -> Callable[..., Any]:
    """Call the dialect's JSON control API."""

    def call(method: str, path: str, **kw: Any) -> Any:
        resp = requests.request(method, f"{x3_sim.control_url}/{path}", timeout=10, **kw)
        assert resp.status_code == 200, resp.text
        return resp.json()

    return call
