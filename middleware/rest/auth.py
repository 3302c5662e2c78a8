"""Bearer-key authentication for the shop API."""

from __future__ import annotations

import hmac
from collections.abc import Iterable

from ..errors import AuthenticationError


def check_bearer(header: str | None, keys: Iterable[str]) -> None:
    """Raise AuthenticationError unless the header carries one of the keys."""
    if not header:
        raise AuthenticationError("Missing Authorization header; send 'Authorization: Bearer <key>'.")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise AuthenticationError("Authorization must use the Bearer scheme.")
    token = token.strip()
    # compare against every key so timing reveals nothing about which one matched
    matched = False
    for key in keys:
        matched |= hmac.compare_digest(token.encode(), key.encode())
    if not matched:
        raise AuthenticationError("Invalid API key.")
