"""Helpers shared by the simulator tests (constants, zeep client factory, line builders)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import requests
import zeep
from zeep.transports import Transport

WSDL = str(Path(__file__).resolve().parents[2] / "wsdl" / "erp.wsdl")
BINDING = "{urn:legacy-erp:sales:v1}SalesServiceBinding"
TODAY = date(2026, 11, 23)
WORKED_OPTIONS = {
    "Option": [{"Code": "color", "Value": "gold"}, {"Code": "engraving", "Value": "Happy Birthday"}]
}


def make_client(
    soap_url: str,
    auth: tuple[str, str] | None = ("erp-user", "erp-pass"),
    timeout: float = 10,
    wsse: Any = None,
) -> tuple[Any, Any]:
    """(zeep.Client, service proxy) built from wsdl/erp.wsdl on disk with the endpoint overridden."""
    session = requests.Session()
    session.auth = auth
    client = zeep.Client(
        WSDL, transport=Transport(session=session, timeout=timeout, operation_timeout=timeout), wsse=wsse
    )
    return client, client.create_service(BINDING, soap_url)


def order_lines(*lines: tuple[str, Any]) -> dict[str, Any]:
    """Lines={'Line': [...]} for CreateSalesOrder from (item, quantity) pairs."""
    return {
        "Line": [
            {"LineNo": (i + 1) * 10000, "ItemNo": item, "Quantity": Decimal(str(qty))}
            for i, (item, qty) in enumerate(lines)
        ]
    }
