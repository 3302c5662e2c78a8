"""HTTP transport for status webhooks (requests, short timeouts, no redirects)."""

from __future__ import annotations

import requests


class RequestsWebhookTransport:
    """POSTs webhook bodies with one pooled session."""

    def __init__(self, timeout: float = 5.0) -> None:
        self.session = requests.Session()
        self.timeout = timeout

    def post(self, url: str, body: bytes, headers: dict[str, str]) -> int:
        """POST and return the HTTP status code."""
        response = self.session.post(
            url, data=body, headers=headers, timeout=self.timeout, allow_redirects=False
        )
        response.close()
        return response.status_code
