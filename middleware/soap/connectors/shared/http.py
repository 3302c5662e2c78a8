"""One keep-alive HTTP session per connector: pool, retries of failed connects only, auth, no env proxies."""

from __future__ import annotations

import queue
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from ....ports.erp import ConnectorConfig


def make_session(config: ConnectorConfig, auth: Any = None) -> requests.Session:
    """A session with a pool of `config.pool_size`; `auth` defaults to HTTP Basic from the config."""
    session = requests.Session()
    session.auth = auth if auth is not None else requests.auth.HTTPBasicAuth(config.username, config.password)
    adapter = HTTPAdapter(
        pool_connections=1, pool_maxsize=config.pool_size, max_retries=_retries(), pool_block=False
    )
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    session.trust_env = False  # never route the ERP link through a proxy from the environment
    return session


def timeouts(config: ConnectorConfig) -> tuple[float, float]:
    """(connect, read) timeouts for `requests`."""
    return (config.connect_timeout, config.read_timeout)


class NtlmSessionPool(requests.Session):
    """NTLM authenticates a TCP connection, not a request: a pool of single-connection sessions.

    Each inner session owns exactly one keep-alive connection and is used by one thread at a time, so the
    three-leg handshake (requests-ntlm) always stays on one connection and later requests on it need none.
    Calls borrow a session from the pool (blocking when all `size` are busy); zeep and the connector use
    this object like any `requests.Session`.
    """

    def __init__(self, config: ConnectorConfig, size: int) -> None:
        super().__init__()
        from requests_ntlm import HttpNtlmAuth

        self.trust_env = False
        self._idle: queue.LifoQueue[requests.Session] = queue.LifoQueue()
        self._all: list[requests.Session] = []
        for _ in range(max(1, size)):
            inner = requests.Session()
            inner.auth = HttpNtlmAuth(config.username, config.password)
            inner.trust_env = False
            adapter = HTTPAdapter(pool_connections=1, pool_maxsize=1, pool_block=True, max_retries=_retries())
            inner.mount("http://", adapter)
            inner.mount("https://", adapter)
            self._all.append(inner)
            self._idle.put(inner)

    def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        """Run one request on a borrowed single-connection session."""
        inner = self._idle.get()
        try:
            return inner.request(method, url, *args, **kwargs)
        finally:
            self._idle.put(inner)

    def close(self) -> None:
        """Close every inner session's connection."""
        for inner in self._all:
            inner.close()
        super().close()


def _retries() -> Retry:
    # retry only failed connects (nothing was sent); never a read: creating an order must not run twice
    return Retry(total=2, connect=2, read=0, status=0, redirect=0, other=0, backoff_factor=0.1)
