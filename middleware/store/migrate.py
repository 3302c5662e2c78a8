"""Schema migrations (Alembic) run from code: `python run.py db upgrade` and start-up checks use this."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, MetaData, inspect, text

from ..errors import MiddlewareError
from . import tables  # noqa: F401  (registers every table on the metadata)
from .db import Database, metadata

# Any fixed 64-bit number: every node that upgrades at the same moment queues on it (PostgreSQL).
_UPGRADE_LOCK_KEY = 0x6D6964646C6D6967  # "middlmig"
_VERSION_TABLE = "alembic_version"


class SchemaMismatch(MiddlewareError):
    """The database holds tables that no migration created and that differ from the code's schema."""


def script_location() -> Path:
    """The `migrations/` folder: the source tree's, else the one installed as data files."""
    source_tree = Path(__file__).resolve().parents[2]
    here = source_tree / "migrations"
    installed = Path(sys.prefix) / "share" / "erp-middleware" / "migrations"
    # a wheel install has site-packages as parents[2]: only trust it when it is really our source tree
    if (source_tree / "setup.cfg").is_file() and (here / "env.py").is_file():
        return here
    if (installed / "env.py").is_file():
        return installed
    raise MiddlewareError(f"migrations folder not found (looked in {here} and {installed})")


def alembic_config(database_url: str | None = None, connection: Connection | None = None) -> Config:
    """An Alembic configuration needing no ini file."""
    config = Config()
    config.set_main_option("script_location", str(script_location()))
    config.set_main_option("path_separator", "os")
    if database_url is not None:
        config.attributes["database_url"] = database_url
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head() -> str:
    """The newest revision the code knows."""
    revision = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if revision is None:
        raise MiddlewareError("no migration revisions found")
    return revision


def current(database_url: str) -> str | None:
    """The revision the database is at (None: never migrated)."""
    db = Database(database_url)
    try:
        with db.read() as conn:
            return MigrationContext.configure(conn).get_current_revision()
    finally:
        db.dispose()


def ensure_current(database_url: str) -> str:
    """Raise SchemaMismatch unless the database is at the code's head (start-up check of serve/worker).

    A database at a revision this code does not know is newer: during a rolling upgrade the old nodes
    keep running on the migrated schema (migrations only add), so that is allowed and reported."""
    revision, newest = current(database_url), head()
    if revision == newest:
        return f"database schema at revision {revision}"
    known = {s.revision for s in ScriptDirectory.from_config(alembic_config()).walk_revisions()}
    if revision is None or revision in known:
        raise SchemaMismatch(
            f"database schema is at revision {revision or 'none (empty)'} but this version needs {newest}: "
            "run `python run.py db upgrade` first"
        )
    return f"database schema at revision {revision}, newer than this version's {newest} (rolling upgrade)"


def differences(conn: Connection, target: MetaData = metadata) -> list[Any]:
    """What Alembic's autogenerate sees between the database and the code's metadata (empty: in step)."""
    context = MigrationContext.configure(conn, opts={"compare_type": True})
    return [diff for diff in compare_metadata(context, target) if not _is_version_table(diff)]


def check(database_url: str) -> list[Any]:
    """`differences` for a database URL."""
    db = Database(database_url)
    try:
        with db.read() as conn:
            return differences(conn)
    finally:
        db.dispose()


def _is_version_table(diff: Any) -> bool:
    return isinstance(diff, tuple) and diff[0] == "remove_table" and diff[1].name == _VERSION_TABLE


def upgrade(database_url: str, revision: str = "head") -> str | None:
    """Bring the database to `revision`; several nodes may call this at once. Returns the new revision."""
    return upgrade_from(database_url, revision)[1]


def upgrade_from(database_url: str, revision: str = "head") -> tuple[str | None, str | None]:
    """`upgrade`, returning the revisions before and after (read under the upgrade lock)."""
    db = Database(database_url)
    try:
        with db.write() as conn:
            if db.is_postgres:
                # released at commit; DDL is transactional on PostgreSQL, so a loser sees the finished schema
                conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _UPGRADE_LOCK_KEY})
            before = MigrationContext.configure(conn).get_current_revision()
            _adopt_unversioned(conn)
            command.upgrade(alembic_config(connection=conn), revision)
            return before, MigrationContext.configure(conn).get_current_revision()
    finally:
        db.dispose()


def stamp_head(database_url: str) -> None:
    """Record a database made by `create_all` (tests) as being at head, without checking it."""
    db = Database(database_url)
    try:
        with db.write() as conn:
            command.stamp(alembic_config(connection=conn), "head")
    finally:
        db.dispose()


def _adopt_unversioned(conn: Connection) -> None:
    """A database made by create_all before migrations existed is stamped if it matches the code exactly."""
    names = set(inspect(conn).get_table_names())
    if _VERSION_TABLE in names or not names & set(metadata.tables):
        return
    diffs = differences(conn)
    if diffs:
        raise SchemaMismatch(
            f"the database has tables but no migration history, and differs from this version's schema "
            f"({len(diffs)} differences, first: {diffs[0]!r}); back it up and migrate by hand"
        )
    command.stamp(alembic_config(connection=conn), "head")
