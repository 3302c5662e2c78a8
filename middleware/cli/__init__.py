"""The `middleware` / `python run.py` command line: one module per command group."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from ..errors import ConfigError

# Each module has register(subparsers) adding its commands; a command's handler is args.func(args) -> int.
COMMAND_MODULES = ["demo", "serve", "orders", "reconcile", "db", "wsdl", "erp_sim", "erp_check", "shop_demo"]


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every command group registered."""
    parser = argparse.ArgumentParser(
        prog="middleware", description="ERP <-> web shop integration middleware"
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(f"{__name__}.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"{__name__}.{name}":
                raise
            continue
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; without a command it runs the demo."""
    words = list(sys.argv[1:] if argv is None else argv)
    if not words or (words[0].startswith("-") and words[0] not in {"-h", "--help"}):
        words = ["demo", *words]
    if words[0] == "erp-sim":  # its options belong to erpsim's own parser
        from .erp_sim import run_erp_sim

        return run_erp_sim(words[1:])
    args = build_parser().parse_args(words)
    try:
        return int(args.func(args) or 0)
    except ConfigError as exc:
        print(f"configuration error: {exc}", file=sys.stderr)
        return 2
