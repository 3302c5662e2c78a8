"""Engine, shared metadata and transactions (SQLite: WAL, BEGIN IMMEDIATE for writes)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, MetaData, create_engine, event
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import make_url

from ..errors import StoreUnavailable

# what a database says when it cannot take work right now: locked past the busy timeout, read-only, disk full,
# gone, or no pooled connection free in time; callers answer 503 + Retry-After instead of a bare 500
_UNAVAILABLE = (sa_exc.OperationalError, sa_exc.InternalError, sa_exc.TimeoutError)

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)


def _prepare_sqlite(engine: Engine) -> None:
    # pysqlite's own transaction handling defers BEGIN and cannot take a write lock up front;
    # we emit BEGIN ourselves (SQLAlchemy's documented recipe) so writers queue instead of deadlocking.
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        immediate = conn.get_execution_options().get("sqlite_immediate", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def make_engine(url: str, **kwargs: Any) -> Engine:
    """Create an engine; SQLite files get their folder created and safe concurrency settings."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30}, **kwargs)
        _prepare_sqlite(engine)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    kwargs.setdefault("pool_size", 10)
    kwargs.setdefault("max_overflow", 20)
    return create_engine(url, **kwargs)


class Database:
    """One engine and the transactions the repositories run in."""

    def __init__(self, url: str, **engine_kwargs: Any) -> None:
        self.url = url
        self.engine = make_engine(url, **engine_kwargs)
        self.is_sqlite = self.engine.dialect.name == "sqlite"
        self.is_postgres = self.engine.dialect.name == "postgresql"
        self._lock = threading.Lock()
        self._write_failure: tuple[float, str] | None = None  # (monotonic, reason) until a write succeeds

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """A read-write transaction, committed on success, rolled back on error (StoreUnavailable: retry)."""
        try:
            with self.engine.connect() as conn:
                if self.is_sqlite:
                    conn = conn.execution_options(sqlite_immediate=True)
                with conn.begin():
                    yield conn
        except _UNAVAILABLE as exc:
            reason = _reason(exc)
            with self._lock:
                self._write_failure = (time.monotonic(), reason)
            raise StoreUnavailable(f"database write failed: {reason}") from exc
        with self._lock:
            self._write_failure = None

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A read-only transaction (StoreUnavailable when the database cannot answer)."""
        try:
            with self.engine.connect() as conn, conn.begin():
                yield conn
        except _UNAVAILABLE as exc:
            raise StoreUnavailable(f"database read failed: {_reason(exc)}") from exc

    def write_failure(self, within: float) -> str | None:
        """Why the last write failed, if it did within `within` seconds and none succeeded since."""
        with self._lock:
            failure = self._write_failure
        if failure is None or time.monotonic() - failure[0] > within:
            return None
        return failure[1]

    def create_all(self) -> None:
        """Create every table (tests and the embedded demo; production uses migrations)."""
        from . import tables  # noqa: F401  (registers every table on the metadata)

        metadata.create_all(self.engine)

    def ping(self) -> None:
        """Raise if the database cannot be reached (callers bound the wait: a blocked pool waits long)."""
        with self.engine.connect() as conn:
            conn.exec_driver_sql("SELECT 1")

    def dispose(self) -> None:
        """Close all pooled connections."""
        self.engine.dispose()


def _reason(exc: Exception) -> str:
    """The driver's first line (e.g. 'database is locked'), without SQL or parameters."""
    original = getattr(exc, "orig", None) or exc
    return (str(original).strip().splitlines() or [type(original).__name__])[0][:200]
