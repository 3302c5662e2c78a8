"""Pages, panel fragments (refreshed by admin.js), the JSON status and the admin actions."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from decimal import Decimal
from typing import Any

from flask import abort, current_app, flash, jsonify, redirect, render_template, request, url_for

from ..errors import ErpError, InputError, MiddlewareError, NotFound
from ..services import admin_audit
from ..services.admin import AdminServices
from . import admin
from .auth import _safe_next, current_admin

PANELS = ("erp", "prices", "orders", "recon", "jobs", "inbound")


def service() -> AdminServices:
    """The process's admin services."""
    return current_app.extensions["middleware"].admin  # type: ignore[no-any-return]


def _read_panel(name: str) -> Any:
    s = service().status
    return {
        "erp": s.erp_link,
        "prices": s.prices,
        "orders": s.orders,
        "recon": s.reconciliation,
        "jobs": s.jobs,
        "inbound": s.inbound,
    }[name]()


@admin.errorhandler(NotFound)
def _not_found(exc: NotFound) -> Any:
    return render_template("admin/message.html", title="Not found", message=exc.message), 404


@admin.errorhandler(InputError)
def _bad_input(exc: InputError) -> Any:
    return render_template("admin/message.html", title="Invalid input", message=exc.message), 400


@admin.get("/")
def dashboard() -> Any:
    """The status page: every panel."""
    panels = {name: _read_panel(name) for name in PANELS}
    return render_template("admin/dashboard.html", panels=panels, panel_names=PANELS)


@admin.get("/panel/<name>")
def panel(name: str) -> Any:
    """One panel's HTML fragment (for the periodic refresh)."""
    if name not in PANELS:
        abort(404)
    return render_template(f"admin/panels/{name}.html", panel=_read_panel(name))


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {(" / ".join(k) if isinstance(k, tuple) else str(k)): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


@admin.get("/status.json")
def status_json() -> Any:
    """Every panel as JSON (for scripts and monitoring)."""
    out = {}
    for name in PANELS:
        p = _read_panel(name)
        out[name] = {"state": p.state, "reason": p.reason, "data": _plain(p.data)}
    return jsonify(out)


@admin.get("/orders/<order_number>")
def order_page(order_number: str) -> Any:
    """An order's timeline and the exact SOAP messages of each delivery attempt."""
    desk = service().orders
    detail = desk.detail(order_number[:128])
    return render_template("admin/order.html", detail=detail, actions=desk.actions(order_number))


@admin.get("/messages/<int:entry_id>")
def message_page(entry_id: int) -> Any:
    """One audited message or action in full."""
    return render_template("admin/audit_entry.html", entry=service().audit.entry(entry_id))


@admin.get("/search")
def search() -> Any:
    """Orders by number or customer."""
    q = request.args.get("q", "")
    results = service().orders.search(q)
    if len(results) == 1 and results[0].order_number.lower() == q.strip().lower():
        return redirect(url_for("admin.order_page", order_number=results[0].order_number))
    return render_template(
        "admin/search.html", q=q, results=results, available=service().orders.source is not None
    )


@admin.get("/audit")
def audit_page() -> Any:
    """Recent admin actions and inbound ERP calls."""
    audit = service().audit
    category = request.args.get("category", "admin")[:16]
    action, actor = request.args.get("action", "")[:64], request.args.get("actor", "")[:64]
    entries, total = audit.page(category, action, actor, _int_arg("page", 1))
    return render_template(
        "admin/audit.html", entries=entries, total=total, category=category, action=action, actor=actor,
        actions=audit.actions(category), page_no=_int_arg("page", 1), page_size=admin_audit.PAGE_SIZE,
    )


def _back() -> Any:
    return redirect(_safe_next(request.form.get("back")))


def _run(action: Any, *args: Any) -> Any:
    try:
        flash(action(*args), "ok")
    except NotFound as exc:
        flash(f"Not possible: {exc.message}", "error")
    except MiddlewareError as exc:
        flash(f"Failed: {exc.message}", "error")
    return _back()


def _actor() -> str:
    return current_admin() or "?"


def _int_arg(name: str, default: int, largest: int = 10**6) -> int:
    """A positive whole-number query argument, or the default."""
    text = request.args.get(name, "")
    return min(int(text), largest) if text.isdigit() and int(text) > 0 else default


def _note() -> str:
    return request.form.get("note", "").strip()[:500]


def _run_with_note(action: Any, *args: Any) -> Any:
    note = _note()
    if not note:
        flash("Not done: write a note saying why (it goes into the history).", "error")
        return _back()
    return _run(action, *args, note)


@admin.post("/orders/<order_number>/retry")
def retry_order(order_number: str) -> Any:
    """Queue one order for delivery again (with a note)."""
    return _run_with_note(service().orders.retry, order_number, _actor())


@admin.post("/orders/retry-failed")
def retry_failed() -> Any:
    """Queue every failed order again."""
    return _run(service().orders.retry_all_failed, _actor())


@admin.post("/orders/<order_number>/resolve")
def resolve_order(order_number: str) -> Any:
    """Take an order off the attention list (with a note)."""
    return _run_with_note(service().orders.resolve, order_number, _actor())


@admin.post("/findings/<finding_id>/resolve")
def resolve_finding(finding_id: str) -> Any:
    """Mark a reconciliation finding resolved (with a note)."""
    return _run_with_note(service().operations.resolve_finding, finding_id, _actor())


@admin.post("/reconciliation/run")
def run_reconciliation() -> Any:
    """Run a reconciliation now."""
    return _run(service().operations.run_reconciliation, _actor())


@admin.post("/jobs/<job_id>/run")
def run_job(job_id: str) -> Any:
    """Run a scheduled job now."""
    return _run(service().operations.run_job, job_id, _actor())


def _explorer_form() -> tuple[str, str, int, dict[str, str]]:
    form = request.form
    customer, sku = form.get("customer_id", "").strip()[:64], form.get("sku", "").strip()[:64]
    if not customer or not sku:
        raise InputError("customer and item are required", "customer_id")
    try:
        quantity = int(form.get("quantity", "1"))
    except ValueError:
        raise InputError("quantity must be a whole number", "quantity") from None
    return customer, sku, quantity, options_from(form.get("options", ""))


def options_from(text: str) -> dict[str, str]:
    """Options written one `code=value` per line."""
    options: dict[str, str] = {}
    for line in text.splitlines()[:20]:
        if line.strip():
            code, sep, value = line.partition("=")
            if not sep or not code.strip():
                raise InputError(f"option {line.strip()[:40]!r} must be written code=value", "options")
            options[code.strip()[:64]] = value.strip()[:200]
    return options


@admin.route("/prices", methods=["GET", "POST"])
def price_explorer() -> Any:
    """Enter customer, item, quantity and options; see the ERP's full breakdown."""
    result, error, status = None, None, 200
    if request.method == "POST":
        try:
            result = service().operations.explore_price(*_explorer_form(), actor=_actor())
        except (InputError, NotFound) as exc:
            error, status = exc.message, 400 if isinstance(exc, InputError) else 404
        except ErpError as exc:
            error, status = f"The ERP could not answer: {exc.message}", 502
    available = service().operations.explorer_available
    return render_template(
        "admin/prices.html", result=result, error=error, form=request.form, available=available
    ), status
