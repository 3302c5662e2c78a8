"""Application factory: REST, admin and the ERP's SOAP service on one WSGI app."""

from __future__ import annotations

from flask import Flask

from .config import Settings
from .wiring import Container, build_container


def create_app(settings: Settings | None = None, *, container: Container | None = None) -> Flask:
    """Create the Flask app; `/soap` is dispatched to the spyne service."""
    if container is None:
        container = build_container(settings or Settings.from_env())
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = container.settings.max_request_bytes
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.extensions["middleware"] = container

    from . import rest

    rest.register(app)

    from werkzeug.middleware.dispatcher import DispatcherMiddleware

    from .soap.service.server import make_soap_app

    app.wsgi_app = DispatcherMiddleware(  # type: ignore[method-assign]
        app.wsgi_app, {"/soap": make_soap_app(container)}
    )

    from . import admin, observability

    admin.register(app, container.settings)
    # last: the observability WSGI middleware must be outermost to see /soap as well
    observability.install(app, container.observability, container.admin)

    return app
