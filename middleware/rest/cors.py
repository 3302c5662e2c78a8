"""CORS for a browser-side configurator: MIDDLEWARE_CORS_ORIGINS may call the price, product and
configurator endpoints. WSGI, in front of Flask and the cached-price shortcut, so preflights are answered
before authentication and cached answers carry the header too. Nothing is allowed by default."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

CORS_PATHS = ("/api/v1/prices", "/api/v1/products", "/api/v1/configurator/")
ALLOWED_METHODS = "GET, POST, OPTIONS"
ALLOWED_HEADERS = "Authorization, Content-Type"
MAX_AGE = "600"


def _is_cors_path(path: str) -> bool:
    return any(path == p.rstrip("/") or path.startswith(p.rstrip("/") + "/") for p in CORS_PATHS)


class CorsMiddleware:
    """Answers preflights and adds Access-Control-Allow-Origin for allowed origins on CORS paths."""

    def __init__(self, app: Callable[..., Iterable[bytes]], origins: Iterable[str]) -> None:
        self.app = app
        self.origins = frozenset(origins)

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        origin = environ.get("HTTP_ORIGIN", "")
        if not self.origins or not _is_cors_path(environ.get("PATH_INFO", "")):
            return self.app(environ, start_response)
        allowed = origin in self.origins
        if environ.get("REQUEST_METHOD") == "OPTIONS" and environ.get("HTTP_ACCESS_CONTROL_REQUEST_METHOD"):
            headers = [("Vary", "Origin"), ("Content-Length", "0")]
            if allowed:
                headers += [
                    ("Access-Control-Allow-Origin", origin),
                    ("Access-Control-Allow-Methods", ALLOWED_METHODS),
                    ("Access-Control-Allow-Headers", ALLOWED_HEADERS),
                    ("Access-Control-Max-Age", MAX_AGE),
                ]
            start_response("204 No Content", headers)
            return [b""]
        if not allowed:
            return self.app(environ, start_response)

        def _start(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            headers = [(k, v) for k, v in headers if k.lower() != "access-control-allow-origin"]
            headers += [("Access-Control-Allow-Origin", origin), ("Vary", "Origin")]
            return start_response(status, headers, exc_info)

        return self.app(environ, _start)
