"""Oscar price and availability policies built from the middleware's priced lines."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from oscar.apps.partner import availability, prices

from .pricebook import unit_amounts

REASONS = {
    "unavailable": _("Price on request"),
    "no_price": _("Price on request"),
    "not_found": _("Not sold online"),
    "blocked": _("Not available"),
    "invalid_configuration": _("Choose the options first"),
}


class ErpPrice(prices.FixedPrice):
    """The ERP's price for a line: per-unit amounts that multiply back to the ERP's line amounts."""

    def __init__(self, line: dict[str, Any]) -> None:
        net, tax = unit_amounts(line)
        super().__init__(line["currency"], net, tax)
        self.erp = line
        self.source = line["source"]


class ErpAvailable(availability.Available):
    """Buyable; a stale price says so."""

    def __init__(self, line: dict[str, Any]) -> None:
        self.source = line["source"]
        if self.source == "stale":
            fetched = line["fetched_at"][:16].replace("T", " ")
            self.message = _("Price as of %(when)s UTC (ERP not reachable; it may change)") % {
                "when": fetched
            }
            self.code = "stale-price"


class ErpUnavailable(availability.Unavailable):
    """Not buyable: the middleware could not price it, or the ERP says it has no price for this customer."""

    def __init__(self, status: str, detail: str | None = None) -> None:
        self.code = f"erp-{status}"
        self.message = REASONS.get(status, _("Not available"))
        self.detail = detail

    def is_purchase_permitted(self, quantity: int) -> tuple[bool, str]:
        return False, str(self.message)


def policies(line: dict[str, Any]) -> tuple[prices.Base, availability.Base]:
    """(price, availability) for a priced line; never a made-up price."""
    if line["status"] != "ok":
        return prices.Unavailable(), ErpUnavailable(line["status"], line.get("status_text"))
    return ErpPrice(line), ErpAvailable(line)
