"""`MIDDLEWARE_ERP_CONNECTOR=x3` through the registry and wiring, and the demo's `--erp x3` settings."""

from __future__ import annotations

import argparse
from typing import Any

import pytest

from middleware.cli.demo import demo_settings
from middleware.config import Settings
from middleware.domain.pricing import PriceRequestLine
from middleware.errors import ConfigError
from middleware.soap.connectors.x3.connector import X3Erp
from middleware.wiring.erp import build_erp
from tests.x3.conftest import PROFILE
from tests.x3.test_connector import GOLD


def test_the_registry_builds_the_x3_connector_from_settings(x3_sim: Any, version: str, tmp_path: Any) -> None:
    profile = tmp_path / "x3.toml"
    profile.write_text(PROFILE.read_text().replace('version = "v7"', f'version = "{version}"'))
    settings = Settings.from_env(
        {}, erp_connector="x3", erp_profile=str(profile), erp_endpoint=x3_sim.soap_url,
        erp_username="erp-user", erp_password="erp-pass",
    )  # fmt: skip
    erp = build_erp(settings)
    try:
        assert isinstance(erp, X3Erp) and erp.capabilities.status_push is False
        answer = erp.simulate_prices("C10000", "EUR", [PriceRequestLine("1", "MUG-01", 60, GOLD)])
        assert answer.lines[0].gross_amount is not None and str(answer.lines[0].gross_amount) == "926.77"
    finally:
        erp.close()


def test_a_bad_profile_names_the_key(tmp_path: Any) -> None:
    profile = tmp_path / "x3.toml"
    profile.write_text(PROFILE.read_text().replace('sales_site = "FR011"', ""))
    with pytest.raises(ConfigError) as exc:
        build_erp(Settings.from_env({}, erp_connector="x3", erp_profile=str(profile)))
    assert "x3.orders.sales_site" in str(exc.value)


def test_demo_settings_for_x3() -> None:
    args = argparse.Namespace(host="127.0.0.1", port=18000, erp_port=18001, data_dir="var", erp="x3")
    settings = demo_settings(args, {})
    assert settings.erp_connector == "x3" and settings.erp_profile is not None
    assert settings.erp_endpoint.endswith(
        ":18001/soap-generic/syracuse/collaboration/syracuse/CAdxWebServiceXmlCC"
    )
