"""Settings come from MIDDLEWARE_* variables; a bad value names the variable."""

from decimal import Decimal

import pytest

from middleware.config import Settings
from middleware.errors import ConfigError


def test_defaults_are_usable_for_the_demo():
    settings = Settings.from_env({})
    assert settings.price_cache_ttl == 60
    assert settings.erp_endpoint.startswith("http://127.0.0.1")
    assert settings.demo_secrets_in_use()


def test_every_variable_is_read_by_its_exact_name():
    settings = Settings.from_env(
        {
            "MIDDLEWARE_DATABASE_URL": "postgresql+psycopg://u@db/x",
            "MIDDLEWARE_ERP_ENDPOINT": "https://erp.example.test/soap/",
            "MIDDLEWARE_ERP_USERNAME": "svc",
            "MIDDLEWARE_ERP_PASSWORD": "s3cret-erp",
            "MIDDLEWARE_SHOP_API_KEYS": "key-one-123, key-two-456",
            "MIDDLEWARE_SOAP_USERNAME": "erpuser",
            "MIDDLEWARE_SOAP_PASSWORD": "s3cret-soap",
            "MIDDLEWARE_ADMIN_USERNAME": "root",
            "MIDDLEWARE_ADMIN_PASSWORD": "s3cret-admin",
            "MIDDLEWARE_PRICE_CACHE_TTL": "30",
            "MIDDLEWARE_ERP_READ_TIMEOUT": "2.5",
            "MIDDLEWARE_PRICE_TOLERANCE": "0.05",
        }
    )
    assert settings.database_url == "postgresql+psycopg://u@db/x"
    assert settings.erp_endpoint == "https://erp.example.test/soap"
    assert settings.shop_api_keys == ("key-one-123", "key-two-456")
    assert settings.price_cache_ttl == 30
    assert settings.erp_read_timeout == 2.5
    assert settings.price_tolerance == Decimal("0.05")
    assert settings.demo_secrets_in_use() == []


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("MIDDLEWARE_PRICE_CACHE_TTL", "soon"),
        ("MIDDLEWARE_PRICE_CACHE_TTL", "-1"),
        ("MIDDLEWARE_ERP_ENDPOINT", "ftp://erp"),
        ("MIDDLEWARE_ERP_READ_TIMEOUT", "0"),
        ("MIDDLEWARE_SHOP_API_KEYS", " , "),
        ("MIDDLEWARE_ORDER_DELIVERY", "carrier-pigeon"),
        ("MIDDLEWARE_ERP_WSDL", "/nonexistent/erp.wsdl"),
        ("MIDDLEWARE_PRICE_TOLERANCE", "lots"),
    ],
)
def test_a_bad_value_stops_start_up_naming_the_variable(variable, value):
    with pytest.raises(ConfigError) as caught:
        Settings.from_env({variable: value})
    assert caught.value.variable == variable
    assert str(caught.value).startswith(variable)


def test_public_view_masks_secrets():
    settings = Settings.from_env({"MIDDLEWARE_ADMIN_PASSWORD": "top-secret-value"})
    view = settings.public_view()
    assert view["admin_password"] == "***"
    assert "top-secret-value" not in repr(view)
    assert view["admin_username"] == "admin"
