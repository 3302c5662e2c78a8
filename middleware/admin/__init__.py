"""The admin status page (Flask blueprint at /admin/, server-rendered, assets shipped in the package)."""

from __future__ import annotations

import logging
import secrets
from typing import Any

from flask import Blueprint, Flask, Request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface

from ..ports.admin_sessions import SESSION_LIFETIME

admin = Blueprint(
    "admin",
    __name__,
    url_prefix="/admin",
    template_folder="templates",
    static_folder="static",
    static_url_path="/static",
)

from . import (  # noqa: E402,F401  (routes attach to the blueprint)
    auth,
    catalog_views,
    filters,
    views,
    views_charts,
    views_corrections,
    views_findings,
    views_orders,
    views_webhooks,
)

# The shop's API and the ERP's SOAP service never use the admin session: skip verifying its cookie.
SESSIONLESS_PREFIXES = ("/api/", "/soap/")


class AdminSessionInterface(SecureCookieSessionInterface):
    """The signed-cookie session, opened only for requests that can use it (not /api/, /soap/)."""

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        """A null session for the API and SOAP paths, else the signed cookie's session."""
        if request.path.startswith(SESSIONLESS_PREFIXES):
            return self.make_null_session(app)
        return super().open_session(app, request)


def register(app: Flask, settings: Any) -> None:
    """Mount the blueprint and configure the signed session cookie it signs in with."""
    # Without MIDDLEWARE_SECRET_KEY every process signs with its own random key: sessions do not
    # survive a restart and are not valid on another node behind a load balancer.
    if not getattr(settings, "secret_key", None):
        logging.getLogger(__name__).warning(
            "MIDDLEWARE_SECRET_KEY is not set: admin sessions are signed with a random per-process key"
        )
    app.secret_key = getattr(settings, "secret_key", None) or secrets.token_hex(32)
    app.session_interface = AdminSessionInterface()
    app.config.update(
        SESSION_COOKIE_NAME="middleware_admin",
        SESSION_COOKIE_PATH="/admin",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=str(settings.public_url).startswith("https://"),
        PERMANENT_SESSION_LIFETIME=SESSION_LIFETIME,
    )
    app.register_blueprint(admin)
