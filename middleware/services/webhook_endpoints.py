"""Managing webhook endpoints: register (the signing secret is shown once), list, remove."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Sequence
from urllib.parse import urlparse

from ..domain.webhooks import EVENT_TYPES, WebhookEndpoint
from ..errors import Conflict, InputError, NotFound
from ..ports.clock import Clock
from ..ports.webhooks import WebhookEndpoints

MAX_ENDPOINTS = 20


def new_secret() -> str:
    """A fresh signing secret (`whsec_` + 32 random bytes, URL-safe)."""
    return "whsec_" + secrets.token_urlsafe(32)


def new_id() -> str:
    """A fresh endpoint id."""
    return "we_" + secrets.token_hex(8)


def _check_url(url: str) -> str:
    parsed = urlparse(url)
    if parsed.scheme not in ("http", "https") or not parsed.hostname or parsed.username or parsed.password:
        raise InputError("url must be an http(s) URL without credentials", "url")
    return url


def _check_types(event_types: Sequence[str]) -> tuple[str, ...]:
    unknown = sorted(set(event_types) - set(EVENT_TYPES))
    if unknown:
        raise InputError(f"unknown event type(s) {', '.join(unknown)}; known: {', '.join(EVENT_TYPES)}",
                         "event_types")
    return tuple(t for t in EVENT_TYPES if t in event_types) or EVENT_TYPES


class WebhookEndpointService:
    """Endpoints registered over the API, beside the fixed one from the environment (read-only)."""

    def __init__(
        self,
        endpoints: WebhookEndpoints,
        clock: Clock,
        fixed: Sequence[WebhookEndpoint] = (),
        *,
        make_secret: Callable[[], str] = new_secret,
        make_id: Callable[[], str] = new_id,
    ) -> None:
        self.endpoints = endpoints
        self.clock = clock
        self.fixed = tuple(fixed)
        self.make_secret = make_secret
        self.make_id = make_id

    def create(self, url: str, event_types: Sequence[str], description: str = "") -> WebhookEndpoint:
        """Register an endpoint (no event types: all of them); the result holds the secret, shown once."""
        if len(self.endpoints.list()) >= MAX_ENDPOINTS:
            raise Conflict(f"at most {MAX_ENDPOINTS} webhook endpoints; delete one first")
        endpoint = WebhookEndpoint(
            self.make_id(), _check_url(url), _check_types(event_types), self.make_secret(),
            self.clock.now(), description[:200],
        )
        self.endpoints.add(endpoint)
        return endpoint

    def list(self) -> list[WebhookEndpoint]:
        """The fixed endpoints, then the registered ones."""
        return [*self.fixed, *self.endpoints.list()]

    def get(self, endpoint_id: str) -> WebhookEndpoint:
        """One endpoint; NotFound if unknown."""
        found = next((e for e in self.fixed if e.endpoint_id == endpoint_id), None)
        found = found or self.endpoints.get(endpoint_id)
        if found is None:
            raise NotFound("webhook endpoint", endpoint_id)
        return found

    def delete(self, endpoint_id: str) -> None:
        """Remove a registered endpoint; the environment's one is changed in the environment."""
        if any(e.endpoint_id == endpoint_id for e in self.fixed):
            raise Conflict("this endpoint comes from MIDDLEWARE_STATUS_WEBHOOK_URL; change it there")
        if not self.endpoints.delete(endpoint_id):
            raise NotFound("webhook endpoint", endpoint_id)
