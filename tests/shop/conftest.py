"""The real stack on loopback for the configurator API: erpsim, the middleware served by waitress."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import requests

from middleware.app import create_app
from middleware.config import Settings
from middleware.web import WebServer
from middleware.wiring import Container, build_container

erpsim_server = pytest.importorskip("erpsim.server")

API_KEY = "shop-test-key-1"
SOAP_USER, SOAP_PASSWORD = "erp", "shop-soap-pass-1"
ADMIN_USER, ADMIN_PASSWORD = "admin", "shop-admin-pass-1"


@dataclass
class Stack:
    """The simulator, the middleware and one HTTP session to both."""

    sim: Any
    container: Container
    url: str
    http: requests.Session

    def api(self, method: str, path: str, body: dict[str, Any] | None = None) -> requests.Response:
        """A call to the shop API with the test key."""
        return self.http.request(
            method,
            f"{self.url}/api/v1{path}",
            json=body,
            timeout=10,
            headers={"Authorization": f"Bearer {API_KEY}"},
        )

    def control(self, method: str, path: str, **kwargs: Any) -> Any:
        """A call to erpsim's control API."""
        response = self.http.request(method, f"{self.sim.control_url}/{path}", timeout=5, **kwargs)
        response.raise_for_status()
        return response.json()

    def erp_calls(self, operation: str) -> int:
        """How often erpsim served an operation since the last stats reset."""
        return int(self.control("GET", "stats")["operations"].get(operation, {}).get("calls", 0))

    def erp_down(self) -> None:
        """Make every ERP call fail as unavailable."""
        self.control("POST", "faults", json={"outage": True})


@pytest.fixture
def stack(database_url: str) -> Iterator[Stack]:
    with erpsim_server.SimulatorServer() as sim:
        settings = Settings(
            database_url=database_url,
            erp_endpoint=sim.soap_url,
            shop_api_keys=(API_KEY,),
            soap_username=SOAP_USER,
            soap_password=SOAP_PASSWORD,
            admin_username=ADMIN_USER,
            admin_password=ADMIN_PASSWORD,
            erp_read_timeout=2.0,
            erp_connect_timeout=1.0,
            breaker_failure_threshold=50,
            run_worker_in_web=False,
        )
        container = build_container(settings)
        container.catalog.sync_from_erp()
        server = WebServer(create_app(container=container), "127.0.0.1", 0, threads=8).start()
        http = requests.Session()
        http.trust_env = False
        try:
            yield Stack(sim, container, server.url, http)
        finally:
            server.close()
            http.close()
            container.close()
