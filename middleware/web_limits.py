"""What one client may hold of the web server: connections, time to send a request, body size before auth.

waitress alone lets 100 half-open connections (its whole connection limit) sit for two minutes, so one
client trickling headers stops every endpoint, and it spools any body up to 1 GiB before the application
can look at the caller's credentials. Here waitress gets a channel and a parser that
- close a connection whose current request (headers and body) is not complete `request_timeout` seconds
  after its first byte,
- refuse a connection beyond `connections_per_client` from one address (0: off, for a proxy in front),
- refuse a body by its declared size (per path) and, above `anonymous_body` bytes, unless its
  `Authorization` header holds valid credentials - as soon as the headers are in, before a body byte is read.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from waitress.channel import HTTPChannel
from waitress.parser import HTTPRequestParser
from waitress.utilities import Error, RequestEntityTooLarge

# (path, Authorization header or "") -> whether the header holds valid credentials for that path
CredentialCheck = Callable[[str, str], bool]


class Unauthorized(Error):
    """401 from waitress itself: no valid credentials for a body this large."""

    code = 401
    reason = "Unauthorized"


@dataclass(frozen=True)
class WebLimits:
    """Bounds per connection and request; the defaults hold without a proxy in front."""

    connection_limit: int = 500
    connections_per_client: int = 64
    request_timeout: float = 10.0
    idle_timeout: int = 30
    max_body: int = 1_048_576
    path_max_body: tuple[tuple[str, int], ...] = ()  # (path prefix, limit), e.g. ("/soap", 4 MiB)
    anonymous_body: int = 262_144
    credentials: CredentialCheck | None = None
    trusted_proxy: str | None = None  # address of the proxy in front: its X-Forwarded-For names the client
    trusted_proxy_count: int = 1

    def body_limit(self, path: str) -> int:
        """The largest body a request to `path` may declare."""
        return next((limit for prefix, limit in self.path_max_body if path.startswith(prefix)), self.max_body)

    def waitress_options(self) -> dict[str, Any]:
        """Keyword arguments for waitress.create_server."""
        largest = max([self.max_body, *(limit for _, limit in self.path_max_body)])
        options: dict[str, Any] = {
            "connection_limit": self.connection_limit,
            "channel_timeout": self.idle_timeout,
            "cleanup_interval": max(1, min(30, self.idle_timeout // 2)),
            "max_request_body_size": largest + 1,  # waitress refuses from its limit on, ours above it
        }
        if self.trusted_proxy:
            options.update(
                trusted_proxy=self.trusted_proxy,
                trusted_proxy_count=self.trusted_proxy_count,
                trusted_proxy_headers={"x-forwarded-for", "x-forwarded-proto"},
            )
        return options

    def refusal(self, path: str, headers: dict[str, str], length: int, chunked: bool) -> Error | None:
        """Why a request with these headers must not send its body, or None."""
        if length > self.body_limit(path):
            return RequestEntityTooLarge(f"the body may have at most {self.body_limit(path)} bytes")
        if not chunked and length <= self.anonymous_body:
            return None
        authorization = headers.get("AUTHORIZATION", "")
        if self.credentials is not None and self.credentials(path, authorization):
            return None
        return Unauthorized(
            f"a body above {self.anonymous_body} bytes (or chunked) needs valid credentials "
            "in the Authorization header"
        )


def guarded_channel(limits: WebLimits) -> type[HTTPChannel]:
    """A waitress channel class enforcing `limits`."""

    class GuardedParser(HTTPRequestParser):  # type: ignore[misc]
        def parse_header(self, header_plus: bytes) -> None:
            super().parse_header(header_plus)
            refusal = limits.refusal(self.path or "", self.headers, self.content_length, self.chunked)
            if refusal is not None:
                self.error, self.completed = refusal, True

    class GuardedChannel(HTTPChannel):  # type: ignore[misc]
        parser_class = GuardedParser
        request_started = 0.0

        def __init__(self, server: Any, sock: Any, addr: Any, adj: Any, map: Any = None) -> None:
            super().__init__(server, sock, addr, adj, map=map)
            peer = addr[0] if isinstance(addr, tuple) else addr
            if limits.connections_per_client:
                same = sum(1 for ch in server.active_channels.values() if _peer(ch) == peer)
                self.will_close = same > limits.connections_per_client

        def received(self, data: bytes) -> bool:
            if self.request is None and data:
                self.request_started = time.monotonic()
            return bool(super().received(data))

        def readable(self) -> bool:
            late = time.monotonic() - self.request_started > limits.request_timeout
            if self.request is not None and late:
                self.will_close = True  # headers or body trickle in too slowly: a slowloris
            return bool(super().readable())

    return GuardedChannel


def _peer(channel: Any) -> Any:
    addr = getattr(channel, "addr", None)
    return addr[0] if isinstance(addr, tuple) else addr


def limits_from_settings(settings: Any) -> WebLimits:
    """The limits of `settings`; valid credentials are a shop API key (/api/) or the SOAP user (/soap)."""
    from .errors import AuthenticationError
    from .rest.auth import check_bearer
    from .soap.service.wssecurity import AuthFailure, check_basic

    def credentials(path: str, authorization: str) -> bool:
        try:
            if path.startswith("/api/"):
                check_bearer(authorization, settings.shop_api_keys)
            elif path.startswith("/soap"):
                check_basic(authorization, settings.soap_username, settings.soap_password)
            else:
                return False
        except (AuthenticationError, AuthFailure):
            return False
        return True

    return WebLimits(
        connection_limit=settings.web_connection_limit,
        connections_per_client=settings.web_connections_per_client,
        request_timeout=settings.web_request_timeout,
        idle_timeout=settings.web_idle_timeout,
        max_body=settings.max_request_bytes,
        path_max_body=(("/soap", settings.soap_max_request_bytes),),
        anonymous_body=settings.anonymous_body_bytes,
        credentials=credentials,
        trusted_proxy=settings.web_trusted_proxy,
        trusted_proxy_count=settings.web_trusted_proxy_count,
    )
