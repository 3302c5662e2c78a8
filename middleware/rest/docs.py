"""The OpenAPI document at /api/v1/openapi.json and Swagger UI at /api/docs (packaged assets, no CDN)."""

from __future__ import annotations

import html
import json
from pathlib import Path

import swagger_ui_bundle
from flask import Blueprint, Response, jsonify, url_for
from flask.blueprints import BlueprintSetupState

from .. import __version__
from . import api
from .openapi import build_document


def swagger_assets() -> Path:
    """The folder of the newest Swagger UI that the installed swagger_ui_bundle ships."""
    vendor = Path(str(swagger_ui_bundle.swagger_ui_path)).parent
    versions = sorted(
        (p for p in vendor.glob("swagger-ui-*") if p.is_dir()),
        key=lambda p: tuple(int(x) for x in p.name.removeprefix("swagger-ui-").split(".") if x.isdigit()),
    )
    return versions[-1] if versions else Path(str(swagger_ui_bundle.swagger_ui_path))


ui = Blueprint("api_docs", __name__, url_prefix="/api/docs", static_folder=str(swagger_assets()),
               static_url_path="/assets")

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<link rel="stylesheet" href="{css}"></head>
<body><div id="swagger-ui"></div>
<script src="{bundle}"></script>
<script src="{init}"></script>
</body></html>"""

INIT = """window.onload = function () {
  window.ui = SwaggerUIBundle({url: %s, dom_id: "#swagger-ui", deepLinking: true,
                              persistAuthorization: false});
};"""


@api.get("/openapi.json")
def openapi_json() -> Response:
    """The OpenAPI 3.1 document of the shop API (public)."""
    document = build_document(__version__, server_url="/")
    for path, operations in document["paths"].items():
        if path.endswith("/openapi.json"):
            for operation in operations.values():
                operation["security"] = []
    return jsonify(document)


@api.get("")
@api.get("/")
def api_index() -> Response:
    """What this API offers and where its documentation is (public)."""
    document = build_document(__version__)
    endpoints = [
        {"method": method.upper(), "path": path, "summary": op["summary"]}
        for path, ops in document["paths"].items()
        for method, op in ops.items()
    ]
    return jsonify({
        "name": document["info"]["title"], "version": __version__,
        "openapi": url_for("api.openapi_json"), "docs": url_for("api_docs.docs_page"),
        "authentication": "Authorization: Bearer <shop API key>", "endpoints": endpoints,
    })


@ui.get("/")
def docs_page() -> Response:
    """Swagger UI for the shop API."""
    page = PAGE.format(
        title=html.escape(f"ERP middleware shop API {__version__}"),
        css=url_for("api_docs.static", filename="swagger-ui.css"),
        bundle=url_for("api_docs.static", filename="swagger-ui-bundle.js"),
        init=url_for("api_docs.init_js"),
    )
    return Response(page, mimetype="text/html")


@ui.get("/init.js")
def init_js() -> Response:
    """Points Swagger UI at our document (a file, so a strict Content-Security-Policy can stay on)."""
    return Response(INIT % json.dumps(url_for("api.openapi_json")), mimetype="application/javascript")


def _register_ui(state: BlueprintSetupState) -> None:
    # /api/docs sits outside the /api/v1 prefix and outside the API's bearer check
    if "api_docs" not in state.app.blueprints:
        state.app.register_blueprint(ui)


api.record_once(_register_ui)
