"""Running the simulator: in-process on a free loopback port (waitress thread) or as a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

from waitress import wasyncore
from waitress.server import create_server

from erpsim.app import Simulator, make_app
from erpsim.config import SimConfig

__all__ = ["SimulatorProcess", "SimulatorServer", "make_app", "start_subprocess"]
READY_PREFIX = "ERPSIM READY "


class SimulatorServer:
    """The simulator served by waitress in a background thread; use as a context manager."""

    def __init__(
        self,
        config: SimConfig | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        app: Simulator | None = None,
    ) -> None:
        """Bind immediately (port 0 = a free port) and start serving."""
        self.app = app or make_app(config)
        self._server: Any = create_server(
            self.app,
            host=host,
            port=port,
            threads=self.app.config.threads,
            connection_limit=max(100, 2 * self.app.config.threads),
            ident="erpsim",
            channel_timeout=60,
            clear_untrusted_proxy_headers=True,
        )
        self.host, self.port = host, int(self._server.effective_port)
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._serve, name="erpsim-waitress", daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        """Poll until stop(); every socket is then closed here, in the loop's own thread."""
        server = self._server
        try:
            while not self._stopping.is_set() and server._map:
                wasyncore.loop(timeout=0.1, use_poll=server.adj.asyncore_use_poll, map=server._map, count=1)
        finally:
            for dispatcher in list(server._map.values()):
                dispatcher.close()

    def start(self) -> SimulatorServer:
        """Kept for symmetry: the server already serves once constructed (idempotent)."""
        return self

    @property
    def url(self) -> str:
        """Base URL, e.g. http://127.0.0.1:54321."""
        return f"http://{self.host}:{self.port}"

    @property
    def soap_url(self) -> str:
        """SOAP endpoint URL (the dialect's own path when it has one)."""
        return self.url + getattr(self.app, "soap_path", "/soap")

    @property
    def wsdl_url(self) -> str:
        """URL of the served WSDL."""
        return f"{self.soap_url}?wsdl"

    @property
    def control_url(self) -> str:
        """Base URL of the JSON control API."""
        return f"{self.url}/_control"

    def stop(self) -> None:
        """Stop serving, release hanging responses and join the thread."""
        self.app.close()
        self._server.task_dispatcher.shutdown(cancel_pending=True, timeout=2)
        self._stopping.set()
        self._thread.join(timeout=5)

    def __enter__(self) -> SimulatorServer:
        """Return the running server."""
        return self

    def __exit__(self, *exc: object) -> None:
        """Stop the server."""
        self.stop()


class SimulatorProcess:
    """A simulator running in a child process (python -m erpsim)."""

    def __init__(self, proc: subprocess.Popen[str], url: str) -> None:
        """Wrap a started process and its base URL."""
        self.proc, self.url = proc, url
        self.soap_url, self.wsdl_url, self.control_url = f"{url}/soap", f"{url}/soap?wsdl", f"{url}/_control"

    def stop(self) -> None:
        """Terminate the process (kill after 5 s)."""
        self.proc.terminate()
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()

    def __enter__(self) -> SimulatorProcess:
        """Return the running process."""
        return self

    def __exit__(self, *exc: object) -> None:
        """Stop the process."""
        self.stop()


def start_subprocess(
    port: int = 0, host: str = "127.0.0.1", args: tuple[str, ...] = (), timeout: float = 20.0
) -> SimulatorProcess:
    """Start `python -m erpsim` and wait for its ready line (port 0 = a free port)."""
    root = str(Path(__file__).resolve().parent.parent)
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")])),
        "PYTHONUNBUFFERED": "1",
    }
    proc = subprocess.Popen(  # noqa: S603 - fixed argv, no shell
        [sys.executable, "-m", "erpsim", "--host", host, "--port", str(port), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )
    deadline = time.monotonic() + timeout
    assert proc.stdout is not None
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if line.startswith(READY_PREFIX):
            threading.Thread(target=_drain, args=(proc,), daemon=True).start()
            return SimulatorProcess(proc, line[len(READY_PREFIX) :].strip())
        if not line and proc.poll() is not None:
            break
    proc.kill()
    raise RuntimeError("erpsim subprocess did not become ready")


def _drain(proc: subprocess.Popen[str]) -> None:
    assert proc.stdout is not None
    for _ in proc.stdout:
        pass
