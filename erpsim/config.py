"""Simulator settings."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass
class SimConfig:
    """Settings of one simulator instance (all have working defaults)."""

    username: str = "erp-user"
    password: str = "erp-pass"  # noqa: S105 - documented demo default, override in real use
    quote_ttl_seconds: int = 300
    default_page_size: int = 100
    max_page_size: int = 1000
    max_lines: int = 500
    max_body_bytes: int = 10 * 1024 * 1024
    validate_requests: bool = True
    # what CreateSalesOrder does when ExpectedUnitPrice/ExpectedAmount differ: accept | hold | reject
    price_mismatch_policy: str = "accept"
    price_tolerance: Decimal = Decimal("0.00")
    auto_progress_seconds: float | None = None
    first_order_seq: int = 100001
    push_url: str | None = None
    push_username: str | None = None
    push_password: str | None = None
    threads: int = 16
