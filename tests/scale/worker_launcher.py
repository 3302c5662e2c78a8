"""A tiny worker process (used only until `python run.py worker` exists): background components until SIGTERM."""

from __future__ import annotations

import signal
import sys
import threading

from middleware.bootstrap import build_container
from middleware.config import Settings


def main() -> int:
    """Start the container's background components; stop them on SIGTERM or SIGINT."""
    container = build_container(Settings.from_env())
    stopped = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stopped.set())
    container.start_background()
    print("worker ready", flush=True)
    stopped.wait()
    container.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
