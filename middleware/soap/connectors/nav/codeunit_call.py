"""One codeunit function call without zeep's per-call cost (codeunit pricing makes many small calls).

The request holds the function's parameters in the order the codeunit's WSDL declares them (read once with
lxml); the answer's `return_value` is read directly. With HTTP Basic the calls go over each pool thread's own
kept-alive connection (`shared.keepalive`: well under half of requests' CPU per call); with NTLM over the
session pool whose connections requests-ntlm authenticated. Recording, NAV faults and HTTP errors go through
the same pieces as every other call.
"""

from __future__ import annotations

import threading
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

import requests
from lxml import etree
from zeep.exceptions import Fault

from ....errors import ErpUnavailable
from ..shared.errors import http_status_error
from ..shared.keepalive import ThreadConnections
from ..shared.recording import MessageRecorder
from ..shared.wsdl import fetch_wsdl, parse_wsdl
from .faults import map_fault, nav_errors

SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
XSD = "http://www.w3.org/2001/XMLSchema"
PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


def _text(value: Any) -> str:
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


class CodeunitCall:
    """Callable(function, **parameters) -> Decimal for one published codeunit."""

    def __init__(
        self,
        url: str,
        wsdl: str,
        namespace: str,
        session: requests.Session,
        timeouts: tuple[float, float],
        recorder: MessageRecorder,
        direct: ThreadConnections | None = None,
    ) -> None:
        """`direct`: per-thread connections to `url` for the function calls (None: through `session`)."""
        self.url, self.wsdl, self.ns, self.session = url, wsdl, namespace, session
        self.timeouts, self.recorder, self.direct = timeouts, recorder, direct
        self._params: dict[str, list[str]] = {}
        self._lock = threading.Lock()

    def parameters(self, function: str) -> list[str]:
        """The function's parameter names in WSDL order."""
        with self._lock:
            if not self._params:
                with nav_errors(f"{self.ns} WSDL"):
                    root = parse_wsdl(fetch_wsdl(self.wsdl, self.session), self.wsdl)
                for el in root.iter(f"{{{XSD}}}element"):
                    if (
                        el.get("name")
                        and el.getparent() is not None
                        and el.getparent().tag == f"{{{XSD}}}schema"
                    ):
                        self._params[el.get("name")] = [
                            c.get("name") for c in el.iter(f"{{{XSD}}}element") if c is not el
                        ]
            return self._params.get(function, [])

    def envelope(self, function: str, args: dict[str, Any]) -> etree._Element:
        """The request envelope (parameters absent from the WSDL are not sent)."""
        env = etree.Element(f"{{{SOAP_ENV}}}Envelope", nsmap={"soap": SOAP_ENV})
        call = etree.SubElement(
            etree.SubElement(env, f"{{{SOAP_ENV}}}Body"), f"{{{self.ns}}}{function}", nsmap={None: self.ns}
        )
        for name in self.parameters(function):
            if name in args:
                etree.SubElement(call, f"{{{self.ns}}}{name}").text = _text(args[name])
        return env

    def _post(self, function: str, body: bytes) -> tuple[int, bytes]:
        """POST the envelope: (HTTP status, body)."""
        headers = {
            "Content-Type": "text/xml; charset=utf-8",
            "SOAPAction": f'"{self.ns}:{function}"',
            **self.recorder.headers(),
        }
        if self.direct is not None:
            return self.direct.post(function, body, headers)
        with nav_errors(function):
            response = self.session.post(self.url, data=body, headers=headers, timeout=self.timeouts)
        return response.status_code, response.content

    def close(self) -> None:
        """Close the per-thread connections (the session belongs to the connector)."""
        if self.direct is not None:
            self.direct.close()

    def __call__(self, function: str, **args: Any) -> Decimal:
        """Call `function`; its return_value as a Decimal."""
        if not self.parameters(function):
            raise ErpUnavailable(f"{function}: not published in the codeunit's WSDL")
        env = self.envelope(function, args)
        self.recorder.request(function, env)
        status, content = self._post(function, etree.tostring(env, encoding="utf-8"))
        try:
            root = etree.fromstring(content, PARSER)
        except etree.XMLSyntaxError:
            raise http_status_error(function, status) from None
        self.recorder.answer(function, root)
        fault = root.find(f".//{{{SOAP_ENV}}}Fault")
        if fault is not None:
            code, message = fault.findtext("faultcode") or "", fault.findtext("faultstring") or "NAV fault"
            raise map_fault(Fault(message, code), function)
        value = root.findtext(f".//{{{self.ns}}}return_value")
        try:
            return Decimal(value or "")
        except InvalidOperation:
            raise ErpUnavailable(f"{function}: unusable NAV answer (no return_value)") from None
