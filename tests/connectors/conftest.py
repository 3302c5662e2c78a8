"""Fixtures of the conformance suite: one simulator per case, connectors built as `run.py` builds them."""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from middleware.config import Settings
from middleware.ports.erp import Erp
from middleware.wiring.erp import build_erp
from tests.connectors.cases import CASES, PASSWORD, USERNAME, ConnectorCase, RunningErp


@pytest.fixture(scope="session", params=CASES, ids=[case.name for case in CASES])
def case(request: pytest.FixtureRequest) -> ConnectorCase:
    """Each registered connector in turn."""
    return request.param  # type: ignore[no-any-return]


@pytest.fixture(scope="session")
def running_erp(case: ConnectorCase) -> Iterator[RunningErp]:
    """The case's simulator dialect, on a free port, for the whole session."""
    with case.start(USERNAME, PASSWORD) as sim:
        yield sim


@pytest.fixture(scope="session")
def profile_path(
    case: ConnectorCase, running_erp: RunningErp, tmp_path_factory: pytest.TempPathFactory
) -> str:
    """The case's profile as a file (MIDDLEWARE_ERP_PROFILE)."""
    path = tmp_path_factory.mktemp(f"profile-{case.name}") / f"{case.name}.toml"
    path.write_text(case.profile(running_erp), encoding="utf-8")
    return str(path)


@pytest.fixture
def control(running_erp: RunningErp) -> Callable[..., Any]:
    """Call erpsim's control API: control("POST", "faults", json={...}) -> decoded JSON."""

    def call(method: str, path: str, **kwargs: Any) -> Any:
        response = requests.request(method, f"{running_erp.control_url}/{path}", timeout=10, **kwargs)
        response.raise_for_status()
        return response.json()

    return call


@pytest.fixture
def erp_env(case: ConnectorCase, profile_path: str, control: Callable[..., Any]) -> dict[str, str]:
    """The environment `python run.py` would run the case with, against a freshly reset simulator."""
    control("POST", "reset")
    control("DELETE", "faults")
    return {
        "MIDDLEWARE_ERP_CONNECTOR": case.connector,
        "MIDDLEWARE_ERP_PROFILE": profile_path,
        "MIDDLEWARE_ERP_USERNAME": USERNAME,
        "MIDDLEWARE_ERP_PASSWORD": PASSWORD,
        "MIDDLEWARE_ERP_READ_TIMEOUT": "5",
    }


@pytest.fixture
def make_erp(erp_env: dict[str, str]) -> Iterator[Callable[..., Erp]]:
    """Build the case's connector through the composition root; keyword arguments override settings."""
    built: list[Erp] = []

    def make(**env: str) -> Erp:
        overrides = {f"MIDDLEWARE_{name.upper()}": value for name, value in env.items()}
        erp = build_erp(Settings.from_env({**erp_env, **overrides}))
        built.append(erp)
        return erp

    yield make
    for erp in built:
        erp.close()


@pytest.fixture
def erp(make_erp: Callable[..., Erp]) -> Erp:
    """The case's connector with the case's settings."""
    return make_erp()


@pytest.fixture
def unreachable() -> str:
    """An endpoint on loopback where nothing listens."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/soap"


@pytest.fixture
def broken_profile(tmp_path: Path) -> Callable[[str], str]:
    """Write a profile file with the given text; returns its path."""

    def write(text: str) -> str:
        path = tmp_path / "broken.toml"
        path.write_text(text, encoding="utf-8")
        return str(path)

    return write
