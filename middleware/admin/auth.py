"""Sign-in with the admin credentials, the session, and a CSRF token on every form."""

from __future__ import annotations

import hmac
import secrets
import threading
import time
from collections import deque
from typing import Any
from urllib.parse import urlparse

from flask import abort, current_app, g, redirect, render_template, request, session, url_for

from . import admin

CSRF_FIELD = "csrf_token"
SESSION_ID = "sid"
CSRF_HEADER = "X-CSRF-Token"
PUBLIC = {"admin.login", "admin.static"}
MAX_FAILURES, FAILURE_WINDOW = 10, 300.0


class _Throttle:
    """Refuses sign-in from one client address after too many recent failures (per process).

    Per client, so an attacker elsewhere never locks the real admin out; behind a proxy the client is the
    address its X-Forwarded-For names (MIDDLEWARE_WEB_TRUSTED_PROXY), not the proxy's.
    """

    def __init__(self) -> None:
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def blocked(self, remote: str) -> bool:
        with self._lock:
            recent = self._failures.get(remote, deque())
            while recent and time.monotonic() - recent[0] > FAILURE_WINDOW:
                recent.popleft()
            return len(recent) >= MAX_FAILURES

    def fail(self, remote: str) -> None:
        with self._lock:
            self._failures.setdefault(remote, deque(maxlen=MAX_FAILURES)).append(time.monotonic())

    def clear(self, remote: str) -> None:
        with self._lock:
            self._failures.pop(remote, None)


def csrf_token() -> str:
    """The session's CSRF token (created on first use)."""
    if CSRF_FIELD not in session:
        session[CSRF_FIELD] = secrets.token_urlsafe(32)
    return str(session[CSRF_FIELD])


def current_admin() -> str | None:
    """The signed-in admin's name, while the server still holds the session (sign-out revokes it)."""
    name, sid = session.get("admin"), session.get(SESSION_ID)
    if not name or not isinstance(sid, str):
        return None
    if "admin_session_checked" not in g:  # once per request
        container = current_app.extensions["middleware"]
        g.admin_session_checked = container.admin_sessions.active(sid, container.clock.now())
    return str(name) if g.admin_session_checked else None


def credentials_match(username: str, password: str) -> bool:
    """Constant-time comparison of both values, always both."""
    settings = current_app.extensions["middleware"].settings
    user_ok = hmac.compare_digest(username.encode(), settings.admin_username.encode())
    pass_ok = hmac.compare_digest(password.encode(), settings.admin_password.encode())
    return user_ok & pass_ok


@admin.app_template_global()
def csrf_field() -> Any:
    """The hidden input every form carries."""
    from markupsafe import Markup

    return Markup('<input type="hidden" name="csrf_token" value="%s">') % csrf_token()


@admin.before_request
def _guard() -> Any:
    if request.endpoint in PUBLIC:
        return None
    if request.method == "POST":
        check_csrf()
    if current_admin() is None:
        if request.accept_mimetypes.best == "application/json" or request.path.endswith(".json"):
            abort(401)
        return redirect(url_for("admin.login", next=request.full_path.rstrip("?")))
    return None


@admin.after_request
def _security_headers(response: Any) -> Any:
    # own assets only, no framing (the buttons must not be clickjacked), nothing cached
    response.headers.setdefault(
        "Content-Security-Policy",
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
    )
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    if request.endpoint != "admin.static":
        response.headers["Cache-Control"] = "no-store"
    return response


def check_csrf() -> None:
    """Refuse a POST whose token does not match the session's (400)."""
    sent = request.form.get(CSRF_FIELD) or request.headers.get(CSRF_HEADER) or ""
    expected = session.get(CSRF_FIELD) or ""
    if not expected or not hmac.compare_digest(sent.encode(), str(expected).encode()):
        abort(
            400,
            description="The form has expired or did not come from this site (CSRF check). "
            "Reload the page and try again.",
        )


def _safe_next(target: str | None) -> str:
    # only local admin paths: never redirect to another site after sign-in
    if target and target.startswith("/admin") and not urlparse(target).netloc and "\\" not in target:
        return target
    return url_for("admin.dashboard")


@admin.route("/login", methods=["GET", "POST"])
def login() -> Any:
    """Sign-in form; on success the session is renewed and holds the admin's name."""
    error = None
    if any(ord(c) < 32 or ord(c) == 127 for c in request.args.get("next", "")):
        abort(400, description="The next= address must not contain control characters.")
    if request.method == "POST":
        check_csrf()
        remote = request.remote_addr or "-"
        username = request.form.get("username", "")[:200]
        service = current_app.extensions["middleware"].admin
        throttle = current_app.extensions.setdefault("admin_sign_in_throttle", _Throttle())
        if throttle.blocked(remote):
            error = "Too many failed sign-ins; wait a few minutes."
        elif credentials_match(username, request.form.get("password", "")[:1000]):
            target = _safe_next(request.args.get("next"))
            session.clear()  # a fresh session: no fixation of a pre-login cookie
            session.permanent = True
            container = current_app.extensions["middleware"]
            session[SESSION_ID] = secrets.token_urlsafe(32)
            container.admin_sessions.open(session[SESSION_ID], username, container.clock.now())
            session["admin"] = username
            csrf_token()
            throttle.clear(remote)
            service.record_sign_in(username, True, remote)
            return redirect(target)
        else:
            throttle.fail(remote)
            service.record_sign_in(username, False, remote)
            error = "Wrong user name or password."
    return render_template("admin/login.html", error=error), 401 if error else 200


@admin.post("/logout")
def logout() -> Any:
    """Sign out (POST with CSRF token): the server forgets the session, so a copied cookie is worthless."""
    sid = session.get(SESSION_ID)
    if isinstance(sid, str):
        container = current_app.extensions["middleware"]
        container.admin_sessions.revoke(sid, container.clock.now())
    session.clear()
    return redirect(url_for("admin.login"))
