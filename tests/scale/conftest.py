"""Fixtures of the scale tests: the reference ERP in its own process, a migrated PostgreSQL schema."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from . import cluster

PG_URL = os.environ.get("MIDDLEWARE_TEST_DATABASE_URL")


@pytest.fixture
def erp() -> Iterator[Any]:
    """The reference ERP (erpsim) as a subprocess; .soap_url, .control_url."""
    sim = cluster.start_erp()
    yield sim
    sim.stop()


@pytest.fixture
def pg_schema() -> Iterator[Callable[[str], str]]:
    """Make fresh, migrated schemas on the test PostgreSQL: a URL whose search path is the schema."""
    if not PG_URL:
        pytest.skip("MIDDLEWARE_TEST_DATABASE_URL is not set (needs PostgreSQL)")
    made: list[str] = []

    def make(name: str) -> str:
        made.append(name)
        return cluster.schema_url(PG_URL, name)

    yield make
    for name in made:
        cluster.drop_schema(PG_URL, name)
