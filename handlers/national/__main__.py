"""`python -m handlers.national --port 8702`: run the national-system simulator in the foreground."""
from __future__ import annotations

import argparse
import signal
import threading
from types import FrameType

from .simulator import serve


def main(argv: list[str] | None = None) -> int:
    """Serve until SIGINT or SIGTERM, then shut down cleanly."""
    parser = argparse.ArgumentParser(prog="python -m handlers.national", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8702, help="port to listen on (default 8702)")
    args = parser.parse_args(argv)
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    running = serve(args.host, args.port, log_requests=True)
    print(f"national qualification system simulator on {running.url}", flush=True)
    try:
        while not stop.wait(0.5):
            pass
    finally:
        running.shutdown()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
