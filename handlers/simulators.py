"""What the HTTP simulators (national system, e-Gov) share: serving an app on a thread, and the foreground command."""
from __future__ import annotations

import argparse
import signal
import threading
from dataclasses import dataclass, field
from types import FrameType
from typing import Any, Callable, Self

from werkzeug.serving import ThreadedWSGIServer, WSGIRequestHandler

from handlers.national.faults import Faults


class _QuietHandler(WSGIRequestHandler):
    """Werkzeug's handler without the access log line per request."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """Log nothing."""


@dataclass
class RunningSimulator:
    """A simulator served on a thread; `url` to call it, `shutdown()` to stop it and close its socket."""

    url: str
    store: Any
    faults: Faults
    _server: ThreadedWSGIServer = field(repr=False)
    _thread: threading.Thread = field(repr=False)
    _stopped: bool = False

    def shutdown(self) -> None:
        """Stop serving, end delayed requests, close the socket and wait for the request threads."""
        if self._stopped:
            return
        self._stopped = True
        self.faults.stopping.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.shutdown()


def serve_app(name: str, app: Any, store: Any, faults: Faults, host: str, port: int,
              log_requests: bool) -> RunningSimulator:
    """Serve `app` on host:port (0 picks a free port) in a background thread."""
    server = ThreadedWSGIServer(host, port, app, WSGIRequestHandler if log_requests else _QuietHandler)
    # Joined request threads on close: a test must not leave a thread writing to a closed socket.
    server.daemon_threads = False
    # A short poll interval: shutdown() waits for the loop to notice, up to one interval.
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                              name=f"{name}-{server.server_port}", daemon=True)
    thread.start()
    shown = f"[{host}]" if ":" in host else host
    return RunningSimulator(f"http://{shown}:{server.server_port}", store, faults, server, thread)


def foreground(prog: str, description: str | None, default_port: int, title: str,
               serve: Callable[..., RunningSimulator], argv: list[str] | None = None) -> int:
    """`python -m <prog> --port N`: serve until SIGINT or SIGTERM, then shut down cleanly."""
    parser = argparse.ArgumentParser(prog=prog, description=description)
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=default_port, help=f"port to listen on (default {default_port})")
    args = parser.parse_args(argv)
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    running = serve(args.host, args.port, log_requests=True)
    print(f"{title} on {running.url}", flush=True)
    try:
        while not stop.wait(0.5):
            pass
    finally:
        running.shutdown()
    return 0
