"""住基ネット (Juki-net) adapter: client, `jukinet.lookup` handler, and a simulator for tests and demos.

The simulator (`handlers.jukinet.simulator`, needs Flask) is imported on its own so that
the production path (client + handler) loads only the standard library and orjson.
"""
from __future__ import annotations

from .client import JukinetClient
from .errors import JukinetError, JukinetRequestError, JukinetUnavailable
from .handlers import TOPIC, IdentityCheck, NumberResolver, make_identity_check, register
from .models import Change, LookupResult, Resident

__all__ = [
    "TOPIC", "Change", "IdentityCheck", "JukinetClient", "JukinetError", "JukinetRequestError",
    "JukinetUnavailable", "LookupResult", "NumberResolver", "Resident", "make_identity_check", "register",
]
