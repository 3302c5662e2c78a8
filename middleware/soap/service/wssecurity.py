"""Server-side authentication for the SOAP service: HTTP Basic and WS-Security UsernameToken.

spyne has no server-side WS-Security, so this is the small part of the OASIS UsernameToken
Profile 1.1 we need: PasswordText and PasswordDigest (Base64(SHA-1(nonce + created + password))),
a freshness window on `Created` (and on wsu:Timestamp when sent: not expired, not older than the
window, not from the future beyond CLOCK_SKEW), and a nonce cache keyed on the nonce's decoded bytes -
so a replay cannot pass by spelling the same nonce another way in base64 - that refuses replays for as
long as a token could still be fresh.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from lxml import etree

WSSE = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"
WSU = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd"
PASSWORD_TEXT = "#PasswordText"  # noqa: S105  (a token type URI suffix, not a secret)
PASSWORD_DIGEST = "#PasswordDigest"  # noqa: S105
MAX_NONCE_BYTES = 128
CLOCK_SKEW = timedelta(seconds=60)  # how far ahead a sender's clock may be (WSS4J's future time-to-live)


class AuthFailure(Exception):
    """Credentials were missing or wrong; the message is safe to show the caller."""


def _same(given: str, expected: str) -> bool:
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


def check_basic(header: str, username: str, password: str) -> None:
    """Verify an `Authorization: Basic ...` header; raise AuthFailure."""
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "basic":
        raise AuthFailure("Authorization must use the Basic scheme")
    try:
        user, sep, secret = base64.b64decode(token.strip(), validate=True).decode("utf-8").partition(":")
    except (binascii.Error, UnicodeDecodeError):
        raise AuthFailure("malformed Basic credentials") from None
    # both comparisons always run so timing does not tell which part was wrong
    if not (_same(user, username) & _same(secret, password)) or not sep:
        raise AuthFailure("invalid username or password")


def _parse_time(text: str | None, what: str) -> datetime:
    if not text:
        raise AuthFailure(f"WS-Security {what} is missing")
    try:
        value = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise AuthFailure(f"WS-Security {what} is not an xs:dateTime") from None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


class NonceCache:
    """Nonces seen within the freshness window; thread-safe and bounded (full means refuse)."""

    def __init__(self, max_entries: int = 100_000) -> None:
        self.max_entries = max_entries
        self._seen: dict[bytes, datetime] = {}
        self._lock = threading.Lock()

    def remember(self, nonce: bytes, until: datetime, now: datetime) -> bool:
        """Record the nonce; False when it was already seen (a replay) or the cache is full."""
        with self._lock:
            if len(self._seen) >= self.max_entries:
                self._seen = {n: t for n, t in self._seen.items() if t > now}
            expiry = self._seen.get(nonce)
            if expiry is not None and expiry > now:
                return False
            if len(self._seen) >= self.max_entries:
                return False
            self._seen[nonce] = until
            return True


class UsernameTokenVerifier:
    """Checks the wsse:Security header of a parsed SOAP envelope."""

    def __init__(
        self,
        username: str,
        password: str,
        now: Callable[[], datetime],
        window_seconds: int = 300,
        nonces: NonceCache | None = None,
    ) -> None:
        self.username = username
        self.password = password
        self.now = now
        self.window = timedelta(seconds=window_seconds)
        self.nonces = nonces or NonceCache()

    def verify(self, security: etree._Element) -> None:
        """Raise AuthFailure unless the Security header holds a valid, fresh, unreplayed token."""
        now = self.now()
        self._check_timestamp(security.find(f"{{{WSU}}}Timestamp"), now)
        token = security.find(f"{{{WSSE}}}UsernameToken")
        if token is None:
            raise AuthFailure("WS-Security header has no UsernameToken")
        user = token.findtext(f"{{{WSSE}}}Username") or ""
        password_el = token.find(f"{{{WSSE}}}Password")
        if password_el is None:
            raise AuthFailure("UsernameToken has no Password")
        kind = password_el.get("Type", WSSE_PROFILE + PASSWORD_TEXT)
        nonce_text = token.findtext(f"{{{WSSE}}}Nonce")
        created_text = token.findtext(f"{{{WSU}}}Created")
        given = password_el.text or ""
        nonce = self._decode_nonce(nonce_text) if nonce_text is not None else None
        if kind.endswith(PASSWORD_DIGEST):
            if nonce is None:
                raise AuthFailure("PasswordDigest requires a Nonce")
            created = self._check_created(created_text, now)
            expected = base64.b64encode(
                # SHA-1 is what the UsernameToken Profile prescribes for PasswordDigest
                hashlib.sha1(nonce + created.encode("utf-8") + self.password.encode("utf-8")).digest()  # noqa: S324
            ).decode("ascii")
            ok = _same(user, self.username) & _same(given.strip(), expected)
        elif kind.endswith(PASSWORD_TEXT):
            if created_text is not None:
                self._check_created(created_text, now)
            ok = _same(user, self.username) & _same(given, self.password)
        else:
            raise AuthFailure("unsupported UsernameToken password type")
        if not ok:
            raise AuthFailure("invalid username or password")
        # only a successfully authenticated token may take a slot in the nonce cache; the decoded bytes are
        # the nonce (base64 has several spellings of the same bytes)
        if nonce is not None and not self.nonces.remember(nonce, now + 2 * self.window, now):
            raise AuthFailure("UsernameToken nonce was already used (replay refused)")

    def _check_created(self, text: str | None, now: datetime) -> str:
        created = _parse_time(text, "Created")
        if now - created > self.window or created - now > CLOCK_SKEW:
            raise AuthFailure("UsernameToken Created is outside the allowed time window")
        return (text or "").strip()

    def _decode_nonce(self, text: str | None) -> bytes:
        if not text or not text.strip():
            raise AuthFailure("PasswordDigest requires a Nonce")
        try:
            nonce = base64.b64decode(text.strip(), validate=True)
        except binascii.Error:
            raise AuthFailure("UsernameToken Nonce is not base64") from None
        if not nonce or len(nonce) > MAX_NONCE_BYTES:
            raise AuthFailure("UsernameToken Nonce has an invalid length")
        return nonce

    def _check_timestamp(self, timestamp: etree._Element | None, now: datetime) -> None:
        if timestamp is None:
            return
        created_text = timestamp.findtext(f"{{{WSU}}}Created")
        created = _parse_time(created_text, "Timestamp Created") if created_text is not None else now
        if created - now > CLOCK_SKEW:
            raise AuthFailure("WS-Security Timestamp is in the future")
        if now - created > self.window:
            raise AuthFailure("WS-Security Timestamp is older than the allowed time window")
        expires = timestamp.findtext(f"{{{WSU}}}Expires")
        if expires is not None and _parse_time(expires, "Timestamp Expires") <= now:
            raise AuthFailure("WS-Security Timestamp has expired")


WSSE_PROFILE = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0"

