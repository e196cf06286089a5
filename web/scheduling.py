"""The scheduler inside the web process: at most one per installation unless asked.

Under Flask's reloader the parent process only watches files, so only the reloaded child
embeds one; across gunicorn workers (or several `kentei serve`), engine.scheduler's
EmbeddedLock lets one process of the database run it (KENTEI_SCHEDULER=auto). `always`
embeds one in every process, `off` in none (then run `kentei worker`).
"""
from __future__ import annotations

import atexit
import logging
import os
from typing import Any

from engine.scheduler import Scheduler, start_embedded

log = logging.getLogger("kentei.web")


def embed_scheduler(engine: Any, reloader_child: bool | None = None) -> Scheduler | None:
    """Start the embedded scheduler if this process should run it; the scheduler or None."""
    if reloader_child is None:
        reloader_child = os.environ.get("WERKZEUG_RUN_MAIN") == "true"
    if os.environ.get("KENTEI_RELOADER") == "1" and not reloader_child:
        return None  # the reloader's watcher process: its child serves and schedules
    started = start_embedded(engine)
    if started is None:
        return None
    scheduler, lock = started

    def stop() -> None:
        scheduler.shutdown(wait=False)
        if lock is not None:
            lock.release()

    atexit.register(stop)
    log.info("embedded scheduler %s running", scheduler.name)
    return scheduler
