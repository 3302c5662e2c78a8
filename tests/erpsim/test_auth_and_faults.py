"""Integration: authentication (Basic, WS-Security) and fault injection through the control API."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from decimal import Decimal as D
from typing import Any

import pytest
import requests
import zeep
from zeep.wsse.username import UsernameToken

from erpsim import SimulatorServer
from tests.erpsim.helpers import make_client, order_lines


@pytest.mark.parametrize("auth", [None, ("erp-user", "wrong"), ("someone", "erp-pass")])
def test_auth_failures(sim: SimulatorServer, erp_fault: Callable[..., Any], auth: Any) -> None:
    _, erp = make_client(sim.soap_url, auth=auth)
    with pytest.raises(zeep.exceptions.Fault) as exc:
        erp.GetCustomer(CustomerNo="C10000")
    detail = erp_fault(exc.value)
    assert (detail.Code, detail.Retryable) == ("AUTH_FAILED", False)


@pytest.mark.parametrize("digest", [False, True])
def test_ws_security_username_token(sim: SimulatorServer, digest: bool) -> None:
    _, erp = make_client(
        sim.soap_url, auth=None, wsse=UsernameToken("erp-user", "erp-pass", use_digest=digest)
    )
    assert erp.GetCustomer(CustomerNo="C10000").Name == "Ada Coffee Roasters GmbH"


def test_ws_security_wrong_password(sim: SimulatorServer, erp_fault: Callable[..., Any]) -> None:
    _, erp = make_client(sim.soap_url, auth=None, wsse=UsernameToken("erp-user", "nope"))
    with pytest.raises(zeep.exceptions.Fault) as exc:
        erp.GetCustomer(CustomerNo="C10000")
    assert erp_fault(exc.value).Code == "AUTH_FAILED"


def test_error_rate_answers_service_busy(
    erp: Any, erp_fault: Callable[..., Any], control: Callable[..., Any]
) -> None:
    control("POST", "faults", json={"error_rate": 1.0})
    with pytest.raises(zeep.exceptions.Fault) as exc:
        erp.GetCustomer(CustomerNo="C10000")
    detail = erp_fault(exc.value)
    assert (detail.Code, detail.Retryable, exc.value.code) == ("SERVICE_BUSY", True, "soap:Server")
    assert control("GET", "stats")["operations"]["GetCustomer"] == {"calls": 1, "faults": 1, "injected": 1}
    control("DELETE", "faults")
    assert erp.GetCustomer(CustomerNo="C10000").CustomerNo == "C10000"


def test_faults_limited_to_operations_and_seeded(erp: Any, control: Callable[..., Any]) -> None:
    control("POST", "faults", json={"error_rate": 1.0, "operations": ["CreateSalesOrder"]})
    assert erp.GetCustomer(CustomerNo="C10000").CustomerNo == "C10000"

    def pattern() -> list[bool]:
        control("POST", "faults", json={"error_rate": 0.5, "seed": 7, "operations": []})
        out = []
        for _ in range(12):
            try:
                erp.GetCustomer(CustomerNo="C10000")
                out.append(True)
            except zeep.exceptions.Fault:
                out.append(False)
        return out

    first = pattern()
    assert first == pattern() and True in first and False in first


def test_outage_is_http_503(erp: Any, control: Callable[..., Any]) -> None:
    control("POST", "faults", json={"outage": True})
    with pytest.raises(zeep.exceptions.TransportError) as exc:
        erp.GetCustomer(CustomerNo="C10000")
    assert exc.value.status_code == 503


def test_latency_does_not_serialize_calls(
    sim: SimulatorServer, erp: Any, control: Callable[..., Any]
) -> None:
    control("POST", "faults", json={"latency_ms": 300})
    started = time.monotonic()
    threads = [threading.Thread(target=erp.GetCustomer, kwargs={"CustomerNo": "C10000"}) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - started
    assert 0.3 <= elapsed < 0.9


def test_timeout_after_commit(sim: SimulatorServer, erp: Any, control: Callable[..., Any]) -> None:
    control("POST", "faults", json={"timeout_after_commit_rate": 1.0, "hang_seconds": 1.5})
    _, impatient = make_client(sim.soap_url, timeout=0.3)
    with pytest.raises(requests.exceptions.Timeout):
        impatient.CreateSalesOrder(
            ExternalDocumentNo="WEB-T1", CustomerNo="C10000", Lines=order_lines(("MUG-01", 2))
        )
    control("DELETE", "faults")
    order = erp.GetSalesOrder(ExternalDocumentNo="WEB-T1")  # committed although the client gave up
    assert order.Status == "OPEN" and order.Lines.Line[0].Quantity == D(2)


def test_fault_settings_roundtrip(control: Callable[..., Any]) -> None:
    assert control("GET", "faults")["error_rate"] == 0.0
    cfg = control("POST", "faults", json={"latency_ms": 5, "seed": 1})
    assert (cfg["latency_ms"], cfg["seed"], cfg["outage"]) == (5, 1, False)
    assert control("POST", "faults", json={"latency_ms": 7})["seed"] == 1  # merged
    control("POST", "faults", expect=400, json={"error_rate": 2})
    control("POST", "faults", expect=400, json={"bogus": 1})
    assert control("DELETE", "faults")["latency_ms"] == 0
