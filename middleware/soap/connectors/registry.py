"""Connector names -> classes: the built-in ones by name, a company's own as `package.module:ClassName`."""

from __future__ import annotations

import importlib
from typing import Any

from ...errors import ConfigError

SETTING = "MIDDLEWARE_ERP_CONNECTOR"
BUILT_IN = {
    "reference": "middleware.soap.connectors.reference.connector:ReferenceErp",
    "nav": "middleware.soap.connectors.nav.connector:NavErp",
    "x3": "middleware.soap.connectors.x3.connector:X3Erp",
}


def resolve(name: str) -> Any:
    """The connector class `name` stands for; ConfigError naming the setting when it cannot be loaded."""
    target = BUILT_IN.get(name.strip(), name.strip())
    module_name, colon, class_name = target.partition(":")
    if not colon or not module_name or not class_name.isidentifier():
        known = ", ".join(sorted(BUILT_IN))
        raise ConfigError(SETTING, f"{name!r} is neither a connector ({known}) nor package.module:ClassName")
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise ConfigError(SETTING, f"cannot import {module_name} ({exc})") from None
    cls = getattr(module, class_name, None)
    if not isinstance(cls, type):
        raise ConfigError(SETTING, f"{module_name} has no class {class_name}")
    return cls
