"""The web server bounds what one client holds: connections, time to send a request, bodies before auth."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator

import pytest
import requests
from flask import Flask

from middleware.config import Settings
from middleware.web import WebServer
from middleware.web_limits import WebLimits, limits_from_settings

SHOP_KEY = "shop-key-123456"


def _app() -> Flask:
    app = Flask("probe")
    app.add_url_rule("/healthz", "healthz", lambda: "ok")
    app.add_url_rule("/api/v1/orders", "orders", lambda: "stored", methods=["POST"])
    return app


@pytest.fixture
def serve() -> Iterator:  # type: ignore[type-arg]
    servers: list[WebServer] = []

    def start(limits: WebLimits | None = None) -> WebServer:
        servers.append(WebServer(_app(), "127.0.0.1", 0, threads=4, limits=limits).start())
        return servers[-1]

    yield start
    for server in servers:
        server.close()


def _half_open(server: WebServer, count: int) -> list[socket.socket]:
    sockets = []
    for _ in range(count):
        sock = socket.create_connection(("127.0.0.1", server.port), timeout=5)
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ")  # and never the rest
        sockets.append(sock)
    return sockets


def _closed_within(sock: socket.socket, seconds: float) -> bool:
    sock.settimeout(seconds)
    try:
        return sock.recv(1024) == b""
    except (TimeoutError, ConnectionResetError):
        return False


def test_130_half_open_connections_do_not_stop_the_server_with_default_limits(serve) -> None:  # type: ignore[no-untyped-def]
    server = serve(WebLimits(connections_per_client=0))  # one address here: the per-client bound is apart
    hung = _half_open(server, 130)
    try:
        assert requests.get(f"{server.url}/healthz", timeout=3).text == "ok"
    finally:
        for sock in hung:
            sock.close()


def test_a_request_that_trickles_in_is_cut_off_and_frees_its_slot(serve) -> None:  # type: ignore[no-untyped-def]
    server = serve(WebLimits(connection_limit=20, connections_per_client=0, request_timeout=1.0))
    hung = _half_open(server, 30)
    started = time.monotonic()
    try:
        assert requests.get(f"{server.url}/healthz", timeout=6).text == "ok"
        assert time.monotonic() - started < 4.0
        assert _closed_within(hung[0], 3.0)
    finally:
        for sock in hung:
            sock.close()


def test_one_client_gets_at_most_its_share_of_connections(serve) -> None:  # type: ignore[no-untyped-def]
    server = serve(WebLimits(connections_per_client=5))
    held = _half_open(server, 5)
    try:
        extra = socket.create_connection(("127.0.0.1", server.port), timeout=5)
        assert _closed_within(extra, 3.0)
        assert not _closed_within(held[-1], 0.3)
    finally:
        for sock in held:
            sock.close()


def _answer_to_headers(server: WebServer, headers: str) -> bytes:
    """Send only the headers of a POST; the server's answer before any body byte (b'' if none)."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as sock:
        sock.sendall(f"POST /api/v1/orders HTTP/1.1\r\nHost: x\r\n{headers}\r\n".encode())
        sock.settimeout(1.0)
        try:
            return sock.recv(4096)
        except TimeoutError:
            return b""


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ("Content-Length: 314572800\r\nAuthorization: Bearer shop-key-123456\r\n", b"413"),  # 300 MiB
        ("Content-Length: 10485760\r\n", b"413"),
        ("Content-Length: 500000\r\n", b"401"),  # above the anonymous limit, no credentials
        ("Content-Length: 500000\r\nAuthorization: Bearer wrong-key-0000\r\n", b"401"),
        ("Transfer-Encoding: chunked\r\n", b"401"),
        ("Content-Length: 500000\r\nAuthorization: Bearer shop-key-123456\r\n", b""),  # waits for it
        ("Content-Length: 1000\r\n", b""),
    ],
)
def test_a_body_is_refused_by_its_declared_size_and_credentials_before_it_is_read(
    serve, headers: str, status: bytes  # type: ignore[no-untyped-def]
) -> None:
    settings = Settings.from_env({}, shop_api_keys=(SHOP_KEY,))
    server = serve(limits_from_settings(settings))
    answer = _answer_to_headers(server, headers)
    assert answer.split(b" ")[1:2] == [status] if status else answer == b""
