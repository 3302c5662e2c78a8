"""`serve`: the production web process (REST, SOAP, admin) on waitress."""

from __future__ import annotations

import argparse
import logging
import sys

from ..app import create_app
from ..config import Settings
from ..observability.logs import configure
from ..web import WebServer
from ..web_limits import limits_from_settings
from ..wiring import build_container

log = logging.getLogger(__name__)


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the `serve` command."""
    parser = subparsers.add_parser("serve", help="run the web process (REST, SOAP, admin)")
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8000, help="port to bind (default 8000)")
    parser.add_argument(
        "--with-worker",
        action="store_true",
        help="also deliver orders and run scheduled jobs in this process",
    )
    parser.set_defaults(func=run_serve)


def configure_logging(settings: Settings) -> None:
    """Log to stderr in the configured format (text or JSON lines), secrets masked."""
    configure(settings)


def schema_is_current(settings: Settings) -> bool:
    """Check the database is migrated (production never creates tables itself); explain if not."""
    from ..store.migrate import SchemaMismatch, ensure_current

    try:
        log.info(ensure_current(settings.database_url))
    except SchemaMismatch as exc:
        print(f"refusing to start: {exc}", file=sys.stderr)
        return False
    return True


def secrets_are_safe(settings: Settings) -> bool:
    """Refuse (one line on stderr) demo secrets, a weak session key or a short admin password."""
    problems = settings.unsafe_secrets()
    if problems:
        print(
            f"refusing to start: {'; '.join(problems)}; set real secrets (or use `python run.py demo`)",
            file=sys.stderr,
        )
    return not problems


def run_serve(args: argparse.Namespace) -> int:
    """Serve until SIGINT or SIGTERM; refuses demo or weak secrets."""
    settings = Settings.from_env(run_worker_in_web=args.with_worker)
    if not secrets_are_safe(settings):
        return 2
    configure_logging(settings)
    if not schema_is_current(settings):
        return 2
    container = build_container(settings)
    server = WebServer(
        create_app(container=container), args.host, args.port, settings.web_threads,
        limits_from_settings(settings),
    )
    if args.with_worker:
        container.start_background()
    else:
        container.start_listeners()  # cross-node price invalidation reaches every web process
    server.serve_until_stopped(f"serving on {server.url}", on_stop=container.close)
    return 0
