"""`python -m handlers.jukinet --port 8701 --seed 1 --count 500`: run the 住基ネット simulator in the foreground."""
from __future__ import annotations

import argparse
import signal
import sys
from types import FrameType

from .simulator import SimulatorServer
from .store import ResidentStore


def _interrupt(signum: int, frame: FrameType | None) -> None:
    """Treat SIGTERM like Ctrl-C so a process manager stops the simulator cleanly."""
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    """Parse the options, seed the register and serve until Ctrl-C."""
    parser = argparse.ArgumentParser(prog="python -m handlers.jukinet", description="住基ネット simulator")
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8701, help="port to bind; 0 picks a free one (default 8701)")
    parser.add_argument("--seed", type=int, default=1, help="random seed for the residents (default 1)")
    parser.add_argument("--count", type=int, default=500, help="how many residents to seed (default 500)")
    parser.add_argument("--quiet", action="store_true", help="do not log each request")
    args = parser.parse_args(argv)
    if args.count < 0:
        parser.error("--count must be 0 or more")
    server = SimulatorServer(ResidentStore.seeded(args.seed, args.count), args.host, args.port,
                             log_requests=not args.quiet)
    signal.signal(signal.SIGTERM, _interrupt)
    # the first line is machine-readable: tests and scripts read the URL from it
    print(f"jukinet simulator listening on {server.url} ({args.count} residents, seed {args.seed})", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:  # werkzeug swallows it inside serve_forever; this is for the gap around it
        pass
    print("jukinet simulator stopped", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
