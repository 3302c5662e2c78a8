"""Running the middleware launcher as a subprocess (kill tests, chaos bench)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    """A free loopback TCP port."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Middleware:
    """A middleware subprocess; `kill()` sends SIGKILL, `stop()` SIGTERM."""

    def __init__(
        self,
        database_url: str,
        erp_endpoint: str,
        env: dict[str, str] | None = None,
        sync: bool = True,
        log: Any = None,
        port: int = 0,
    ) -> None:
        command = [
            sys.executable,
            "-m",
            "tests.orders.launcher",
            "--database-url",
            database_url,
            "--erp-endpoint",
            erp_endpoint,
            "--port",
            str(port),
        ]
        if not sync:
            command.append("--no-sync")
        environment = {**os.environ, **(env or {})}
        self.proc = subprocess.Popen(
            command,
            cwd=ROOT,
            env=environment,
            stdout=subprocess.PIPE,
            stderr=log or subprocess.DEVNULL,
            text=True,
        )
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if not line.startswith("MIDDLEWARE READY "):
            self.proc.kill()
            raise RuntimeError(f"middleware did not start: {line!r}")
        self.url = line.split()[-1]
        threading.Thread(target=self._drain, daemon=True).start()

    def _drain(self) -> None:
        assert self.proc.stdout is not None
        for _ in self.proc.stdout:
            pass

    def kill(self) -> None:
        """SIGKILL: no clean-up at all."""
        self.proc.kill()
        self.proc.wait(10)

    def stop(self) -> None:
        """SIGTERM and wait."""
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
