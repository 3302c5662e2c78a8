"""`shop-demo`: the reference ERP, the middleware and a django-oscar shop on SQLite, wired together."""

from __future__ import annotations

import argparse
import dataclasses
import os
import shutil
import sys
import threading
from pathlib import Path
from typing import Any

from ..app import create_app
from ..store.migrate import upgrade
from ..web import WebServer
from ..wiring import build_container
from .demo import demo_settings, fresh_database
from .serve import configure_logging

WEBHOOK_SECRET = "shop-demo-webhook-secret"  # noqa: S105  (a demo value, printed like the other demo secrets)
SEND_INTERVAL_SECONDS = 5.0


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the `shop-demo` command."""
    parser = subparsers.add_parser(
        "shop-demo", help="reference ERP + middleware + a django-oscar shop (needs the oscar extra)"
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8000, help="middleware port (default 8000)")
    parser.add_argument("--erp-port", type=int, default=8001, help="reference ERP port (default 8001)")
    parser.add_argument("--shop-port", type=int, default=8002, help="Oscar shop port (default 8002)")
    parser.add_argument("--data-dir", default="var", help="folder for the SQLite databases (default ./var)")
    parser.add_argument(
        "--erp-progress-seconds",
        type=float,
        default=30.0,
        help="the reference ERP ships, then invoices, each order after this many seconds",
    )
    parser.set_defaults(func=run_shop_demo)


def _start_shop(args: argparse.Namespace, middleware_url: str, api_key: str) -> Any:
    """Django for the plugin's demo project: migrated, catalogue and accounts loaded; returns the WSGI app."""
    os.environ.update(
        DJANGO_SETTINGS_MODULE="oscar_erp.demo.settings",
        OSCAR_DEMO_DATA_DIR=str(Path(args.data_dir, "shop").resolve()),
        OSCAR_ERP_URL=middleware_url,
        OSCAR_ERP_API_KEY=api_key,
        OSCAR_ERP_WEBHOOK_SECRET=WEBHOOK_SECRET,
        OSCAR_ERP_RETRY_SECONDS=str(SEND_INTERVAL_SECONDS),
    )
    shutil.rmtree(Path(args.data_dir, "shop"), ignore_errors=True)  # fresh, like the ERP and the middleware
    Path(args.data_dir, "shop").mkdir(parents=True)
    import django
    from django.contrib.staticfiles.handlers import StaticFilesHandler
    from django.core.handlers.wsgi import WSGIHandler
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    call_command("erp_demo_setup", domain=f"{args.host}:{args.shop_port}")
    return StaticFilesHandler(WSGIHandler())


def _send_queued_orders(stop: threading.Event) -> None:
    """Resend orders queued while the middleware was unreachable (what a cron job does in production)."""
    from django.db import close_old_connections
    from oscar_erp.transfer import send_due

    while not stop.wait(SEND_INTERVAL_SECONDS):
        close_old_connections()
        send_due()


def _banner(web: str, erp: str, shop: str) -> str:
    return f"""
ERP <-> shop demo with a django-oscar shop is running
  Oscar shop      {shop}/            (configure a mug: {shop}/catalogue/)
  middleware      {web}/api/v1     admin {web}/admin/
  reference ERP   {erp}/soap
Sign in to the shop as (accounts printed above):
  B2B buyer  buyer@example.com / buyer-demo-pass       -> ERP customer C10000 (group prices)
  consumer   consumer@example.com / consumer-demo-pass -> the B2C customer (gross consumer prices)
Orders go to the ERP at checkout; the ERP ships and invoices them and the shop's order status follows.
Press Ctrl-C to stop.
"""


def run_shop_demo(args: argparse.Namespace) -> int:
    """Start all three; stop all on Ctrl-C or SIGTERM."""
    try:
        import oscar_erp  # noqa: F401
    except ModuleNotFoundError:
        print("shop-demo needs the oscar extra: pip install -e '.[oscar]'", file=sys.stderr)
        return 2
    from erpsim.config import SimConfig
    from erpsim.server import SimulatorServer

    settings = demo_settings(args, dict(os.environ))
    settings = dataclasses.replace(
        settings,
        status_webhook_url=f"http://{args.host}:{args.shop_port}/erp/webhook/",
        status_webhook_secret=WEBHOOK_SECRET,
    )
    configure_logging(settings)
    Path(args.data_dir).mkdir(parents=True, exist_ok=True)
    sim = SimulatorServer(
        SimConfig(
            username=settings.erp_username,
            password=settings.erp_password,
            auto_progress_seconds=args.erp_progress_seconds or None,
            push_url=f"{settings.public_url}/soap/",
            push_username=settings.soap_username,
            push_password=settings.soap_password,
        ),
        host=args.host,
        port=args.erp_port,
    )
    fresh_database(args, dict(os.environ))
    upgrade(settings.database_url)
    container = build_container(settings)
    web = WebServer(create_app(container=container), args.host, args.port, settings.web_threads).start()
    container.catalog.sync_from_erp()
    container.start_background()
    shop = WebServer(_start_shop(args, web.url, settings.shop_api_keys[0]), args.host, args.shop_port)
    stop_sending = threading.Event()
    threading.Thread(
        target=_send_queued_orders, args=(stop_sending,), name="shop-orders", daemon=True
    ).start()

    def stop() -> None:
        print("stopping ...", flush=True)
        stop_sending.set()
        web.close()
        container.close()
        sim.stop()
        print("stopped.", flush=True)

    shop.serve_until_stopped(_banner(web.url, sim.url, shop.url), on_stop=stop)
    return 0
