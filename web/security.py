"""Session secret, cookie settings and the security headers every response carries."""
from __future__ import annotations

import os
import secrets
import threading
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from flask import Flask, Response
from werkzeug.middleware.proxy_fix import ProxyFix

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "frame-ancestors 'none'; form-action 'self'; base-uri 'none'")
SESSION_MINUTES = 30  # idle timeout: every request renews it


def secret_key(path: Path) -> str:
    """KENTEI_SECRET_KEY, or a random key kept in a 0600 file beside the keyring (created once)."""
    return os.environ.get("KENTEI_SECRET_KEY") or kept_secret(path, lambda: secrets.token_urlsafe(48))


def kept_secret(path: Path, new: Callable[[], str]) -> str:
    """The secret in a 0600 file, made with `new()` the first time. Several gunicorn workers may race here:
    each writes aside and links in, and the first one wins."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        aside = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}")
        fd = os.open(aside, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(new())
        try:
            os.link(aside, path)
        except FileExistsError:
            pass
        finally:
            aside.unlink()
    return path.read_text().strip()


def harden(app: Flask, key_path: Path, https: bool = False, proxies: int = 0) -> None:
    """Secret key, session cookie rules and headers; behind `proxies` reverse proxies, their X-Forwarded-*."""
    if proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)  # type: ignore[method-assign]
    app.config.update(
        SESSION_COOKIE_SECURE=https,
        SECRET_KEY=secret_key(key_path),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_NAME="kentei_session",
        PERMANENT_SESSION_LIFETIME=timedelta(minutes=SESSION_MINUTES),
        SESSION_REFRESH_EACH_REQUEST=True,
        REMEMBER_COOKIE_DURATION=timedelta(seconds=0),
        WTF_CSRF_TIME_LIMIT=None,  # the token lives as long as the session
    )

    @app.after_request
    def headers(response: Response) -> Response:
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "same-origin"
        if https:
            response.headers["Strict-Transport-Security"] = "max-age=31536000"
        if response.mimetype == "text/html" or response.mimetype == "text/csv":
            response.headers["Cache-Control"] = "no-store"
        return response
