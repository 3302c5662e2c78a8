"""The Selector Oscar loads as `partner.strategy.Selector`: every request is priced by the ERP."""

from __future__ import annotations

from typing import Any

from oscar.apps.partner.strategy import *  # noqa: F403  (Oscar's other strategies stay importable)

from ..strategy import ErpStrategy


class Selector:
    """One ErpStrategy per request (it holds the request's batched prices)."""

    def strategy(self, request: Any = None, user: Any = None, **kwargs: Any) -> ErpStrategy:
        return ErpStrategy(request, user)
