"""Shared fixtures: loopback-only network, a fresh database per test (SQLite or PostgreSQL)."""

from __future__ import annotations

import ipaddress
import os
import socket
from collections.abc import Iterator

import pytest

TEST_DATABASE_URL = os.environ.get("MIDDLEWARE_TEST_DATABASE_URL")

_real_connect = socket.socket.connect


def _is_loopback(address: object) -> bool:
    if isinstance(address, tuple) and address:
        host = str(address[0])
        if host == "localhost":
            return True
        try:
            return ipaddress.ip_address(host).is_loopback
        except ValueError:
            return False
    return True  # unix sockets (PostgreSQL's local socket) are local


@pytest.fixture(autouse=True)
def _loopback_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Refuse any connection that leaves this machine."""

    def guarded(self: socket.socket, address: object) -> object:
        if not _is_loopback(address):
            raise ConnectionRefusedError(f"test tried to reach non-loopback address {address!r}")
        return _real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)


def stamp_head(url: str) -> None:
    """Mark the fresh schema as migrated, as `serve` and `worker` insist."""
    from middleware.store.migrate import stamp_head as stamp

    stamp(url)


def reset_postgres(url: str) -> None:
    """Drop and recreate every table of the middleware on the test PostgreSQL."""
    from middleware.store import tables  # noqa: F401
    from middleware.store.db import make_engine, metadata

    engine = make_engine(url, pool_size=1, max_overflow=0)
    try:
        metadata.drop_all(engine)
        with engine.begin() as conn:
            conn.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
        metadata.create_all(engine)
    finally:
        engine.dispose()
    stamp_head(url)


@pytest.fixture
def database_url(tmp_path) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """A fresh, empty database with the schema created: PostgreSQL when configured, else SQLite."""
    if TEST_DATABASE_URL:
        reset_postgres(TEST_DATABASE_URL)
        yield TEST_DATABASE_URL
        return
    url = f"sqlite:///{tmp_path / 'middleware.db'}"
    from middleware.store.db import Database

    db = Database(url)
    db.create_all()
    db.dispose()
    stamp_head(url)  # the schema equals the migrations' (tests/scale/test_migrations.py proves it)
    yield url
