"""The 個人番号 vault as the web app uses it: one per keyring path, built on first use."""
from __future__ import annotations

from flask import current_app

from handlers.vault import Keyring, Vault

from .auth import engine


def vault() -> Vault:
    """The vault over the engine's keyring (loaded once per keyring path)."""
    path = engine().settings.keyring_path
    cached = current_app.extensions.get("kentei.vault")
    if cached is None or cached[0] != path:
        cached = (path, Vault(Keyring.load_or_create(path), clock=engine().now))
        current_app.extensions["kentei.vault"] = cached
    return cached[1]
