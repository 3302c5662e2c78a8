"""Migrations build exactly the schema the code declares, on SQLite and on PostgreSQL."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Column, Integer, MetaData, Table, create_engine, text

from middleware.cli import main
from middleware.store import migrate
from middleware.store.db import Database, metadata

PG_URL = os.environ.get("MIDDLEWARE_TEST_DATABASE_URL")
SCHEMA = "migration_check"
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def sqlite_url(tmp_path) -> str:  # type: ignore[no-untyped-def]
    """An empty SQLite file."""
    return f"sqlite:///{tmp_path / 'empty.db'}"


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """The test PostgreSQL, with its search path set to a schema of its own, emptied first."""
    if not PG_URL:
        pytest.skip("MIDDLEWARE_TEST_DATABASE_URL is not set (PostgreSQL migration check skipped)")
    admin = create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
        conn.execute(text(f"CREATE SCHEMA {SCHEMA}"))
    separator = "&" if "?" in PG_URL else "?"
    yield f"{PG_URL}{separator}options=-csearch_path%3D{SCHEMA}"
    with admin.begin() as conn:
        conn.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
    admin.dispose()


def _differences(url: str, target: MetaData = metadata) -> list[object]:
    db = Database(url)
    try:
        with db.read() as conn:
            return migrate.differences(conn, target)
    finally:
        db.dispose()


def test_upgrading_an_empty_sqlite_database_yields_exactly_the_declared_schema(sqlite_url: str) -> None:
    assert migrate.upgrade(sqlite_url) == migrate.head()
    assert _differences(sqlite_url) == []


def test_upgrading_an_empty_postgresql_schema_yields_exactly_the_declared_schema(postgres_url: str) -> None:
    assert migrate.upgrade(postgres_url) == migrate.head()
    assert _differences(postgres_url) == []
    assert migrate.upgrade(postgres_url) == migrate.head()  # a second node's upgrade is a no-op


def test_a_table_declared_without_a_migration_is_reported(sqlite_url: str) -> None:
    migrate.upgrade(sqlite_url)
    extended = MetaData()
    for table in metadata.tables.values():
        table.to_metadata(extended)
    Table("added_without_migration", extended, Column("id", Integer, primary_key=True))
    diffs = _differences(sqlite_url, extended)
    assert [d[0] for d in diffs] == ["add_table"]  # type: ignore[index]


def test_a_database_made_by_create_all_is_adopted_without_touching_its_data(sqlite_url: str) -> None:
    db = Database(sqlite_url)
    db.create_all()
    db.dispose()
    assert migrate.current(sqlite_url) is None
    assert migrate.upgrade(sqlite_url) == migrate.head()


def test_an_unversioned_database_that_differs_is_refused(sqlite_url: str) -> None:
    engine = create_engine(sqlite_url)
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE outbox (id INTEGER PRIMARY KEY)"))
    engine.dispose()
    with pytest.raises(migrate.SchemaMismatch, match="no migration history"):
        migrate.upgrade(sqlite_url)


def test_the_db_commands_upgrade_report_and_check(sqlite_url: str, capsys) -> None:
    assert main(["db", "--url", sqlite_url, "current"]) == 0
    assert "database: empty" in capsys.readouterr().out
    assert main(["db", "--url", sqlite_url, "upgrade"]) == 0
    assert main(["db", "--url", sqlite_url, "check"]) == 0
    assert main(["db", "--url", sqlite_url, "current"]) == 0
    assert "up to date" in capsys.readouterr().out


def test_start_up_is_refused_until_the_database_is_migrated(sqlite_url: str) -> None:
    with pytest.raises(migrate.SchemaMismatch, match=r"run `python run\.py db upgrade`"):
        migrate.ensure_current(sqlite_url)
    migrate.upgrade(sqlite_url)
    assert "at revision" in migrate.ensure_current(sqlite_url)


def test_an_old_node_may_start_on_a_schema_migrated_by_a_newer_version(sqlite_url: str) -> None:
    migrate.upgrade(sqlite_url)
    engine = create_engine(sqlite_url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = 'f00dfeed'"))
    engine.dispose()
    assert "rolling upgrade" in migrate.ensure_current(sqlite_url)


def test_nodes_upgrading_at_the_same_moment_queue_and_all_succeed(postgres_url: str) -> None:
    command = [sys.executable, str(ROOT / "run.py"), "db", "--url", postgres_url, "upgrade"]
    procs = [subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
             for _ in range(3)]
    outputs = [proc.communicate(timeout=60)[0].decode() for proc in procs]
    assert [proc.returncode for proc in procs] == [0, 0, 0], outputs
    assert sum("(was empty)" in out for out in outputs) == 1, outputs  # exactly one did the work
    assert _differences(postgres_url) == []
