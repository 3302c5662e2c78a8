"""Settings from environment variables; a bad value stops start-up naming the variable."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from .errors import ConfigError

PACKAGE_ROOT = Path(__file__).resolve().parent


def bundled_wsdl(name: str) -> Path:
    """A WSDL shipped with the project: the source tree's wsdl/, else the installed data files."""
    for folder in (PACKAGE_ROOT.parent / "wsdl", Path(sys.prefix) / "share" / "erp-middleware" / "wsdl"):
        if (folder / name).is_file():
            return folder / name
    return PACKAGE_ROOT.parent / "wsdl" / name


BUNDLED_ERP_WSDL = bundled_wsdl("erp.wsdl")
PREFIX = "MIDDLEWARE_"

DEMO_SECRETS = {
    "erp_password": "erp-pass",
    "shop_api_keys": ("demo-shop-key",),
    "soap_password": "soap-pass",
    "admin_password": "admin-pass",
}

MIN_SECRET_KEY, MIN_ADMIN_PASSWORD = 24, 12


def _positive_float(text: str) -> float:
    value = float(text)
    if not value > 0:
        raise ValueError("must be a positive number")
    return value


def _non_negative_int(text: str) -> int:
    value = int(text)
    if value < 0:
        raise ValueError("must be a whole number >= 0")
    return value


def _positive_int(text: str) -> int:
    value = int(text)
    if value <= 0:
        raise ValueError("must be a whole number > 0")
    return value


def _decimal(text: str) -> Decimal:
    try:
        value = Decimal(text)
    except InvalidOperation as exc:
        raise ValueError("must be a decimal number") from exc
    if value < 0 or not value.is_finite():
        raise ValueError("must be a decimal number >= 0")
    return value


def _bool(text: str) -> bool:
    lowered = text.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ValueError("must be true or false")


def _url(text: str) -> str:
    parsed = urlparse(text)
    if parsed.scheme not in {"http", "https"} or not parsed.netloc:
        raise ValueError("must be an http(s) URL")
    return text.rstrip("/")


def _optional_url(text: str) -> str | None:
    return _url(text) if text.strip() else None


def _keys(text: str) -> tuple[str, ...]:
    keys = tuple(k.strip() for k in text.split(",") if k.strip())
    if not keys:
        raise ValueError("must list at least one key")
    if any(len(k) < 8 for k in keys):
        raise ValueError("each key must have at least 8 characters")
    return keys


def _choice(*allowed: str) -> Callable[[str], str]:
    def parse(text: str) -> str:
        if text not in allowed:
            raise ValueError(f"must be one of {', '.join(allowed)}")
        return text

    return parse


def _existing_file(text: str) -> str:
    if not Path(text).is_file():
        raise ValueError("file does not exist")
    return text


def _text(text: str) -> str:
    if not text:
        raise ValueError("must not be empty")
    return text


def _schedule(text: str) -> str:
    from .jobs.scheduler import parse_schedule  # apscheduler parses it; imported only when set

    parse_schedule(text)
    return text


def _setting(default: Any, parse: Callable[[str], Any] = _text, secret: bool = False) -> Any:
    return field(default=default, metadata={"parse": parse, "secret": secret})


