"""The ERP connector: named by MIDDLEWARE_ERP_CONNECTOR, configured by MIDDLEWARE_ERP_PROFILE."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import fields
from typing import Any

from ..config import Settings
from ..errors import ConfigError, MiddlewareError
from ..observability import requestid
from ..observability.logs import secret_values
from ..observability.redact import Redactor
from ..ports.erp import ConnectorConfig, Erp, ErpMessage
from ..soap.connectors.registry import SETTING, resolve
from .profile import SETTING as PROFILE_SETTING
from .profile import load_profile

_DEFAULTS = {f.name: f.default for f in fields(Settings)}


def _explicit(settings: Settings, name: str) -> Any:
    """A setting's value when it differs from the default (a profile's own value wins otherwise)."""
    value = getattr(settings, name)
    return None if value == _DEFAULTS[name] else value


def connector_config(
    settings: Settings, record: Callable[[ErpMessage], None] | None = None
) -> ConnectorConfig:
    """The connector's configuration: its profile and the ERP link settings."""
    return ConnectorConfig(
        profile=load_profile(settings.erp_profile),
        profile_path=settings.erp_profile,
        endpoint=_explicit(settings, "erp_endpoint"),
        wsdl=_explicit(settings, "erp_wsdl"),
        username=settings.erp_username,
        password=settings.erp_password,
        connect_timeout=settings.erp_connect_timeout,
        read_timeout=settings.erp_read_timeout,
        pool_size=settings.erp_pool_size,
        record=record,
        request_id=requestid.current,
    )


def build_erp(settings: Settings, record: Callable[[ErpMessage], None] | None = None) -> Erp:
    """The connector named by the settings, built from its profile; a one-line ConfigError if it cannot be."""
    try:
        return _build(settings, record)
    except ConfigError as exc:  # whatever a connector put in its message, no secret leaves here
        raise ConfigError(exc.variable, Redactor(secret_values(settings))(exc.reason)) from None


def _build(settings: Settings, record: Callable[[ErpMessage], None] | None) -> Erp:
    cls = resolve(settings.erp_connector)
    config = connector_config(settings, record)
    try:
        erp: Erp = cls(config)
    except ConfigError as exc:
        if exc.variable.startswith("profile"):  # name the setting and the file too
            where = settings.erp_profile or "(no profile file)"
            raise ConfigError(PROFILE_SETTING, f"{where}: {exc}") from None
        raise
    except MiddlewareError as exc:
        raise ConfigError(SETTING, f"{settings.erp_connector}: {exc}") from None
    except Exception as exc:  # a company's connector may fail in any way: one line, no traceback
        problem = f"{type(exc).__name__}: {exc}"
        raise ConfigError(SETTING, f"{settings.erp_connector} could not be built: {problem}") from None
    return erp
