"""`orders retry ORDER_NUMBER | --all-failed`, `orders show`, and `worker` (delivery, jobs until SIGTERM)."""

from __future__ import annotations

import argparse
import sys
import threading

from ..config import Settings
from ..errors import Conflict, NotFound
from ..web import raise_on_sigterm
from ..wiring import build_container


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the `orders` and `worker` commands."""
    orders = subparsers.add_parser("orders", help="inspect and replay orders")
    commands = orders.add_subparsers(dest="orders_command", metavar="ACTION", required=True)
    retry = commands.add_parser("retry", help="send an order (or every failed one) to the ERP again")
    target = retry.add_mutually_exclusive_group(required=True)
    target.add_argument("order_number", nargs="?", help="the shop's order number")
    target.add_argument("--all-failed", action="store_true", help="every rejected or needs-attention order")
    retry.add_argument("--actor", default="cli", help="who asked (recorded in the order history)")
    retry.set_defaults(func=run_retry)
    show = commands.add_parser("show", help="print an order's status and history")
    show.add_argument("order_number")
    show.set_defaults(func=run_show)
    worker = subparsers.add_parser("worker", help="deliver orders and run scheduled jobs until SIGTERM")
    worker.set_defaults(func=run_worker)


def run_retry(args: argparse.Namespace) -> int:
    """Requeue one order or every failed one; the worker (or web process) sends them."""
    container = build_container(Settings.from_env())
    try:
        if args.all_failed:
            numbers = container.orders.retry_all_failed(actor=args.actor)
            print(f"requeued {len(numbers)} order(s){': ' + ', '.join(numbers) if numbers else ''}")
            return 0
        try:
            status = container.orders.retry(args.order_number, actor=args.actor)
        except (NotFound, Conflict) as exc:
            print(exc.message, file=sys.stderr)
            return 1
        print(f"order {args.order_number} requeued (status {status.value})")
        return 0
    finally:
        container.close()


def run_show(args: argparse.Namespace) -> int:
    """Print the order's status and its history."""
    container = build_container(Settings.from_env())
    try:
        record, events = container.orders.get(args.order_number)
    except NotFound as exc:
        print(exc.message, file=sys.stderr)
        return 1
    finally:
        container.close()
    print(f"{record.order_number}: {record.status.value}  ERP {record.erp_order_number or '-'}")
    for event in events:
        status = event.status.value if event.status else ""
        print(f"  {event.at.isoformat()}  {event.kind:<16} {status:<16} {event.detail}")
    return 0


def run_worker(args: argparse.Namespace) -> int:
    """Run the background components (delivery worker, scheduler) until SIGINT or SIGTERM."""
    from .serve import configure_logging, schema_is_current, secrets_are_safe

    settings = Settings.from_env()
    if not secrets_are_safe(settings):
        return 2
    configure_logging(settings)
    if not schema_is_current(settings):
        return 2
    container = build_container(settings)
    try:
        container.start_background()
        raise_on_sigterm()
        print(f"worker running ({container.delivery_worker.owner}); stop with SIGTERM", flush=True)
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        container.close()
    return 0
