"""`erp check` for NAV: the WSDL of every service the profile uses, the fields it names, one harmless call."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ....errors import ErpError, MiddlewareError
from ....ports.erp import CheckItem

if TYPE_CHECKING:
    from .connector import NavErp


def _services(erp: NavErp) -> list[str]:
    keys = ["sales_order", "customer", "item", "posted_invoice"]
    return keys + (["sales_quote"] if erp.profile.pricing_mode == "quote" else ["pricing_codeunit"])


def _codeunit(erp: NavErp) -> list[CheckItem]:
    """The price and discount functions are published with the parameter names the profile gives."""
    p, out = erp.profile, []
    wanted = [name for name in p.params.values() if name]
    for function in (p.price_function, p.discount_function):
        try:
            published = erp.codeunit_call.parameters(function)
        except (MiddlewareError, OSError, ValueError) as exc:
            out.append(CheckItem(f"codeunit {function}", False, str(exc)))
            continue
        missing = [name for name in wanted if name not in published]
        if not published:
            detail = "not published in the codeunit's WSDL"
        elif missing:
            detail = f"no parameter {', '.join(missing)} (see [nav.pricing.params])"
        else:
            detail = f"parameters {', '.join(published)}"
        out.append(CheckItem(f"codeunit {function}", bool(published) and not missing, detail))
    return out


def run_check(erp: NavErp) -> list[CheckItem]:
    """Plain-words report; never raises, never shows a secret."""
    p = erp.profile
    items = [
        CheckItem(
            "endpoint", True, f"{p.base_url} company {p.company!r}, auth {p.auth}, pricing {p.pricing_mode}"
        )
    ]
    for key in _services(erp):
        try:
            erp.services.proxy(key)
            items.append(CheckItem(f"WSDL {erp.services.name(key)}", True, erp.services.wsdl_location(key)))
        except (MiddlewareError, OSError, ValueError) as exc:
            items.append(CheckItem(f"WSDL {erp.services.name(key)}", False, str(exc)))
    try:
        fields = erp.services.fields("sales_order")
        ok = p.order_number_field in fields
        detail = f"{p.order_number_field} is {'published' if ok else 'NOT on the page: choose another field'}"
        items.append(CheckItem("order_number_field", ok, detail))
    except (MiddlewareError, OSError, ValueError) as exc:
        items.append(CheckItem("order_number_field", False, str(exc)))
    if p.pricing_mode == "codeunit":
        items += _codeunit(erp)
    try:
        page = erp.list_items(1, None)
        items.append(CheckItem("call Item.ReadMultiple", True, f"answered ({len(page.items)} item)"))
    except ErpError as exc:
        items.append(CheckItem("call Item.ReadMultiple", False, str(exc)))
    left = len(erp.undeleted_quotes)
    items.append(CheckItem("sales quotes left behind", left == 0, f"{left} waiting for housekeeping"))
    return items
