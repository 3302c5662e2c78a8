"""Correcting a rejected order's configuration and sending it again."""

from __future__ import annotations

from typing import Any

from flask import request

from . import admin
from .views import _actor, _run_with_note, options_from, service


@admin.post("/orders/<order_number>/lines/<line_ref>/correct")
def correct_line(order_number: str, line_ref: str) -> Any:
    """Replace a line's options (code=value per line) and requeue the order; needs a note."""
    text = request.form.get("options", "")[:4000]

    def run(who: str, note: str) -> str:
        return service().orders.correct(order_number[:128], line_ref[:64], options_from(text), who, note)

    return _run_with_note(run, _actor())
