"""The Flask web app: `create_app()` builds it (nothing happens at import time).

Staff inbox, applicant portal, administration and the JSON API arrive with issue 5; for now
the app serves `/healthz` and embeds the scheduler (see web/scheduling.py). Production:
`gunicorn -w 4 -b 0.0.0.0:8000 'web:create_app()'` (without --preload).
"""
from __future__ import annotations

from .app import create_app

__all__ = ["create_app"]
