"""An admin corrects a rejected order's configuration (e.g. shortens an engraving) and sends it again."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from typing import Any

from ..domain.configuration import Configuration
from ..domain.orders import OrderEvent, OrderLine, OrderStatus
from ..errors import Conflict, InputError, NotFound
from ..ports.clock import Clock
from ..ports.orders import KIND_ERP_ORDER, Transactions
from .order_state import change_status
from .orders import CatalogLookup, _labelled_line

CORRECTABLE = (OrderStatus.REJECTED, OrderStatus.NEEDS_ATTENTION)


class ConfigurationCorrection:
    """Replaces one line's options (validated against the mirror), records it, requeues the order."""

    def __init__(
        self, transactions: Transactions, catalog: CatalogLookup, clock: Clock,
        on_requeued: Callable[[], None] = lambda: None,
    ) -> None:
        self.tx = transactions
        self.catalog = catalog
        self.clock = clock
        self.on_requeued = on_requeued

    def correct(
        self, order_number: str, line_ref: str, options: Mapping[str, str], actor: str, note: str
    ) -> str:
        """Store the new configuration, note it in the history and send the order again."""
        now = self.clock.now()
        with self.tx.write() as t:
            record = t.orders.get(order_number)
            if record is None:
                raise NotFound("order", order_number)
            if record.status not in CORRECTABLE:
                raise Conflict(f"Order {order_number!r} is {record.status.value}: nothing to correct.")
            old, line = self._corrected(record.order.lines, line_ref, options)
            detail: dict[str, Any] = {
                "actor": actor, "line_ref": line_ref, "note": note,
                "before": dict(old.configuration.selections), "after": dict(line.configuration.selections),
            }
            t.orders.replace_line(order_number, line)
            event = OrderEvent(now, "configuration_corrected", record.status, detail)
            t.orders.add_event(order_number, event)
            change_status(t, order_number, record.status, OrderStatus.RECEIVED, now, webhooks=False)
            t.outbox.requeue(KIND_ERP_ORDER, order_number, now)
        self.on_requeued()
        return f"{order_number} line {line_ref} corrected and queued for delivery"

    def _corrected(
        self, lines: Sequence[OrderLine], line_ref: str, options: Mapping[str, str]
    ) -> tuple[OrderLine, OrderLine]:
        """The line as it was and as corrected (checked against the catalog like a new order's)."""
        found = next(((i, ln) for i, ln in enumerate(lines) if ln.line_ref == line_ref), None)
        if found is None:
            raise NotFound("order line", line_ref)
        index, old = found
        try:
            configuration = Configuration.of(options)
        except ValueError as exc:
            raise InputError(str(exc), "options") from None
        product = self.catalog.get_product(old.sku)
        return old, _labelled_line(index, replace(old, configuration=configuration), product)
