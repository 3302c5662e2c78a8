"""Which erpsim dialect the demo runs (`demo --erp reference|nav`) and how the middleware reaches it."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
DIALECTS = ("reference", "nav")
NAV_PROFILE = ROOT / "examples" / "profiles" / "nav.toml"


def erp_settings(erp: str, host: str, port: int, data_dir: str) -> dict[str, str]:
    """Settings defaults for the dialect: connector, profile (a copy of the example), endpoint."""
    if erp != "nav":
        return {"erp_endpoint": f"http://{host}:{port}/soap"}
    profile = Path(data_dir).resolve() / "nav.toml"
    shutil.copyfile(NAV_PROFILE, profile)
    return {
        "erp_connector": "nav",
        "erp_profile": str(profile),
        "erp_endpoint": f"http://{host}:{port}/DynamicsNAV90",
    }


def simulator(erp: str, config: Any) -> Any:
    """The dialect's WSGI simulator; NAV pushes no status (the middleware polls it)."""
    if erp != "nav":
        from erpsim.app import Simulator

        return Simulator(config)
    from erpsim.nav.app import NavSimulator

    return NavSimulator(replace(config, push_url=None))


def erp_banner(erp: str, url: str, sim: Any) -> str:
    """The banner's ERP lines."""
    if erp != "nav":
        return f"reference ERP   {url}/soap     WSDL {url}/soap?wsdl"
    return (
        f"NAV dialect     {url}{sim.base_path()}/Page/<Service> (WSDL: GET), .../Codeunit/B2BManagement\n"
        "                  profile examples/profiles/nav.toml: codeunit pricing, status polled"
    )
