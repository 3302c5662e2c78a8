"""A real Oscar shop (the plugin's demo project, SQLite) against the real middleware and erpsim, on loopback.

Django can be set up once per process, so the three servers live for the session; each test uses its own
users, baskets and orders.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests

pytest.importorskip("oscar", reason="the oscar extra is not installed: pip install -e '.[oscar]'")

from erpsim.config import SimConfig
from erpsim.server import SimulatorServer
from middleware.app import create_app
from middleware.config import Settings
from middleware.web import WebServer
from middleware.wiring import Container, build_container

API_KEY = "oscar-test-key-1"
WEBHOOK_SECRET = "oscar-webhook-secret-1"
SOAP_USER, SOAP_PASSWORD = "erp", "oscar-soap-pass-1"


class CountingApp:
    """WSGI wrapper counting the shop API calls the middleware serves, by path."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.calls: list[str] = []

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        if environ.get("PATH_INFO", "").startswith("/api/"):
            self.calls.append(f"{environ['REQUEST_METHOD']} {environ['PATH_INFO']}")
        return self.app(environ, start_response)

    def count(self, call: str) -> int:
        """How many calls of `METHOD /path` were served."""
        return self.calls.count(call)


@dataclass
class Shop:
    """erpsim, the middleware (counted) and the Oscar shop, plus a session for the control API."""

    sim: Any
    container: Container
    middleware_url: str
    counter: CountingApp
    shop_url: str
    http: requests.Session

    def control(self, method: str, path: str, **kwargs: Any) -> Any:
        """erpsim's control API."""
        response = self.http.request(method, f"{self.sim.control_url}/{path}", timeout=5, **kwargs)
        response.raise_for_status()
        return response.json()

    def erp_orders(self, external_no: str) -> list[dict[str, Any]]:
        """The ERP's orders carrying this shop order number."""
        orders = self.control("GET", "orders")
        items = orders["orders"] if isinstance(orders, dict) else orders
        return [o for o in items if o["external_document_no"] == external_no]


def _django(data_dir: Path) -> None:
    os.environ.update(
        OSCAR_DEMO_DATA_DIR=str(data_dir),
        DJANGO_SETTINGS_MODULE="oscar_erp.demo.settings",
        OSCAR_ERP_API_KEY=API_KEY,
        OSCAR_ERP_WEBHOOK_SECRET=WEBHOOK_SECRET,
        OSCAR_ERP_TIMEOUT="5",
    )
    import django
    from django.test.utils import setup_test_environment

    django.setup()
    setup_test_environment()  # responses carry their template context


@pytest.fixture(scope="session")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Shop]:
    data = tmp_path_factory.mktemp("oscar")
    _django(data)
    from django.conf import settings
    from django.core.handlers.wsgi import WSGIHandler
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    shop_server = WebServer(WSGIHandler(), "127.0.0.1", 0, threads=8).start()
    sim = SimulatorServer(SimConfig(push_username=SOAP_USER, push_password=SOAP_PASSWORD))
    url = f"sqlite:///{data / 'middleware.db'}"
    from middleware.store.migrate import upgrade

    upgrade(url)
    mw_settings = Settings(
        database_url=url,
        erp_endpoint=sim.soap_url,
        shop_api_keys=(API_KEY,),
        soap_username=SOAP_USER,
        soap_password=SOAP_PASSWORD,
        status_webhook_url=f"{shop_server.url}/erp/webhook/",
        status_webhook_secret=WEBHOOK_SECRET,
        delivery_poll_interval=0.2,
        delivery_backoff_base=0.2,
        public_url="http://127.0.0.1:1",
        price_cache_ttl=1,
        breaker_failure_threshold=1000,
    )
    container = build_container(mw_settings)
    counter = CountingApp(create_app(container=container))
    mw_server = WebServer(counter, "127.0.0.1", 0, threads=8).start()
    container.catalog.sync_from_erp()
    container.start_background()
    settings.OSCAR_ERP["URL"] = mw_server.url
    http = requests.Session()
    http.trust_env = False
    push = {"url": f"{mw_server.url}/soap/", "username": SOAP_USER, "password": SOAP_PASSWORD}
    http.post(f"{sim.control_url}/push", json=push, timeout=5).raise_for_status()
    call_command("erp_demo_setup", verbosity=0)
    try:
        yield Shop(sim, container, mw_server.url, counter, shop_server.url, http)
    finally:
        http.close()
        mw_server.close()
        container.close()
        shop_server.close()
        sim.stop()
