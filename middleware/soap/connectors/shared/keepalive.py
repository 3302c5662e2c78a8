"""One kept-alive `http.client` connection per calling thread, for many small idempotent POSTs at once.

Codeunit pricing sends a hundred small calls per price request, all in flight together. Through requests +
urllib3 each call costs ~0.8 ms of client CPU among that many threads (pool locks, URL, header and response
wrapping); on a connection its thread owns it costs ~0.3 ms, which decides a 48-line request's time
(docs/performance.md). Used with HTTP Basic only: NTLM authenticates a connection through a handshake that
requests-ntlm performs, so NTLM calls stay on its session pool.

Only for calls that may safely be sent twice (the pricing functions read, they change nothing): a kept-alive
connection the server closed while idle is noticed only when it is used, and the call is then sent once more
on a fresh connection. Errors map like `transport_errors`: not reached -> ErpUnavailable, no answer after
sending -> ErpTimeout.
"""

from __future__ import annotations

import http.client
import socket
import ssl
import threading
from collections.abc import Mapping
from urllib.parse import urlsplit

import requests.certs

from ....errors import ErpTimeout, ErpUnavailable
from .errors import CONNECT_TIMED_OUT, LOST, NO_ANSWER, UNREACHABLE

STALE = (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError, ConnectionAbortedError)


class ThreadConnections:
    """POST to one URL over the calling thread's own keep-alive connection."""

    def __init__(self, url: str, headers: Mapping[str, str], timeouts: tuple[float, float]) -> None:
        """`headers` go with every call (e.g. Authorization); `timeouts` are (connect, read) seconds."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"not an http(s) URL: {parts.scheme}://{parts.hostname}")
        self.host, self.port, self.https = parts.hostname, parts.port, parts.scheme == "https"
        self.path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        self.headers, (self.connect_timeout, self.read_timeout) = dict(headers), timeouts
        self._tls = ssl.create_default_context(cafile=requests.certs.where()) if self.https else None
        self._local = threading.local()
        self._lock = threading.Lock()
        self._all: list[http.client.HTTPConnection] = []
        self._closed = False

    def _open(self, operation: str) -> http.client.HTTPConnection:
        """A new connection for this thread, connected with the connect timeout, then the read timeout."""
        if self.https:
            conn: http.client.HTTPConnection = http.client.HTTPSConnection(
                self.host, self.port, timeout=self.connect_timeout, context=self._tls
            )
        else:
            conn = http.client.HTTPConnection(self.host, self.port, timeout=self.connect_timeout)
        try:
            conn.connect()
        except TimeoutError:
            raise ErpUnavailable(f"{operation}: {CONNECT_TIMED_OUT}") from None
        except ssl.SSLError:
            raise ErpUnavailable(f"{operation}: TLS with the ERP failed (certificate or protocol)") from None
        except OSError:
            raise ErpUnavailable(f"{operation}: {UNREACHABLE}") from None
        assert conn.sock is not None
        conn.sock.settimeout(self.read_timeout)
        with self._lock:
            if self._closed:
                conn.close()
                raise ErpUnavailable(f"{operation}: the connector is closed")
            self._all.append(conn)
        self._local.conn = conn
        return conn

    def _drop(self, conn: http.client.HTTPConnection) -> None:
        conn.close()
        self._local.conn = None
        with self._lock:
            if conn in self._all:
                self._all.remove(conn)

    def post(self, operation: str, body: bytes, headers: Mapping[str, str]) -> tuple[int, bytes]:
        """(HTTP status, body) of one POST; a stale kept-alive connection is replaced and the call resent."""
        for _ in range(2):
            conn = getattr(self._local, "conn", None)
            reused = conn is not None and conn.sock is not None
            if not reused:
                if conn is not None:
                    self._drop(conn)  # the server asked to close after the last answer
                conn = self._open(operation)
            assert conn is not None
            try:
                conn.request("POST", self.path, body, {**self.headers, **headers})
                response = conn.getresponse()
                return response.status, response.read()
            except STALE:
                self._drop(conn)
                if not reused:
                    raise ErpTimeout(f"{operation}: {LOST}") from None
            except TimeoutError:
                self._drop(conn)
                raise ErpTimeout(f"{operation}: {NO_ANSWER}") from None
            except (OSError, http.client.HTTPException):
                self._drop(conn)
                raise ErpTimeout(f"{operation}: {LOST}") from None
        raise ErpTimeout(f"{operation}: {LOST}")  # a fresh connection went stale too

    def close(self) -> None:
        """Close every thread's connection; later calls fail as unavailable."""
        with self._lock:
            self._closed = True
            conns, self._all = self._all, []
        for conn in conns:
            if conn.sock is not None:
                try:
                    conn.sock.shutdown(socket.SHUT_RDWR)  # wakes a thread blocked reading
                except OSError:
                    pass
            conn.close()
