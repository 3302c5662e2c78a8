"""Start the middleware (web + delivery worker) on a port and database, for kill tests and the chaos bench.

    python -m tests.orders.launcher --port 0 --database-url sqlite:///x.db --erp-endpoint http://127.0.0.1:N/soap

Other settings come from MIDDLEWARE_* variables. Prints `MIDDLEWARE READY <url>` once it serves.
"""

from __future__ import annotations

import argparse
import sys

from middleware.app import create_app
from middleware.config import Settings
from middleware.web import WebServer
from middleware.web_limits import limits_from_settings
from middleware.wiring import build_container

READY = "MIDDLEWARE READY "


def main() -> int:
    """Build, sync the catalog, start the worker, serve until SIGTERM."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--erp-endpoint", required=True)
    parser.add_argument("--no-sync", action="store_true", help="skip the catalog sync (already mirrored)")
    args = parser.parse_args()
    settings = Settings.from_env(database_url=args.database_url, erp_endpoint=args.erp_endpoint)
    container = build_container(settings, create_schema=True)
    if not args.no_sync:
        container.catalog.sync_from_erp()
    server = WebServer(
        create_app(container=container), "127.0.0.1", args.port, settings.web_threads,
        limits_from_settings(settings),
    )
    if settings.run_worker_in_web:
        container.delivery_worker.start()
    server.serve_until_stopped(READY + server.url, on_stop=container.close)
    return 0


if __name__ == "__main__":
    sys.exit(main())