@dataclass(frozen=True)
class Settings:
    """Every setting of the middleware; the environment variable is MIDDLEWARE_<FIELD NAME>."""

    database_url: str = _setting("sqlite:///var/middleware.db")
    # which connector talks to the ERP: a registered name or package.module:ClassName (docs/connectors/)
    erp_connector: str = _setting("reference")
    erp_profile: str | None = _setting(None, _existing_file)  # the connector's TOML profile
    erp_wsdl: str = _setting(str(BUNDLED_ERP_WSDL), _existing_file)
    erp_endpoint: str = _setting("http://127.0.0.1:8001/soap", _url)
    erp_username: str = _setting("erp-user")
    erp_password: str = _setting(DEMO_SECRETS["erp_password"], secret=True)
    erp_connect_timeout: float = _setting(2.0, _positive_float)
    erp_read_timeout: float = _setting(10.0, _positive_float)
    erp_pool_size: int = _setting(20, _positive_int)
    shop_api_keys: tuple[str, ...] = _setting(DEMO_SECRETS["shop_api_keys"], _keys, secret=True)
    soap_username: str = _setting("erp")
    soap_password: str = _setting(DEMO_SECRETS["soap_password"], secret=True)
    admin_username: str = _setting("admin")
    admin_password: str = _setting(DEMO_SECRETS["admin_password"], secret=True)
    public_url: str = _setting("http://127.0.0.1:8000", _url)
    price_cache_ttl: int = _setting(60, _non_negative_int)
    price_stale_max_age: int = _setting(3600, _non_negative_int)
    price_cache_max_entries: int = _setting(10_000, _positive_int)  # ~3 KB each: a full cache ~30 MB
    breaker_failure_threshold: int = _setting(5, _positive_int)
    breaker_reset_timeout: float = _setting(10.0, _positive_float)
    price_tolerance: Decimal = _setting(Decimal("0.01"), _decimal)
    price_deviation_policy: str = _setting("accept_erp_price", _choice("accept_erp_price", "hold_for_review"))
    delivery_backoff_base: float = _setting(1.0, _positive_float)
    delivery_backoff_cap: float = _setting(300.0, _positive_float)
    delivery_max_age: int = _setting(86400, _positive_int)
    delivery_lease_seconds: int = _setting(3, _positive_int)
    delivery_concurrency: int = _setting(4, _positive_int)
    delivery_poll_interval: float = _setting(1.0, _positive_float)
    delivery_probe_interval: float = _setting(1.0, _positive_float)
    pull_lease_seconds: int = _setting(300, _positive_int)
    order_delivery: str = _setting("push", _choice("push", "pull"))
    status_webhook_url: str | None = _setting(None, _optional_url)
    status_webhook_secret: str | None = _setting(None, secret=True)
    max_request_bytes: int = _setting(1_048_576, _positive_int)
    soap_max_request_bytes: int = _setting(4_194_304, _positive_int)
    web_threads: int = _setting(16, _positive_int)
    # what one client may hold of the web server (docs/deployment.md "Limits"); 0 per client: off (proxy)
    web_connection_limit: int = _setting(500, _positive_int)
    web_connections_per_client: int = _setting(64, _non_negative_int)
    web_request_timeout: float = _setting(10.0, _positive_float)
    web_idle_timeout: int = _setting(30, _positive_int)
    anonymous_body_bytes: int = _setting(262_144, _non_negative_int)
    # behind a proxy: its address ("*" for any) and how many proxies append to X-Forwarded-For
    web_trusted_proxy: str | None = _setting(None)
    web_trusted_proxy_count: int = _setting(1, _positive_int)
    log_format: str = _setting("text", _choice("text", "json"))
    log_level: str = _setting("INFO", _choice("DEBUG", "INFO", "WARNING", "ERROR"))
    run_worker_in_web: bool = _setting(True, _bool)
    audit_retention_days: int = _setting(30, _positive_int)
    # signs the admin session cookie; unset = random per process
    # (then sessions do not survive restarts or span nodes)
    secret_key: str | None = _setting(None, secret=True)
    # scheduled jobs (docs/reconciliation.md): "off", an interval (30s, 15m, 1h, 1d)
    # or a cron expression (UTC)
    schedule_reconcile_orders: str = _setting("15m", _schedule)
    schedule_catalog_sync: str = _setting("1h", _schedule)
    schedule_price_check: str = _setting("1h", _schedule)
    schedule_housekeeping: str = _setting("1h", _schedule)
    # status polling, only for a connector whose ERP pushes no status (NAV, X3)
    schedule_status_poll: str = _setting("1m", _schedule)
    status_poll_window_days: int = _setting(30, _positive_int)
    scheduler_misfire_grace: int = _setting(300, _positive_int)
    reconcile_window_hours: int = _setting(48, _positive_int)
    reconcile_overlap_minutes: int = _setting(60, _non_negative_int)
    reconcile_page_size: int = _setting(200, _positive_int)
    reconcile_tolerance: Decimal = _setting(Decimal("0.01"), _decimal)
    stuck_submit_unknown_minutes: int = _setting(30, _positive_int)
    stuck_received_minutes: int = _setting(60, _positive_int)
    stuck_needs_attention_hours: int = _setting(24, _positive_int)
    price_check_sample: int = _setting(20, _positive_int)
    outbox_retention_days: int = _setting(7, _positive_int)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        """Read MIDDLEWARE_* variables; raise ConfigError naming the first bad one."""
        environ = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for f in fields(cls):
            variable = PREFIX + f.name.upper()
            raw = environ.get(variable)
            if raw is None:
                continue
            try:
                values[f.name] = f.metadata["parse"](raw.strip())
            except (ValueError, TypeError) as exc:
                raise ConfigError(variable, str(exc)) from None
        values.update(overrides)
        return cls(**values)

    def demo_secrets_in_use(self) -> list[str]:
        """Variables still holding a demo secret (`serve` refuses to start with any)."""
        return [
            PREFIX + name.upper()
            for name, demo in DEMO_SECRETS.items()
            if getattr(self, name) == demo
        ]

    def unsafe_secrets(self) -> list[str]:
        """What `serve` and `worker` refuse: demo values, a weak session key, a short admin password."""
        problems = []
        demo = self.demo_secrets_in_use()
        if demo:
            problems.append(f"{', '.join(demo)} still hold demo values")
        key = self.secret_key
        if key is not None and (len(key) < MIN_SECRET_KEY or len(set(key)) < 8):
            problems.append(f"MIDDLEWARE_SECRET_KEY is weak (at least {MIN_SECRET_KEY} random characters)")
        password = self.admin_password
        if password != DEMO_SECRETS["admin_password"] and (
            len(password) < MIN_ADMIN_PASSWORD or password == self.admin_username
        ):
            problems.append(f"MIDDLEWARE_ADMIN_PASSWORD is too weak (at least {MIN_ADMIN_PASSWORD} chars)")
        return problems

    def public_view(self) -> dict[str, Any]:
        """Settings safe to show: secrets masked."""
        return {
            f.name: ("***" if f.metadata.get("secret") and getattr(self, f.name) else getattr(self, f.name))
            for f in fields(self)
        }
