"""A connector that fails to start with the password in its error message (as careless code would)."""

from __future__ import annotations

from middleware.errors import ConfigError
from middleware.ports.erp import ConnectorConfig


class LeakyErp:
    """Raises at construction, naming the password it was given."""

    def __init__(self, config: ConnectorConfig) -> None:
        raise RuntimeError(f"login refused for {config.username}/{config.password}")


class LeakyProfileErp:
    """Rejects its profile, quoting the password."""

    def __init__(self, config: ConnectorConfig) -> None:
        raise ConfigError("profile [leaky] token", f"{config.password!r} is not a token")
