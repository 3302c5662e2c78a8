"""A product configuration: the customer's option selections and their canonical hash."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass

MAX_OPTIONS = 50
MAX_VALUE_LENGTH = 500


@dataclass(frozen=True, slots=True)
class Configuration:
    """Selections `{option_code: value}`, kept sorted so equal choices compare equal."""

    selections: tuple[tuple[str, str], ...] = ()

    @classmethod
    def of(cls, mapping: Mapping[str, str] | None) -> Configuration:
        """Build from a mapping, validating codes and values."""
        if not mapping:
            return cls()
        if len(mapping) > MAX_OPTIONS:
            raise ValueError(f"at most {MAX_OPTIONS} options per line")
        items = []
        for code, value in mapping.items():
            if not isinstance(code, str) or not code or len(code) > 64:
                raise ValueError("option codes must be non-empty strings of at most 64 characters")
            if not isinstance(value, str) or len(value) > MAX_VALUE_LENGTH:
                raise ValueError(f"option {code!r} must be a string of at most {MAX_VALUE_LENGTH} characters")
            items.append((code, value))
        return cls(tuple(sorted(items)))

    def as_dict(self) -> dict[str, str]:
        """The selections as a plain dict."""
        return dict(self.selections)

    @property
    def hash(self) -> str:
        """Canonical hash, used as cache and idempotency key."""
        canonical = json.dumps(self.selections, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:32]

    def __bool__(self) -> bool:
        return bool(self.selections)
