"""`JournalingErp`: the reference connector, noting each price and order call in a journal file.

The journal (the profile's `[journal] path`) lets a test see that this class, not the built-in one, served.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from middleware.domain.erp import ErpOrder
from middleware.domain.orders import NewOrder
from middleware.domain.pricing import ErpPriceAnswer, PriceRequestLine
from middleware.errors import ConfigError
from middleware.ports.erp import ConnectorConfig
from middleware.soap.connectors.reference.connector import ReferenceErp


class JournalingErp(ReferenceErp):
    """The reference ERP port, journaling simulate_prices and create_sales_order."""

    def __init__(self, config: ConnectorConfig) -> None:
        section = config.profile.get("journal")
        if not isinstance(section, dict) or not isinstance(section.get("path"), str):
            raise ConfigError("profile [journal] path", "must name the journal file")
        super().__init__(config)
        self.journal = Path(section["path"])

    def _note(self, line: str) -> None:
        with self.journal.open("a", encoding="utf-8") as handle:
            handle.write(line + "\n")

    def simulate_prices(
        self, erp_customer_no: str, currency: str, lines: Sequence[PriceRequestLine]
    ) -> ErpPriceAnswer:
        """Price through the reference contract, noted in the journal."""
        self._note(f"simulate_prices {erp_customer_no} {' '.join(line.sku for line in lines)}")
        return super().simulate_prices(erp_customer_no, currency, lines)

    def create_sales_order(self, order: NewOrder, erp_customer_no: str) -> ErpOrder:
        """Create through the reference contract, noted in the journal."""
        self._note(f"create_sales_order {order.order_number}")
        return super().create_sales_order(order, erp_customer_no)
