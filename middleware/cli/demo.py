"""`demo`: the reference ERP and the middleware on one machine, SQLite under ./var/, demo data loaded."""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

from ..app import create_app
from ..config import PREFIX, Settings
from ..store.migrate import upgrade
from ..web import WebServer
from ..web_limits import limits_from_settings
from ..wiring import build_container
from .serve import configure_logging

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "profiles"
# --erp: erpsim's dialect and the settings of the connector that talks to it (x3 polls, so no push)
DEMO_ERPS: dict[str, dict[str, str]] = {
    "reference": {},
    "x3": {"erp_connector": "x3", "erp_profile": str(EXAMPLES / "x3.toml")},
    "nav": {"erp_connector": "nav", "erp_profile": str(EXAMPLES / "nav.toml")},
}


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the `demo` command."""
    parser = subparsers.add_parser(
        "demo", help="run the reference ERP and the middleware with demo data (the default command)"
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8000, help="middleware port (default 8000)")
    parser.add_argument("--erp-port", type=int, default=8001, help="reference ERP port (default 8001)")
    parser.add_argument("--erp", choices=sorted(DEMO_ERPS), default="reference", help="which simulated ERP")
    parser.add_argument("--data-dir", default="var", help="folder for the SQLite database (default ./var)")
    parser.add_argument(
        "--erp-progress-seconds",
        type=float,
        default=30.0,
        help="the reference ERP ships, then invoices, each order after this many seconds (0: never)",
    )
    parser.set_defaults(func=run_demo)


def demo_settings(args: argparse.Namespace, environ: dict[str, str]) -> Settings:
    """Demo defaults, each overridden by its MIDDLEWARE_* variable when set."""
    erp = getattr(args, "erp", "reference")
    path = "/soap"
    if erp == "x3":
        from erpsim.x3.app import PATHS

        path = PATHS["v7"]
    elif erp == "nav":
        path = "/DynamicsNAV90"  # the profile's base_url: <server>/<instance>
    defaults = {
        "database_url": f"sqlite:///{Path(args.data_dir).resolve() / 'middleware.db'}",
        "erp_endpoint": f"http://{args.host}:{args.erp_port}{path}",
        "public_url": f"http://{args.host}:{args.port}",
        **DEMO_ERPS[erp],
    }
    overrides = {k: v for k, v in defaults.items() if PREFIX + k.upper() not in environ}
    return Settings.from_env(environ, **overrides)


def fresh_database(args: argparse.Namespace, environ: dict[str, str]) -> str:
    """Delete the demo's own SQLite file: its reference ERP starts empty, so old orders would be re-sent.

    A database named by MIDDLEWARE_DATABASE_URL is the user's and is kept. Returns the banner's note.
    """
    if PREFIX + "DATABASE_URL" in environ:
        return "kept (MIDDLEWARE_DATABASE_URL); the reference ERP starts empty and knows none of its orders"
    path = Path(args.data_dir).resolve() / "middleware.db"
    for leftover in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        leftover.unlink(missing_ok=True)
    return "fresh: emptied at each start, like the reference ERP's in-memory orders"


def _banner(settings: Settings, web: str, erp: str, database_note: str, dialect: str = "reference") -> str:
    key = settings.shop_api_keys[0]
    query = (
        '{"customer_id": "C10000", "currency": "EUR", "items": [{"line_ref": "1", "sku": "MUG-01", '
        '"quantity": 60, "options": {"color": "gold", "engraving": "Happy Birthday"}}]}'
    )
    return f"""
ERP <-> shop middleware demo is running
  shop REST API   {web}/api/v1    (docs: {web}/api/docs)
  admin page      {web}/admin/    user {settings.admin_username!r} password {settings.admin_password!r}
  SOAP for ERP    {web}/soap/     WSDL {web}/soap/?wsdl
                  user {settings.soap_username!r} password {settings.soap_password!r}
  simulated ERP   {erp}     WSDL {erp}?wsdl   ({dialect} dialect)
                  user {settings.erp_username!r} password {settings.erp_password!r}
  shop API key    {key}
  database        {settings.database_url}
                  ({database_note})

Try:
  curl -s -X POST {web}/api/v1/prices -H 'Authorization: Bearer {key}' \\
    -H 'Content-Type: application/json' -d '{query}'

Press Ctrl-C to stop.
"""


def _simulator(erp: str, config: Any) -> Any:
    """erpsim's app for the chosen dialect."""
    if erp == "x3":
        from erpsim.x3.app import make_app as make_x3_app

        return make_x3_app(config, version="v7")
    if erp == "nav":
        from erpsim.nav.app import make_app as make_nav_app

        return make_nav_app(replace(config, push_url=None))  # NAV pushes nothing: the middleware polls
    from erpsim.app import make_app

    return make_app(config)


def run_demo(args: argparse.Namespace) -> int:
    """Start the reference ERP and the middleware; stop both on Ctrl-C or SIGTERM."""
    from erpsim.config import SimConfig
    from erpsim.server import SimulatorServer

    settings = demo_settings(args, dict(os.environ))
    configure_logging(settings)
    Path(args.data_dir).mkdir(parents=True, exist_ok=True)
    sim_config = SimConfig(
        username=settings.erp_username,
        password=settings.erp_password,
        auto_progress_seconds=args.erp_progress_seconds or None,
        push_url=None if args.erp == "x3" else f"{settings.public_url}/soap/",
        push_username=settings.soap_username,
        push_password=settings.soap_password,
    )
    try:
        sim = SimulatorServer(host=args.host, port=args.erp_port, app=_simulator(args.erp, sim_config))
    except OSError as exc:
        print(f"cannot start the reference ERP on {args.host}:{args.erp_port}: {exc}", file=sys.stderr)
        return 1
    database_note = fresh_database(args, dict(os.environ))
    upgrade(settings.database_url)  # the demo migrates its own SQLite file; `serve` expects `db upgrade`
    container = build_container(settings)
    try:
        web = WebServer(
            create_app(container=container), args.host, args.port, settings.web_threads,
            limits_from_settings(settings),
        )
    except OSError as exc:
        sim.stop()
        container.close()
        print(f"cannot listen on {args.host}:{args.port}: {exc}", file=sys.stderr)
        return 1
    container.catalog.sync_from_erp()
    container.start_background()

    def stop() -> None:
        print("stopping ...", flush=True)
        container.close()
        sim.stop()
        print("stopped.", flush=True)

    nav_path = getattr(sim.app, "base_path", None)  # nav: /<instance>/WS/<company>
    erp_url = f"{sim.url}{nav_path()}/Page/SalesOrder" if nav_path else sim.soap_url
    web.serve_until_stopped(_banner(settings, web.url, erp_url, database_note, args.erp), on_stop=stop)
    return 0
