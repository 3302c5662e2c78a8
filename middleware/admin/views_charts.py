"""The charts page (inline SVG drawn on the server: no script, no CDN)."""

from __future__ import annotations

from typing import Any

from flask import render_template

from . import admin
from .views import service


@admin.get("/charts")
def charts_page() -> Any:
    """Orders, ERP calls, queue depth and findings over the last 24 hours."""
    return render_template("admin/charts.html", charts=service().charts.charts())
