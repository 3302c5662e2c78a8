"""`erp check`: load the configured connector and profile, ask it to check its ERP, print a plain report."""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Sequence

from ..config import Settings
from ..errors import ConfigError
from ..ports.erp import CheckItem, Erp
from ..soap.connectors.registry import BUILT_IN

MASK = "***"
USERINFO = re.compile(r"://[^/@\s]*@")


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the `erp check` command."""
    erp = subparsers.add_parser("erp", help="the ERP connector")
    commands = erp.add_subparsers(dest="erp_command", metavar="ACTION", required=True)
    check = commands.add_parser(
        "check",
        help="load connector and profile, fetch the WSDLs, make one harmless call (exit 1 on a problem)",
    )
    check.set_defaults(func=run_check)


def without_userinfo(text: str) -> str:
    """The text with the user:password@ part of every URL in it dropped."""
    return USERINFO.sub("://", text)


def _checked(erp: Erp) -> Sequence[CheckItem]:
    """The connector's own check; a connector breaking its promise never to raise still gives a report."""
    try:
        return list(erp.check())
    except Exception as exc:  # a company's connector may fail in any way: report it as one line
        return [CheckItem("check", False, f"the connector's check() raised {type(exc).__name__}")]


def report(settings: Settings, erp: Erp, items: Sequence[CheckItem]) -> list[str]:
    """The report's lines: what was loaded, then one line per check item."""
    name = settings.erp_connector
    target = BUILT_IN.get(name.strip())
    lines = [
        f"connector: {name}" + (f" ({target})" if target else ""),
        f"profile:   {settings.erp_profile or '(none)'}",
        f"endpoint:  {without_userinfo(str(erp.endpoint))}",
    ]
    width = max((len(item.name) for item in items), default=0)
    lines += [f"{'ok  ' if item.ok else 'FAIL'}  {item.name:<{width}}  {item.detail}" for item in items]
    problems = sum(not item.ok for item in items)
    if not items:
        lines.append("FAIL: the connector reported no checks")
    else:
        lines.append(f"{problems} problem(s) found" if problems else "all checks passed")
    return lines


def masked(line: str, secrets: Sequence[str]) -> str:
    """The line without URL credentials or any secret (a last guard: connectors already keep them out)."""
    line = without_userinfo(line)
    for secret in secrets:
        if secret:
            line = line.replace(secret, MASK)
    return line


def run_check(args: argparse.Namespace) -> int:
    """Print the report; 0 when every item is ok, 1 otherwise (also when the connector cannot be built)."""
    from ..wiring.erp import build_erp

    try:
        settings = Settings.from_env()
        erp = build_erp(settings)
    except ConfigError as exc:
        secret = os.environ.get("MIDDLEWARE_ERP_PASSWORD", "")
        print(masked(f"erp check: cannot load the connector: {exc}", [secret]), file=sys.stderr)
        return 1
    try:
        items = _checked(erp)
        lines = report(settings, erp, items)
    finally:
        erp.close()
    for line in lines:
        print(masked(line, [settings.erp_password]))
    return 0 if items and all(item.ok for item in items) else 1
