"""The served WSDL is the committed snapshot (wsdl/middleware.wsdl); export-wsdl writes it."""

from __future__ import annotations

from pathlib import Path

from middleware.cli import main
from middleware.config import Settings

COMMITTED = Path(__file__).resolve().parents[2] / "wsdl" / "middleware.wsdl"


def test_served_wsdl_equals_the_committed_snapshot(client):
    served = client.get("/?wsdl").get_data()
    assert served == COMMITTED.read_bytes(), (
        "the served WSDL changed: run `python run.py export-wsdl` and commit wsdl/middleware.wsdl"
    )


def test_committed_snapshot_announces_the_default_public_url():
    assert f'location="{Settings().public_url}/soap/"'.encode() in COMMITTED.read_bytes()


def test_export_wsdl_writes_the_served_document_with_the_configured_address(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("MIDDLEWARE_PUBLIC_URL", "https://shop.example.com/mw")
    target = tmp_path / "out" / "middleware.wsdl"
    assert main(["export-wsdl", str(target)]) == 0
    text = target.read_text()
    assert 'location="https://shop.example.com/mw/soap/"' in text
    assert (
        text.replace("https://shop.example.com/mw", Settings().public_url).encode() == COMMITTED.read_bytes()
    )
    assert str(target) in capsys.readouterr().out


def test_wsdl_declares_every_operation_in_our_namespace():
    text = COMMITTED.read_text()
    assert 'targetNamespace="urn:shop-middleware:erp:v1"' in text
    for operation in (
        "UpsertProducts",
        "UpsertCustomers",
        "NotifyPriceChange",
        "UpdateOrderStatus",
        "FetchNewOrders",
        "AcknowledgeOrders",
        "GetServiceStatus",
    ):
        assert f'<wsdl:operation name="{operation}"' in text
    assert 'style="document"' in text and 'use="literal"' in text
