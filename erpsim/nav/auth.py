"""HTTP authentication as NAV's service tier does it: Basic (NavUserPassword) or NTLM per connection."""

from __future__ import annotations

import base64
import binascii
import hmac
import os
import tempfile
import threading
from dataclasses import dataclass

import spnego

from erpsim.soap import basic_credentials

_FILE_LOCK = threading.Lock()
MAX_CONNECTIONS = 4096  # remembered authenticated connections (client address, port)


@dataclass(frozen=True)
class AuthResult:
    """ok, or the 401 challenge header values to send."""

    ok: bool
    challenge: tuple[str, ...] = ()


class BasicAuth:
    """HTTP Basic against one user."""

    def __init__(self, username: str, password: str) -> None:
        """Credentials to accept."""
        self.username, self.password = username, password

    def check(self, header: str | None, conn: tuple[str, str]) -> AuthResult:
        """Accept the configured user, else challenge for Basic."""
        creds = basic_credentials(header)
        if (
            creds
            and hmac.compare_digest(creds[0].encode(), self.username.encode())
            and hmac.compare_digest(creds[1].encode(), self.password.encode())
        ):
            return AuthResult(True)
        return AuthResult(False, ('Basic realm="Microsoft Dynamics NAV"',))


def _register_user(username: str, password: str) -> None:
    """Add DOMAIN:USER:PASSWORD to the NTLM credential store pyspnego's acceptor reads (NTLM_USER_FILE)."""
    domain, _, user = username.rpartition("\\")
    with _FILE_LOCK:
        path = os.environ.get("NTLM_USER_FILE")
        if not path or not os.path.isfile(path):
            fd, path = tempfile.mkstemp(prefix="erpsim-ntlm-", suffix=".txt")
            os.close(fd)
            os.environ["NTLM_USER_FILE"] = path
        with open(path, encoding="utf-8") as f:
            lines = f.read().splitlines()
        line = f"{domain}:{user}:{password}"
        if line not in lines:
            with open(path, "a", encoding="utf-8") as f:
                f.write(line + "\n")


class NtlmAuth:
    """NTLM (also offered as Negotiate): a three-leg handshake authenticates the TCP connection."""

    def __init__(self, username: str, password: str) -> None:
        """Register the user with the acceptor's credential store."""
        _register_user(username, password)
        self.lock = threading.Lock()
        self.pending: dict[tuple[str, str], spnego.ContextProxy] = {}
        self.authenticated: dict[tuple[str, str], None] = {}  # insertion-ordered: oldest forgotten first

    def check(self, header: str | None, conn: tuple[str, str]) -> AuthResult:
        """Accept an authenticated connection, continue a handshake, or challenge."""
        scheme, _, token = (header or "").partition(" ")
        if scheme.lower() not in ("ntlm", "negotiate") or not token:
            with self.lock:
                if conn in self.authenticated:
                    return AuthResult(True)
            return AuthResult(False, ("Negotiate", "NTLM"))
        try:
            raw = base64.b64decode(token.strip(), validate=True)
        except binascii.Error:
            return AuthResult(False, ("Negotiate", "NTLM"))
        return self._step(scheme, raw, conn)

    def _step(self, scheme: str, raw: bytes, conn: tuple[str, str]) -> AuthResult:
        with self.lock:
            ctx = self.pending.get(conn)
            if ctx is None or raw[8:12] == b"\x01\x00\x00\x00":
                ctx = spnego.server(protocol="ntlm")
                self.pending[conn] = ctx
                self.authenticated.pop(conn, None)
        try:
            out = ctx.step(raw)
        except spnego.exceptions.SpnegoError:
            with self.lock:
                self.pending.pop(conn, None)
            return AuthResult(False, ("Negotiate", "NTLM"))
        if not ctx.complete:
            return AuthResult(False, (f"{scheme} {base64.b64encode(out or b'').decode()}",))
        with self.lock:
            self.pending.pop(conn, None)
            self.authenticated[conn] = None
            if len(self.authenticated) > MAX_CONNECTIONS:
                del self.authenticated[next(iter(self.authenticated))]
        return AuthResult(True)

    def forget(self, conn: tuple[str, str]) -> None:
        """Drop a connection's state."""
        with self.lock:
            self.pending.pop(conn, None)
            self.authenticated.pop(conn, None)
