"""`python -m handlers.national --port 8702`: run the national-system simulator in the foreground."""
from __future__ import annotations

from handlers.simulators import foreground

from .simulator import serve


def main(argv: list[str] | None = None) -> int:
    """Serve until SIGINT or SIGTERM, then shut down cleanly."""
    return foreground("python -m handlers.national", __doc__, 8702, "national qualification system simulator", serve, argv)


if __name__ == "__main__":
    raise SystemExit(main())
