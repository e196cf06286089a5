"""The app factory: settings, engine, embedded scheduler, blueprints."""
from __future__ import annotations

import os
from typing import Any

from flask import Flask, jsonify

from engine.bootstrap import bootstrap
from engine.config import Settings
from handlers.catalog import Adapters, default_registry

from .scheduling import embed_scheduler


def create_app(settings: Settings | None = None, engine: Any = None, reloader_child: bool | None = None) -> Flask:
    """Build the web app over `engine` (or one from `settings`/the environment)."""
    if engine is None:
        s = settings or Settings.from_env()
        adapters = Adapters(s.database_url, s.keyring_path, s.jukinet_url, s.national_url, s.smtp_host,
                            s.smtp_port, s.mail_from, s.staff_mail)
        engine = bootstrap(s, handlers=default_registry(adapters), migrate=False)
    app = Flask(__name__)
    app.extensions["kentei.engine"] = engine
    app.extensions["kentei.scheduler"] = embed_scheduler(engine, reloader_child)

    @app.get("/healthz")
    def healthz() -> Any:
        """Liveness, and whether this process runs the embedded scheduler."""
        scheduler = app.extensions["kentei.scheduler"]
        return jsonify({"status": "ok", "pid": os.getpid(), "scheduler": scheduler is not None,
                        "scheduler_name": scheduler.name if scheduler else None})

    return app
