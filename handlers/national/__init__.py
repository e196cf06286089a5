"""国家資格等情報連携・活用システム: the client, the sync handlers, and (in `simulator`) a stand-in service."""
from __future__ import annotations

from .client import NationalClient
from .errors import NationalError, NationalRequestError, NationalUnavailable, RecordNotFound, StaleVersion
from .handlers import NationalSync, register

__all__ = ["NationalClient", "NationalError", "NationalRequestError", "NationalSync", "NationalUnavailable",
           "RecordNotFound", "StaleVersion", "register"]
