"""Serving the WSGI app with waitress (production-grade, threaded) and stopping cleanly on signals."""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable
from typing import Any

from waitress import wasyncore
from waitress.server import create_server

from .web_limits import WebLimits, guarded_channel

log = logging.getLogger(__name__)

_STOP_CHECK_SECONDS = 0.1


class WebServer:
    """A waitress server bound to host:port, run in the foreground or in a thread."""

    def __init__(
        self, app: Any, host: str, port: int, threads: int = 16, limits: WebLimits | None = None
    ) -> None:
        limits = limits or WebLimits()
        self._server: Any = create_server(
            app,
            host=host,
            port=port,
            threads=threads,
            ident="middleware",
            clear_untrusted_proxy_headers=True,
            asyncore_loop_timeout=1,  # whole seconds: waitress truncates fractions to a busy loop
            **limits.waitress_options(),
        )
        self._server.channel_class = guarded_channel(limits)
        self.host = host
        self.port = int(self._server.effective_port)
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()

    @property
    def url(self) -> str:
        """Base URL of the server."""
        return f"http://{self.host}:{self.port}"

    def start(self) -> WebServer:
        """Serve in a background thread until close()."""
        self._thread = threading.Thread(target=self._serve_in_thread, name=f"web-{self.port}", daemon=True)
        self._thread.start()
        return self

    def _serve_in_thread(self) -> None:
        # our own loop, so that stopping needs no trigger: every socket is closed here, in the loop's
        # thread, after the last poll - never under a running select() of another thread
        server = self._server
        use_poll = server.adj.asyncore_use_poll
        try:
            while not self._stopping.is_set() and server._map:
                wasyncore.loop(timeout=_STOP_CHECK_SECONDS, use_poll=use_poll, map=server._map, count=1)
        finally:
            self._close_all()

    def run(self) -> None:
        """Serve in the current thread until Ctrl-C or SIGTERM (see raise_on_sigterm)."""
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
        self._server.task_dispatcher.shutdown(cancel_pending=True, timeout=5)
        if self._thread is not None:
            self._stopping.set()
            self._thread.join(timeout=5)
        else:
            self._close_all()

    def _close_all(self) -> None:
        for dispatcher in list(self._server._map.values()):
            dispatcher.close()


def raise_on_sigterm() -> None:
    """Turn SIGTERM (and SIGINT, even when started with it ignored) into KeyboardInterrupt."""

    def handler(_signum: int, _frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, handler)
    signal.signal(signal.SIGINT, signal.default_int_handler)
