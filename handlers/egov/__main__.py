"""`python -m handlers.egov --port 8703`: run the e-Gov simulator in the foreground."""
from __future__ import annotations

from handlers.simulators import foreground

from .simulator import serve


def main(argv: list[str] | None = None) -> int:
    """Serve until SIGINT or SIGTERM, then shut down cleanly."""
    return foreground("python -m handlers.egov", __doc__, 8703, "e-Gov 電子申請 simulator", serve, argv)


if __name__ == "__main__":
    raise SystemExit(main())
