"""Schemathesis against the served OpenAPI document: no server errors, every response matches its schema."""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from .conftest import AUTH

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


def test_the_api_honours_its_own_openapi_document(client, container) -> None:  # type: ignore[no-untyped-def]
    container.catalog.sync_from_erp()  # so that some product lookups succeed
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", client.application)
    mine = {"/api/v1/prices", "/api/v1/products", "/api/v1/products/{sku}"}  # the orders tests fuzz theirs
    operations = [result.ok() for result in schema.get_all_operations()]
    operations = [op for op in operations if op.path in mine]
    assert {op.path for op in operations} == mine
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=20, deadline=None, database=None,
                  suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
        def exercise(case) -> None:  # type: ignore[no-untyped-def]
            case.call_and_validate(headers=AUTH, checks=CHECKS)

        exercise()
