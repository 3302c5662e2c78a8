"""The connectors the conformance suite runs against, each with the simulator dialect it talks to.

To add a connector, append one `ConnectorCase` to CASES: its registered name (or package.module:ClassName),
a `start` that runs its simulator dialect on port 0 with the given credentials and yields it, and a `profile`
giving the TOML profile (MIDDLEWARE_ERP_PROFILE's file) that points the connector at the running simulator.
The suite builds the connector as `python run.py` would (profile file + credentials, see conftest.py) and
reaches the simulator only through the connector and `control_url` (erpsim's control API, alike in every
dialect).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from typing import Any, Protocol

from erpsim import SimulatorServer
from erpsim.config import SimConfig
from tests.nav.conformance import nav_cases
from tests.x3.dialect import x3_profile, x3_start

USERNAME = "conformance-user"
PASSWORD = "conformance-Secret-4711"  # asserted never to appear in output


class RunningErp(Protocol):
    """What the suite needs of a running simulator."""

    @property
    def url(self) -> str: ...  # base URL, e.g. http://127.0.0.1:54321

    @property
    def control_url(self) -> str: ...  # erpsim's control API (/_control)


@dataclass(frozen=True)
class ConnectorCase:
    """One connector and how to run the ERP it talks to."""

    name: str  # the test id
    connector: str  # MIDDLEWARE_ERP_CONNECTOR: a registered name or package.module:ClassName
    start: Callable[[str, str], AbstractContextManager[RunningErp]]  # (username, password) -> simulator
    profile: Callable[[RunningErp], str]  # the TOML profile for the running simulator
    customer: str = "C10000"  # the README's worked case: C10000, 60 x MUG-01, gold, engraved
    item: str = "MUG-01"
    currency: str = "EUR"


@contextmanager
def reference_erp(username: str, password: str) -> Iterator[Any]:
    """The reference dialect in this process, on a free port."""
    with SimulatorServer(SimConfig(username=username, password=password)) as sim:
        yield sim


def reference_profile(sim: RunningErp) -> str:
    """The reference connector runs without a profile; this one only names the simulator's endpoint."""
    return f'[reference]\nendpoint = "{sim.url}/soap"\n'


CASES: list[ConnectorCase] = [
    ConnectorCase("reference", "reference", reference_erp, reference_profile),
    *nav_cases(ConnectorCase),
    *(ConnectorCase(f"x3-{v}", "x3", x3_start(v), x3_profile(v)) for v in ("v6", "v7")),
]
