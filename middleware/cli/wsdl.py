"""`export-wsdl [PATH]`: write the WSDL of the SOAP service the ERP calls (as /soap/?wsdl serves it)."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..config import PACKAGE_ROOT, Settings

DEFAULT_PATH = PACKAGE_ROOT.parent / "wsdl" / "middleware.wsdl"


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the export-wsdl command."""
    parser = subparsers.add_parser("export-wsdl", help="write the served WSDL (default wsdl/middleware.wsdl)")
    parser.add_argument("path", nargs="?", default=str(DEFAULT_PATH), help="file to write ('-' for stdout)")
    parser.add_argument(
        "--public-url",
        default=None,
        help="base URL announced as the service address (default: MIDDLEWARE_PUBLIC_URL or its default)",
    )
    parser.set_defaults(func=export_wsdl)


def export_wsdl(args: argparse.Namespace) -> int:
    """Write the WSDL to args.path."""
    from ..soap.service.server import wsdl_document

    public_url = args.public_url or Settings.from_env().public_url
    document = wsdl_document(public_url)
    if args.path == "-":
        print(document.decode("utf-8"), end="")
        return 0
    path = Path(args.path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(document)
    print(f"wrote {path} ({len(document)} bytes, service address {public_url.rstrip('/')}/soap/)")
    return 0
