"""One CAdxWebServiceXmlCC call: envelope out over the shared session, CAdxResultXml (or error) back."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ....errors import ErpTimeout, ErpUnavailable
from ....ports.erp import ConnectorConfig
from ..shared.errors import http_status_error, transport_errors
from ..shared.http import make_session, timeouts
from ..shared.recording import MessageRecorder
from . import envelope
from .faults import fault_error, result_error
from .objxml import Flow, ObjectXmlError, parse
from .profile import X3Profile

HEADERS = {"Content-Type": "text/xml; charset=utf-8", "SOAPAction": '""'}
WRITES = frozenset({"save", "delete", "modify"})


def _no_auth(request: Any) -> Any:
    return request  # V6: the credentials travel in the call context, not in HTTP


class X3Client:
    """Calls of the generic web service for one pool: V7 authenticates by HTTP Basic, V6 in callContext."""

    def __init__(self, config: ConnectorConfig, profile: X3Profile, endpoint: str) -> None:
        self.profile, self.endpoint = profile, endpoint
        self.session = make_session(config, auth=None if profile.version == "v7" else _no_auth)
        self.timeouts = timeouts(config)
        self.recorder = MessageRecorder(config)
        self.context = {
            "codeLang": profile.language,
            "poolAlias": profile.pool_alias,
            "poolId": "",
            "requestConfig": profile.request_config,
        }
        if profile.version == "v6":
            self.context |= {"codeUser": config.username, "password": config.password}

    def call(
        self,
        operation: str,
        public_name: str,
        *,
        xml: str | None = None,
        keys: Sequence[tuple[str, str]] = (),
        list_size: int | None = None,
        subject: str | None = None,
    ) -> Flow:
        """Send one call; the resultXml flow on status 1, else the mapped error (ErpRejected/Unavailable)."""
        label = f"{operation} {public_name}"
        body = envelope.request(
            operation,
            self.context,
            self.profile.version,
            public_name,
            xml=xml,
            keys=keys,
            list_size=list_size,
        )
        self.recorder.request(label, body, subject)
        with transport_errors(label):
            response = self.session.post(
                self.endpoint,
                data=body,
                headers={**HEADERS, **self.recorder.headers()},
                timeout=self.timeouts,
            )
        if response.status_code not in (200, 500):
            raise http_status_error(label, response.status_code)
        try:
            root = envelope.read_envelope(response.content)
            self.recorder.answer(label, root)
            result = envelope.parse_response(root)
            if isinstance(result, envelope.Fault):
                raise fault_error(result, label)
            if result.status != 1:
                raise result_error(result, label, self.profile)
            return parse(result.result_xml)
        except (envelope.EnvelopeError, ObjectXmlError) as exc:
            raise self._garbled(operation, f"{label}: {exc}") from None

    @staticmethod
    def _garbled(operation: str, message: str) -> Exception:
        """An unreadable answer: a write may have happened (outcome unknown), a read did nothing."""
        return ErpTimeout(message) if operation in WRITES else ErpUnavailable(message)

    def close(self) -> None:
        """Close pooled connections."""
        self.session.close()
