"""`python -m handlers.egov --port 8703`: run the e-Gov simulator in the foreground."""
from __future__ import annotations

import argparse
import signal
import threading
from types import FrameType

from .simulator import serve


def main(argv: list[str] | None = None) -> int:
    """Serve until SIGINT or SIGTERM, then shut down cleanly."""
    parser = argparse.ArgumentParser(prog="python -m handlers.egov", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8703, help="port to listen on (default 8703)")
    args = parser.parse_args(argv)
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    running = serve(args.host, args.port, log_requests=True)
    print(f"e-Gov 電子申請 simulator on {running.url}", flush=True)
    try:
        while not stop.wait(0.5):
            pass
    finally:
        running.shutdown()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
