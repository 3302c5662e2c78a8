"""The reference connector's optional profile: `[reference] endpoint, wsdl, namespace, binding`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ....errors import ConfigError
from ....ports.erp import ConnectorConfig

PACKAGE_ROOT = Path(__file__).resolve().parents[4]
DEFAULT_ENDPOINT = "http://127.0.0.1:8001/soap"
DEFAULT_NAMESPACE = "urn:legacy-erp:sales:v1"
DEFAULT_BINDING = "SalesServiceBinding"
KEYS = {"endpoint", "wsdl", "namespace", "binding"}


def bundled_wsdl() -> str:
    """wsdl/erp.wsdl from the source tree, else from the installed data files."""
    import sys

    for folder in (PACKAGE_ROOT / "wsdl", Path(sys.prefix) / "share" / "erp-middleware" / "wsdl"):
        if (folder / "erp.wsdl").is_file():
            return str(folder / "erp.wsdl")
    return str(PACKAGE_ROOT / "wsdl" / "erp.wsdl")


def _text(section: Mapping[str, Any], key: str, default: str) -> str:
    value = section.get(key, default)
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"profile [reference] {key}", "must be a non-empty string")
    return value.strip()


@dataclass(frozen=True, slots=True)
class ReferenceProfile:
    """Endpoint, WSDL, target namespace and binding name of the reference contract."""

    endpoint: str
    wsdl: str
    namespace: str
    binding: str

    @property
    def binding_qname(self) -> str:
        """The binding's qualified name as zeep spells it."""
        return f"{{{self.namespace}}}{self.binding}"

    @classmethod
    def from_config(cls, config: ConnectorConfig) -> ReferenceProfile:
        """From `[reference]` in the profile; MIDDLEWARE_ERP_ENDPOINT / _WSDL win when set."""
        section = config.profile.get("reference", {})
        if not isinstance(section, Mapping):
            raise ConfigError("profile [reference]", "must be a table")
        unknown = sorted(set(section) - KEYS)
        if unknown:
            known = ", ".join(sorted(KEYS))
            raise ConfigError(f"profile [reference] {unknown[0]}", f"unknown key (known: {known})")
        endpoint = config.endpoint or _text(section, "endpoint", DEFAULT_ENDPOINT)
        if not endpoint.startswith(("http://", "https://")):
            raise ConfigError("profile [reference] endpoint", "must be an http(s) URL")
        wsdl = config.wsdl or _text(section, "wsdl", bundled_wsdl())
        local = not wsdl.startswith(("http://", "https://"))
        if config.profile_path and local and not Path(wsdl).is_absolute():
            wsdl = str(Path(config.profile_path).parent / wsdl)  # relative to the profile, not the process
        return cls(endpoint, wsdl, _text(section, "namespace", DEFAULT_NAMESPACE),
                   _text(section, "binding", DEFAULT_BINDING))
