"""A connector that cannot be built stops start-up in one line, and no secret is in that line."""

from __future__ import annotations

import pytest

from middleware.config import Settings
from middleware.errors import ConfigError
from middleware.wiring.erp import build_erp

SECRET = "Very-Secret-Erp-Pass-9"


@pytest.mark.parametrize("cls", ["LeakyErp", "LeakyProfileErp"])
def test_a_connector_error_never_shows_the_erp_password(cls: str) -> None:
    settings = Settings(erp_connector=f"tests.connectors.custom_pkg.leaky:{cls}", erp_password=SECRET)
    with pytest.raises(ConfigError) as caught:
        build_erp(settings)
    message = str(caught.value)
    assert SECRET not in message and "***" in message
    assert message.startswith("MIDDLEWARE_ERP_") and "\n" not in message
