"""Per-thread kept-alive connections (shared.keepalive) against a real HTTP/1.1 server on loopback."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from middleware.errors import ErpTimeout, ErpUnavailable
from middleware.soap.connectors.shared.keepalive import ThreadConnections


class Server(ThreadingHTTPServer):
    """Counts connections and requests; `mode` says how the next answers behave."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.connections = 0
        self.requests: list[dict[str, str]] = []
        self.mode = "keep"  # keep | close-header | drop-after | silent
        self.lock = threading.Lock()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/WS/Codeunit/B2B?x=1"


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: Server

    def setup(self) -> None:
        super().setup()
        with self.server.lock:
            self.server.connections += 1

    def log_message(self, *args: object) -> None:  # keep pytest output clean
        pass

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        with self.server.lock:
            self.server.requests.append({**dict(self.headers), "path": self.path, "body": body.decode()})
        mode = self.server.mode
        if mode == "silent":
            threading.Event().wait(2)
            return
        payload = b"<ok>" + body + b"</ok>"
        self.send_response(200)
        self.send_header("Content-Length", str(len(payload)))
        if mode == "close-header":
            self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(payload)
        if mode == "drop-after":  # an idle timeout: the server closes without saying so
            self.close_connection = True


@pytest.fixture
def server() -> Iterator[Server]:
    srv = Server()
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield srv
    srv.shutdown()
    srv.server_close()


def test_each_thread_keeps_its_own_connection_and_sends_the_headers(server: Server) -> None:
    conns = ThreadConnections(server.url, {"Authorization": "Basic eDp5"}, (2, 2))
    with ThreadPoolExecutor(4) as pool:
        # every worker makes several calls; a barrier makes sure all four threads take part
        barrier = threading.Barrier(4)

        def work(i: int) -> list[tuple[int, bytes]]:
            barrier.wait()
            return [conns.post("Op", f"{i}-{n}".encode(), {"SOAPAction": '"ns:Op"'}) for n in range(5)]

        answers = [a for batch in pool.map(work, range(4)) for a in batch]
    conns.close()
    assert sorted(answers) == sorted((200, f"<ok>{i}-{n}</ok>".encode()) for i in range(4) for n in range(5))
    assert server.connections == 4 and len(server.requests) == 20
    first = server.requests[0]
    assert first["path"] == "/WS/Codeunit/B2B?x=1"
    assert first["Authorization"] == "Basic eDp5" and first["SOAPAction"] == '"ns:Op"'


def test_a_connection_the_server_closed_while_idle_is_replaced_and_the_call_sent_once_more(
    server: Server,
) -> None:
    conns = ThreadConnections(server.url, {}, (2, 2))
    server.mode = "drop-after"
    assert conns.post("Op", b"a", {}) == (200, b"<ok>a</ok>")
    assert conns.post("Op", b"b", {}) == (200, b"<ok>b</ok>")  # first try hits the closed socket
    assert [r["body"] for r in server.requests] == ["a", "b"]
    assert server.connections == 2
    conns.close()


def test_an_announced_close_opens_a_new_connection(server: Server) -> None:
    conns = ThreadConnections(server.url, {}, (2, 2))
    server.mode = "close-header"
    assert [conns.post("Op", b"x", {})[0] for _ in range(3)] == [200, 200, 200]
    assert server.connections == 3 and len(server.requests) == 3
    conns.close()


def test_no_answer_is_a_timeout_with_unknown_outcome(server: Server) -> None:
    conns = ThreadConnections(server.url, {}, (2, 0.3))
    server.mode = "silent"
    with pytest.raises(ErpTimeout, match="Op: the ERP did not answer in time"):
        conns.post("Op", b"x", {})
    assert len(server.requests) == 1  # not sent twice
    conns.close()


def test_nobody_listening_is_unavailable() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again: nothing listens there
    conns = ThreadConnections(f"http://127.0.0.1:{port}/x", {"Authorization": "Basic c2VjcmV0"}, (1, 1))
    with pytest.raises(ErpUnavailable, match="Op: cannot reach the ERP") as caught:
        conns.post("Op", b"x", {})
    assert "c2VjcmV0" not in str(caught.value)


def test_after_close_calls_are_refused(server: Server) -> None:
    conns = ThreadConnections(server.url, {}, (2, 2))
    assert conns.post("Op", b"x", {})[0] == 200
    conns.close()
    with pytest.raises(ErpUnavailable, match="closed"):
        conns.post("Op", b"y", {})
    assert len(server.requests) == 1


def test_only_http_urls() -> None:
    with pytest.raises(ValueError, match="not an http"):
        ThreadConnections("ftp://nav01/x", {}, (1, 1))
