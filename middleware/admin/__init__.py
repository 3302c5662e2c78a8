"""The admin status page (Flask blueprint at /admin/, server-rendered, assets shipped in the package)."""

from __future__ import annotations

import logging
import secrets
from typing import Any

from flask import Blueprint, Flask

admin = Blueprint(
    "admin",
    __name__,
    url_prefix="/admin",
    template_folder="templates",
    static_folder="static",
    static_url_path="/static",
)

from . import auth, filters, views  # noqa: E402,F401  (routes attach to the blueprint)


def register(app: Flask, settings: Any) -> None:
    """Mount the blueprint and configure the signed session cookie it signs in with."""
    # Without MIDDLEWARE_SECRET_KEY every process signs with its own random key: sessions do not
    # survive a restart and are not valid on another node behind a load balancer.
    if not getattr(settings, "secret_key", None):
        logging.getLogger(__name__).warning(
            "MIDDLEWARE_SECRET_KEY is not set: admin sessions are signed with a random per-process key"
        )
    app.secret_key = getattr(settings, "secret_key", None) or secrets.token_hex(32)
    app.config.update(
        SESSION_COOKIE_NAME="middleware_admin",
        SESSION_COOKIE_PATH="/admin",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=str(settings.public_url).startswith("https://"),
        PERMANENT_SESSION_LIFETIME=8 * 3600,
    )
    app.register_blueprint(admin)
