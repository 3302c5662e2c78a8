"""NAV test helpers: the NAV dialect on a free port, raw SOAP calls, the example profile pointed at it."""

from __future__ import annotations

import copy
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests
from lxml import etree

from erpsim.config import SimConfig
from erpsim.nav.app import NavOptions, NavSimulator
from erpsim.server import SimulatorServer
from middleware.ports.erp import ConnectorConfig, ErpMessage

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE_PROFILE = ROOT / "examples" / "profiles" / "nav.toml"
CONTRACTS = ROOT.parent / "shared" / "erp-contracts" / "nav"
SOAP = "http://schemas.xmlsoap.org/soap/envelope/"
PAGE = "urn:microsoft-dynamics-schemas/page/"
CODEUNIT = "urn:microsoft-dynamics-schemas/codeunit/B2BManagement"
USERS = {"basic": "erp-user", "ntlm": "CRONUS\\shop"}
PASSWORD = "nav-test-pass"


@dataclass
class NavServer:
    """A running NAV dialect."""

    server: SimulatorServer
    sim: NavSimulator
    auth: str

    @property
    def base(self) -> str:
        """http://host:port/<instance>/WS/<company>."""
        return self.server.url + self.sim.base_path()

    @property
    def username(self) -> str:
        """The user the dialect accepts."""
        return USERS[self.auth]

    def control(self, method: str, path: str, body: Any = None) -> Any:
        """Call erpsim's control API."""
        response = requests.request(method, f"{self.server.control_url}/{path}", json=body, timeout=5)
        response.raise_for_status()
        return response.json()


def start(auth: str = "basic", company: str = "CRONUS International Ltd.") -> NavServer:
    """The NAV dialect on a free loopback port."""
    sim = NavSimulator(
        SimConfig(username=USERS[auth], password=PASSWORD), nav=NavOptions(company=company, auth=auth)
    )
    return NavServer(SimulatorServer(app=sim), sim, auth)


def envelope(ns: str, op: str, inner: str) -> bytes:
    """A SOAP 1.1 request envelope."""
    return (
        f'<s:Envelope xmlns:s="{SOAP}"><s:Body><{op} xmlns="{ns}">{inner}</{op}></s:Body></s:Envelope>'
    ).encode()


def call(nav: NavServer, kind: str, service: str, op: str, inner: str, auth: Any = None) -> requests.Response:
    """POST one operation to a page or the codeunit (HTTP Basic with the dialect's user by default)."""
    ns = CODEUNIT if kind == "Codeunit" else PAGE + service.lower()
    return requests.post(
        f"{nav.base}/{kind}/{service}",
        data=envelope(ns, op, inner),
        auth=auth or (nav.username, PASSWORD),
        headers={"SOAPAction": f'"{ns}:{op}"'},
        timeout=10,
    )


def xml(response: requests.Response) -> etree._Element:
    """The answer parsed (safe parser)."""
    return etree.fromstring(response.content, etree.XMLParser(resolve_entities=False, no_network=True))


def texts(root: etree._Element, name: str) -> list[str]:
    """Every text of elements named `name` (any namespace)."""
    return [e.text or "" for e in root.iter(f"{{*}}{name}")]


def profile(nav: NavServer, mode: str = "codeunit", **nav_overrides: Any) -> dict[str, Any]:
    """The shipped example profile pointed at this dialect."""
    data = copy.deepcopy(tomllib.loads(EXAMPLE_PROFILE.read_text()))
    data["nav"].update(
        {
            "base_url": nav.server.url + "/" + nav.sim.nav.instance,
            "auth": nav.auth,
            "company": nav.sim.nav.company,
            **nav_overrides,
        }
    )
    data["nav"]["pricing"]["mode"] = mode
    return data


def connector_config(
    nav: NavServer, prof: dict[str, Any], messages: list[ErpMessage] | None = None
) -> ConnectorConfig:
    """A ConnectorConfig for this dialect (messages, when given, collect every exchanged envelope)."""
    return ConnectorConfig(
        profile=prof,
        username=nav.username,
        password=PASSWORD,
        record=messages.append if messages is not None else None,
    )
