"""The ERP profile (`MIDDLEWARE_ERP_PROFILE`): a TOML file read with the standard library's tomllib."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from ..errors import ConfigError

SETTING = "MIDDLEWARE_ERP_PROFILE"


def load_profile(path: str | None) -> dict[str, Any]:
    """The parsed profile ({} without one); ConfigError naming the setting, the file and the problem."""
    if not path:
        return {}
    try:
        with Path(path).open("rb") as handle:
            return tomllib.load(handle)
    except OSError as exc:
        raise ConfigError(SETTING, f"cannot read {path}: {exc.strerror or type(exc).__name__}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(SETTING, f"{path} is not valid TOML: {exc}") from None
