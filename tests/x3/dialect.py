"""erpsim's X3 dialect for the conformance suite: start it on port 0, write the shipped profile for it."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any

from erpsim.config import SimConfig
from erpsim.server import SimulatorServer
from erpsim.x3.app import make_app

PROFILE = Path(__file__).resolve().parents[2] / "examples" / "profiles" / "x3.toml"


def x3_start(version: str) -> Callable[[str, str], AbstractContextManager[Any]]:
    """(username, password) -> the X3 dialect of `version`, in this process on a free port."""

    @contextmanager
    def start(username: str, password: str) -> Iterator[Any]:
        app = make_app(SimConfig(username=username, password=password), version=version)
        with SimulatorServer(app=app) as sim:
            yield sim

    return start


def x3_profile(version: str) -> Callable[[Any], str]:
    """The shipped examples/profiles/x3.toml, pointed at the running dialect."""

    def profile(sim: Any) -> str:
        text = PROFILE.read_text(encoding="utf-8")
        text = re.sub(r'(?m)^base_url = ".*"', f'base_url = "{sim.soap_url}"', text)
        return re.sub(r'(?m)^version = "v\d"', f'version = "{version}"', text)

    return profile
