"""`erp-sim`: a simulated ERP alone (`--dialect reference|nav|x3`) for `serve` and `worker` to use."""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the `erp-sim` command; its options are those of `python -m erpsim`."""
    parser = subparsers.add_parser(
        "erp-sim",
        help="run a simulated ERP alone: --dialect reference|nav|x3 (options: python -m erpsim --help)",
        add_help=False,
    )
    parser.set_defaults(func=lambda _args: run_erp_sim([]))


def run_erp_sim(options: list[str]) -> int:
    """Serve the simulated ERP until Ctrl-C or SIGTERM; `options` (incl. --dialect) go to erpsim's parser."""
    from erpsim.__main__ import main

    main(options)
    return 0
