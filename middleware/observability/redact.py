"""Masking of secrets in text: known secret values, passwords in SOAP envelopes, auth headers."""

from __future__ import annotations

import re
from collections.abc import Iterable

MASK = "***"
_XML_SECRETS = re.compile(
    r"(<(?:[\w.-]+:)?(Password|Nonce|Secret|ApiKey|Token)\b[^>]*>)(.*?)(</(?:[\w.-]+:)?\2\s*>)",
    re.IGNORECASE | re.DOTALL,
)
_AUTH_HEADER = re.compile(r"(authorization\s*[:=]\s*)(\S+\s+)?\S+", re.IGNORECASE)


def mask_xml(text: str) -> str:
    """Replace the content of password-like elements (WS-Security UsernameToken) with ***."""
    return _XML_SECRETS.sub(lambda m: f"{m.group(1)}{MASK}{m.group(4)}", text)


class Redactor:
    """Removes the configured secret values and credential patterns from text."""

    def __init__(self, secrets: Iterable[str | None] = ()) -> None:
        # longest first so a secret containing another is masked whole
        self._secrets = sorted({s for s in secrets if s and len(s) >= 4}, key=len, reverse=True)

    def __call__(self, text: str) -> str:
        """The text with every known secret masked."""
        for secret in self._secrets:
            if secret in text:
                text = text.replace(secret, MASK)
        return _AUTH_HEADER.sub(lambda m: f"{m.group(1)}{MASK}", mask_xml(text))
