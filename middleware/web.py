"""Serving the WSGI app with waitress (production-grade, threaded) and stopping cleanly on signals."""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable
from typing import Any

from waitress.server import create_server

log = logging.getLogger(__name__)


class WebServer:
    """A waitress server bound to host:port, run in the foreground or in a thread."""

    def __init__(self, app: Any, host: str, port: int, threads: int = 16) -> None:
        self._server = create_server(
            app, host=host, port=port, threads=threads, ident="middleware",
            clear_untrusted_proxy_headers=True, asyncore_loop_timeout=1
        )
        self.host = host
        self.port = int(self._server.effective_port)  # type: ignore[union-attr]
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """Base URL of the server."""
        return f"http://{self.host}:{self.port}"

    def start(self) -> WebServer:
        """Serve in a background thread."""
        self._thread = threading.Thread(target=self._server.run, name=f"web-{self.port}", daemon=True)
        self._thread.start()
        return self

    def run(self) -> None:
        """Serve in the current thread until close() is called."""
        self._server.run()

    def serve_until_stopped(self, banner: str, on_stop: Callable[[], None] = lambda: None) -> None:
        """Print `banner`, serve in this thread until Ctrl-C or SIGTERM, then close and call `on_stop`."""
        raise_on_sigterm()
        print(banner, flush=True)
        try:
            self.run()  # waitress returns, or raises KeyboardInterrupt, on Ctrl-C and SIGTERM
        except KeyboardInterrupt:
            pass
        finally:
            self.close()
            on_stop()

    def close(self) -> None:
        """Stop accepting, drop keep-alive connections and let the serving thread end."""
        server = self._server

        def close_all() -> None:
            # runs inside the server loop, so no socket is closed under a running select()
            for dispatcher in list(server._map.values()):  # type: ignore[union-attr]
                dispatcher.close()

        server.task_dispatcher.shutdown(cancel_pending=True, timeout=5)  # type: ignore[union-attr]
        if self._thread is not None and self._thread.is_alive():
            server.trigger.pull_trigger(close_all)  # type: ignore[union-attr]
            self._thread.join(timeout=5)
        else:
            close_all()


def raise_on_sigterm() -> None:
    """Turn SIGTERM (and SIGINT, even when started with it ignored) into KeyboardInterrupt."""

    def handler(_signum: int, _frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, handler)
    signal.signal(signal.SIGINT, signal.default_int_handler)
