"""JSON control API under /_control/ (test and demo hooks; not part of the ERP contract)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import asdict
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from erpsim import admin_catalog as cat
from erpsim import admin_orders as ops
from erpsim.errors import ErpError
from erpsim.faults import FaultConfig

if TYPE_CHECKING:
    from erpsim.app import Simulator

Json = dict[str, Any]
Route = tuple[str, "re.Pattern[str]", Callable[..., Any]]
MAX_JSON = 1024 * 1024


class HttpError(Exception):
    """An HTTP error answered as JSON {"error": ...}."""

    def __init__(self, status: int, message: str) -> None:
        """Status code and message."""
        super().__init__(message)
        self.status = status


def _dumps(data: Any) -> bytes:
    return json.dumps(data, default=str, indent=1).encode()


class ControlApi:
    """WSGI app for /_control/...; each handler takes (body, **path params) and returns JSON data."""

    def __init__(self, sim: Simulator) -> None:
        """Bind the routes to a simulator."""
        self.sim = sim
        table: list[tuple[str, str, Callable[..., Any]]] = [
            ("GET", "", self.index),
            ("GET", "faults", lambda b: asdict(sim.faults.config)),
            ("POST", "faults", self.set_faults),
            ("DELETE", "faults", self.reset_faults),
            (
                "GET",
                "stats",
                lambda b: {
                    **sim.stats.snapshot(),
                    "push": sim.pusher.settings(),
                    "orders": len(sim.state.orders),
                },
            ),
            ("POST", "stats/reset", self.reset_stats),
            ("POST", "reset", self.reset),
            ("GET", "orders", lambda b, **q: ops.list_orders(sim.state, q)),
            ("POST", "orders", lambda b: ops.create_order(sim.state, b)),
            ("POST", "orders/bulk", lambda b: ops.bulk_create(sim.state, b)),
            ("GET", "orders/(?P<no>[^/]+)", lambda b, no: ops.order_json(sim.state.get(no))),
            ("DELETE", "orders/(?P<no>[^/]+)", lambda b, no: ops.order_json(sim.state.delete(no))),
            ("PATCH", "orders/(?P<no>[^/]+)", lambda b, no: ops.alter_order(sim.state, no, b)),
            ("POST", "orders/(?P<no>[^/]+)/duplicate", lambda b, no: ops.duplicate_order(sim.state, no, b)),
            ("POST", "orders/(?P<no>[^/]+)/status", lambda b, no: ops.set_status(sim.state, no, b)),
            ("PUT", "items/(?P<item_no>[^/]+)", lambda b, item_no: cat.update_item(sim.state, item_no, b)),
            ("PATCH", "customers/(?P<no>[^/]+)", lambda b, no: cat.update_customer(sim.state, no, b)),
            ("GET", "prices", lambda b, **q: cat.list_prices(sim.state, q)),
            ("POST", "prices", lambda b: cat.upsert_price(sim.state, b)),
            ("DELETE", "prices", lambda b: cat.delete_price(sim.state, b)),
            ("GET", "push", lambda b: sim.pusher.settings()),
            ("POST", "push", self.set_push),
            ("DELETE", "push", self.clear_push),
            ("POST", "auto-progress", self.set_auto_progress),
        ]
        self.routes: list[Route] = [(m, re.compile(f"^{p}/?$"), h) for m, p, h in table]

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        """Dispatch one request; errors become JSON with a 4xx status."""
        path = environ.get("PATH_INFO", "")[len("/_control") :].strip("/")
        method = environ.get("REQUEST_METHOD", "GET")
        status, data = 200, None
        try:
            data = self._dispatch(method, path, environ)
        except HttpError as exc:
            status, data = exc.status, {"error": str(exc)}
        except ErpError as exc:
            status = 404 if exc.code.endswith("NOT_FOUND") else 400
            data = {"error": exc.message, "code": exc.code, "field": exc.field}
        except (ValueError, TypeError, KeyError, ArithmeticError) as exc:
            status, data = 400, {"error": f"{type(exc).__name__}: {exc}"}
        body = _dumps(data)
        reason = {200: "OK", 400: "Bad Request", 404: "Not Found", 405: "Method Not Allowed"}.get(
            status, "Error"
        )
        start_response(
            f"{status} {reason}", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]
        )
        return [body]

    def _dispatch(self, method: str, path: str, environ: dict[str, Any]) -> Any:
        matched = False
        for m, pattern, handler in self.routes:
            found = pattern.match(path)
            if not found:
                continue
            matched = True
            if m != method:
                continue
            if method == "GET":
                from urllib.parse import parse_qsl

                return handler(None, **found.groupdict(), **dict(parse_qsl(environ.get("QUERY_STRING", ""))))
            return handler(self._body(environ), **found.groupdict())
        raise HttpError(405 if matched else 404, f"{method} /_control/{path} is not supported")

    @staticmethod
    def _body(environ: dict[str, Any]) -> Json:
        length = int(environ.get("CONTENT_LENGTH") or 0)
        if length > MAX_JSON:
            raise HttpError(400, "body too large")
        raw = environ["wsgi.input"].read(length) if length else b""
        if not raw.strip():
            return {}
        data = json.loads(raw, parse_float=Decimal)
        if not isinstance(data, dict):
            raise HttpError(400, "JSON object expected")
        return data

    def index(self, body: Json | None) -> Json:
        """List the endpoints."""
        return {"endpoints": sorted({f"{m} /_control/{p.pattern[1:-3]}" for m, p, _ in self.routes})}

    def set_faults(self, body: Json) -> Json:
        """Merge fault settings over the current ones."""
        self.sim.faults.set(FaultConfig.from_json(body, self.sim.faults.config))
        return asdict(self.sim.faults.config)

    def reset_faults(self, body: Json) -> Json:
        """Switch all fault injection off."""
        self.sim.faults.set(FaultConfig())
        return asdict(self.sim.faults.config)

    def reset(self, body: Json) -> Json:
        """Demo data again, no orders, no faults, zero stats (push settings are kept)."""
        self.sim.reset()
        return {"ok": True}

    def reset_stats(self, body: Json) -> Json:
        """Zero the call statistics."""
        self.sim.stats.reset()
        return {"ok": True}

    def clear_push(self, body: Json) -> Json:
        """Stop pushing status changes."""
        self.sim.pusher.configure(None)
        return self.sim.pusher.settings()

    def set_push(self, body: Json) -> Json:
        """Configure the status push callback {url, username, password}."""
        if not body.get("url"):
            raise HttpError(400, "url is required")
        self.sim.pusher.configure(body["url"], body.get("username"), body.get("password"))
        return self.sim.pusher.settings()

    def set_auto_progress(self, body: Json) -> Json:
        """Start/stop the demo timer {seconds: number | null}."""
        seconds = body.get("seconds")
        self.sim.set_auto_progress(None if seconds in (None, 0) else float(seconds))
        return {"seconds": self.sim.config.auto_progress_seconds}
