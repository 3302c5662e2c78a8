"""`erp-sim`: erpsim alone (`--dialect reference|nav`), so `serve` and `worker` can point at it."""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the `erp-sim` command; its options are those of `python -m erpsim`."""
    parser = subparsers.add_parser(
        "erp-sim",
        help="run erpsim alone, --dialect reference|nav (options: `python -m erpsim --help`)",
        add_help=False,
    )
    parser.set_defaults(func=lambda _args: run_erp_sim([]))


def run_erp_sim(options: list[str]) -> int:
    """Serve the reference ERP until Ctrl-C or SIGTERM; `options` go to erpsim's own parser."""
    from erpsim.__main__ import main

    main(options)
    return 0
