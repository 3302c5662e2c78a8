"""The shop's REST API (Flask blueprint under /api/v1)."""

from __future__ import annotations

import importlib

from flask import Blueprint, Flask, Response, current_app, request
from werkzeug.exceptions import HTTPException

from ..errors import MiddlewareError
from . import problems
from .auth import check_bearer

api = Blueprint("api", __name__, url_prefix="/api/v1")

# Route modules, each adding its routes to `api` on import.
ROUTE_MODULES = ["prices", "products", "orders", "configurator", "docs"]
PUBLIC_ENDPOINTS = {"api.openapi_json"}


# Set in the WSGI environ by the cache-hit shortcut once it checked the key (clients cannot set environ keys).
AUTHENTICATED = "middleware.rest.authenticated"


@api.before_request
def _authenticate() -> None:
    if request.endpoint in PUBLIC_ENDPOINTS or request.environ.get(AUTHENTICATED):
        return
    container = current_app.extensions["middleware"]
    check_bearer(request.headers.get("Authorization"), container.settings.shop_api_keys)


@api.errorhandler(MiddlewareError)
def _middleware_error(exc: MiddlewareError) -> Response:
    return problems.from_error(exc)


def _http_error(exc: HTTPException) -> Response | HTTPException:
    if request.path.startswith("/api/"):
        return problems.problem(exc.code or 500, exc.name, exc.description or exc.name)
    return exc


def register(app: Flask) -> None:
    """Import the route modules and mount the API blueprint."""
    for name in ROUTE_MODULES:
        try:
            importlib.import_module(f"{__name__}.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"{__name__}.{name}":
                raise
    app.register_blueprint(api)
    from .prices import CachedPricesShortcut

    # cache hits skip Flask's request machinery; everything else reaches the blueprint unchanged
    app.wsgi_app = CachedPricesShortcut(app.wsgi_app, app)  # type: ignore[method-assign]
    app.register_error_handler(HTTPException, _http_error)
