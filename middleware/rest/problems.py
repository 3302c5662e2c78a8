"""RFC 9457 problem+json responses, and the one mapping of the error tree to HTTP."""

from __future__ import annotations

from typing import Any

from flask import Response, json

from .. import errors

PROBLEM_TYPE = "about:blank"


def problem(status: int, title: str, detail: str, **extra: Any) -> Response:
    """A problem+json response."""
    body = {"type": PROBLEM_TYPE, "title": title, "status": status, "detail": detail}
    body.update({k: v for k, v in extra.items() if v is not None})
    response = Response(json.dumps(body), status=status, mimetype="application/problem+json")
    return response


def from_error(exc: errors.MiddlewareError) -> Response:
    """Map a middleware error to its problem response."""
    if isinstance(exc, errors.InputError):
        return problem(422 if exc.field else 400, "Invalid request", exc.message, field=exc.field)
    if isinstance(exc, errors.NotFound):
        return problem(404, "Not found", exc.message, kind=exc.kind)
    if isinstance(exc, errors.Conflict):
        return problem(409, "Conflict", exc.message)
    if isinstance(exc, errors.AuthenticationError):
        response = problem(401, "Unauthorized", exc.message)
        response.headers["WWW-Authenticate"] = 'Bearer realm="shop-api"'
        return response
    if isinstance(exc, errors.PricesUnavailable):
        response = problem(503, "Prices unavailable", exc.message)
        response.headers["Retry-After"] = str(exc.retry_after)
        return response
    if isinstance(exc, errors.StoreUnavailable):
        response = problem(503, "Service unavailable", "The database cannot take this now; retry shortly.")
        response.headers["Retry-After"] = str(exc.retry_after)
        return response
    if isinstance(exc, errors.ErpRejected):
        return problem(422, "Rejected by the ERP", exc.reason, code=exc.code, field=exc.field)
    if isinstance(exc, errors.ErpUnavailable):
        response = problem(503, "ERP unavailable", "The ERP cannot be reached right now; try again shortly.")
        response.headers["Retry-After"] = "5"
        return response
    return problem(500, "Internal error", "An internal error occurred.")
