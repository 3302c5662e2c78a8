"""Fixtures for the SOAP service the ERP calls: a recording fake backend, envelopes, a served app."""

from __future__ import annotations

import base64
import hashlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from types import SimpleNamespace
from typing import Any

import pytest
from werkzeug.test import Client

from middleware.config import Settings
from middleware.domain.orders import StatusUpdateResult, UpdateOutcome
from middleware.services.catalog import UpsertResult
from middleware.soap.service.inbound_backend import StatusSnapshot
from middleware.soap.service.server import make_soap_app
from middleware.web import WebServer
from tests.fakes import FakeClock

USER, PASSWORD = "erp", "soap-pass"
BASIC = (USER, PASSWORD)
NS = "urn:shop-middleware:erp:v1"
SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
WSSE = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"
WSU = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd"
PROFILE = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0"


class FakeBackend:
    """Stands in for the use cases: records every call, answers plausibly, can be told to fail."""

    def __init__(self, clock: FakeClock) -> None:
        self.clock = clock
        self.calls: list[tuple[str, Any]] = []
        self.fail_with: Exception | None = None
        self.offered: list[Any] = []

    def _record(self, name: str, value: Any) -> None:
        self.calls.append((name, value))
        if self.fail_with is not None:
            raise self.fail_with

    def upsert_products(self, products: list[Any]) -> UpsertResult:
        """Everything is new."""
        self._record("upsert_products", products)
        return UpsertResult(created=len(products))

    def upsert_customers(self, customers: list[Any]) -> UpsertResult:
        """Everything is an update."""
        self._record("upsert_customers", customers)
        return UpsertResult(updated=len(customers))

    def invalidate_prices(
        self, skus: list[str], customer_nos: list[str], groups: list[str], everything: bool
    ) -> int:
        """Pretend one quote per key was dropped."""
        self._record("invalidate_prices", (skus, customer_nos, groups, everything))
        return 999 if everything else len(skus) + len(customer_nos) + len(groups)

    def apply_status_updates(self, updates: list[Any]) -> list[StatusUpdateResult]:
        """WEB-* orders exist; SHIPPED applies, anything else is ignored."""
        self._record("apply_status_updates", updates)
        results = []
        for u in updates:
            if not u.order_number.startswith("WEB-"):
                results.append(
                    StatusUpdateResult(u.order_number, UpdateOutcome.UNKNOWN_ORDER, None, "no such order")
                )
            elif u.status.value == "shipped":
                results.append(StatusUpdateResult(u.order_number, UpdateOutcome.APPLIED, u.status))
            else:
                results.append(
                    StatusUpdateResult(u.order_number, UpdateOutcome.IGNORED, None, "would go back")
                )
        return results

    def fetch_new_orders(self, max_count: int) -> list[Any]:
        """The orders placed in `offered`."""
        self._record("fetch_new_orders", max_count)
        return self.offered[:max_count]

    def acknowledge_orders(self, acks: list[Any]) -> list[StatusUpdateResult]:
        """Every ack applies."""
        self._record("acknowledge_orders", acks)
        return [StatusUpdateResult(a.order_number, UpdateOutcome.APPLIED, None) for a in acks]

    def status(self) -> StatusSnapshot:
        """A fixed snapshot."""
        self._record("status", None)
        return StatusSnapshot("9.9.9", self.clock.now(), "push", 3, None)


@pytest.fixture
def settings() -> Settings:
    """Default demo credentials, a small body limit."""
    return Settings(soap_max_request_bytes=1_000_000)


@pytest.fixture
def clock() -> FakeClock:
    """The fake clock (the WS-Security window is checked against it)."""
    return FakeClock()


@pytest.fixture
def backend(clock: FakeClock) -> FakeBackend:
    """The recording fake backend."""
    return FakeBackend(clock)


@pytest.fixture
def soap_app(settings: Settings, clock: FakeClock, backend: FakeBackend) -> Any:
    """The guarded spyne WSGI app over the fake backend."""
    return make_soap_app(SimpleNamespace(settings=settings, clock=clock), backend=backend)


@pytest.fixture
def client(soap_app: Any) -> Client:
    """A werkzeug test client for the SOAP app."""
    return Client(soap_app)


@contextmanager
def serving(app: Any) -> Iterator[str]:
    """Serve a WSGI app with waitress on a free loopback port; yields the base URL."""
    server = WebServer(app, "127.0.0.1", 0, threads=4).start()
    try:
        yield server.url
    finally:
        server.close()


@pytest.fixture
def served(soap_app: Any) -> Iterator[str]:
    """The SOAP app on a real loopback port (waitress thread); yields the endpoint URL."""
    with serving(soap_app) as url:
        yield url + "/"


def envelope(body: str, header: str = "") -> bytes:
    """A SOAP 1.1 envelope with `m:` bound to the service namespace."""
    head = f"<s:Header>{header}</s:Header>" if header else ""
    return (
        f'<?xml version="1.0" encoding="utf-8"?><s:Envelope xmlns:s="{SOAP_ENV}" xmlns:m="{NS}">'
        f"{head}<s:Body>{body}</s:Body></s:Envelope>"
    ).encode()


def post(client: Client, body: bytes, auth: tuple[str, str] | None = BASIC, **headers: str) -> Any:
    """POST an envelope; returns the werkzeug response."""
    return client.post(
        "/", data=body, auth=auth, headers={"Content-Type": "text/xml; charset=utf-8", **headers}
    )


def username_token(
    created: datetime,
    password: str = PASSWORD,
    digest: bool = True,
    nonce: bytes | None = None,
    user: str = USER,
) -> str:
    """A wsse:Security header with a UsernameToken (PasswordDigest or PasswordText)."""
    nonce = nonce if nonce is not None else os.urandom(16)
    created_text = created.strftime("%Y-%m-%dT%H:%M:%SZ")
    if digest:
        value = base64.b64encode(
            hashlib.sha1(nonce + created_text.encode() + password.encode()).digest()
        ).decode()
        kind = PROFILE + "#PasswordDigest"
    else:
        value, kind = password, PROFILE + "#PasswordText"
    return (
        f'<wsse:Security xmlns:wsse="{WSSE}" xmlns:wsu="{WSU}" s:mustUnderstand="1"><wsse:UsernameToken>'
        f"<wsse:Username>{user}</wsse:Username>"
        f'<wsse:Password Type="{kind}">{value}</wsse:Password>'
        f"<wsse:Nonce>{base64.b64encode(nonce).decode()}</wsse:Nonce>"
        f"<wsu:Created>{created_text}</wsu:Created>"
        f"</wsse:UsernameToken></wsse:Security>"
    )


def fault_of(response: Any) -> tuple[str, str]:
    """(faultcode without prefix, faultstring) of a SOAP fault response."""
    from lxml import etree

    root = etree.fromstring(response.get_data())
    fault = root.find(f"{{{SOAP_ENV}}}Body/{{{SOAP_ENV}}}Fault")
    assert fault is not None, response.get_data(as_text=True)
    return fault.findtext("faultcode").split(":")[-1], fault.findtext("faultstring")
