"""GET /engine and GET /version: what a client asks before anything else."""
from __future__ import annotations

from flask import Response

from .core import bp, reply

VERSION = "7.24.0"  # the Camunda 7 REST API kentei answers as (the Modeler reads it for telemetry only)


@bp.get("/engine")
def engines() -> Response:
    return reply([{"name": "default"}])


@bp.get("/version")
def version() -> Response:
    return reply({"version": VERSION})
