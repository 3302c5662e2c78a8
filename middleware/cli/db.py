"""`db`: schema migrations (`db upgrade` before starting a new version; `db current`; `db check`)."""

from __future__ import annotations

import argparse
import sys

from ..config import Settings


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the `db` command group."""
    parser = subparsers.add_parser("db", help="database schema migrations (Alembic)")
    parser.add_argument("--url", help="database URL (default: MIDDLEWARE_DATABASE_URL)")
    commands = parser.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    upgrade = commands.add_parser("upgrade", help="migrate the database to the newest (or a given) revision")
    upgrade.add_argument("revision", nargs="?", default="head", help="target revision (default head)")
    upgrade.set_defaults(func=run_upgrade)
    current = commands.add_parser("current", help="show the database's revision and the code's")
    current.set_defaults(func=run_current)
    commands.add_parser(
        "check", help="exit 1 if the database schema differs from the code's tables"
    ).set_defaults(func=run_check)


def _url(args: argparse.Namespace) -> str:
    return str(args.url or Settings.from_env().database_url)


def run_upgrade(args: argparse.Namespace) -> int:
    """Apply pending migrations."""
    from ..store import migrate

    before, after = migrate.upgrade_from(_url(args), args.revision)
    print(f"database at revision {after} (was {before or 'empty'})")
    return 0


def run_current(args: argparse.Namespace) -> int:
    """Print the database's revision and the newest one the code has."""
    from ..store import migrate

    revision = migrate.current(_url(args))
    head = migrate.head()
    state = "up to date" if revision == head else "run `db upgrade`"
    print(f"database: {revision or 'empty'}  code: {head}  ({state})")
    return 0


def run_check(args: argparse.Namespace) -> int:
    """Compare the live schema with the code's metadata."""
    from ..store import migrate

    diffs = migrate.check(_url(args))
    for diff in diffs:
        print(diff, file=sys.stderr)
    print("schema matches the code" if not diffs else f"{len(diffs)} differences")
    return 1 if diffs else 0
