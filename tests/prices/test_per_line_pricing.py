"""An ERP without batch price simulation: PriceService asks once per line, concurrently."""

from __future__ import annotations

import threading
from dataclasses import replace

from middleware.domain.pricing import PriceRequestLine
from middleware.ports.erp import ErpCapabilities

from .conftest import CUSTOMER, FakeClock, FakeErp
from .test_price_service import GOLD, mug, query, service


class OneLineErp(FakeErp):
    """A FakeErp that refuses batches and records how many calls ran at once."""

    capabilities = replace(ErpCapabilities(), batch_prices=False, max_concurrent_calls=3)

    def __init__(self, clock: FakeClock) -> None:
        super().__init__(clock, customers=[CUSTOMER])
        self.running = 0
        self.most_at_once = 0
        self.gate = threading.Barrier(3, timeout=5)
        self._count = threading.Lock()

    def simulate_prices(self, erp_customer_no, currency, lines):  # type: ignore[no-untyped-def]
        assert len(lines) == 1, "a batch was sent to an ERP that prices one line per call"
        with self._count:
            self.running += 1
            self.most_at_once = max(self.most_at_once, self.running)
        try:
            self.gate.wait()  # three calls must be in flight together, or this times out
            return super().simulate_prices(erp_customer_no, currency, lines)
        finally:
            with self._count:
                self.running -= 1


def test_lines_are_priced_one_call_each_concurrently_and_answered_in_request_order() -> None:
    clock = FakeClock()
    erp = OneLineErp(clock)
    prices = service(erp, clock)
    lines = [mug(str(i), qty=10 + i) for i in range(6)]
    quote = prices.quote(query(*lines))
    assert erp.count("simulate_prices") == 6
    assert erp.most_at_once == 3  # bounded by max_concurrent_calls
    assert [line.line_ref for line in quote.lines] == [str(i) for i in range(6)]
    assert [line.price.quantity for line in quote.lines] == [10 + i for i in range(6)]
    assert prices.stats()["erp_calls"] == 6


def test_a_single_line_is_one_call_and_the_worked_case_keeps_its_totals() -> None:
    clock = FakeClock()
    erp = OneLineErp(clock)
    erp.gate = threading.Barrier(1)
    quote = service(erp, clock).quote(query(PriceRequestLine("1", "MUG-01", 60, GOLD)))
    assert erp.count("simulate_prices") == 1
    assert str(quote.totals.net) == "778.80" and str(quote.totals.gross) == "926.77"
