"""CORS for /engine-rest only: any origin, including Camunda Modeler's file:// page (Origin: null).

A CORS filter that rejected the Modeler's origin answered 403, which the Modeler shows as "This user is not
permitted to deploy" (camunda-modeler #1723). Credentials travel in the Authorization header, never in
cookies, so echoing the origin opens nothing a cookie would.
"""
from __future__ import annotations

from flask import Response, request

ALLOWED_HEADERS = "Authorization, Content-Type, Accept"
METHODS = "GET, POST, PUT, DELETE, OPTIONS"


def allow(response: Response) -> None:
    origin = request.headers.get("Origin")
    if origin is None:
        return
    response.headers["Access-Control-Allow-Origin"] = origin
    response.headers["Vary"] = "Origin"
    response.headers["Access-Control-Allow-Methods"] = METHODS
    response.headers["Access-Control-Allow-Headers"] = request.headers.get("Access-Control-Request-Headers",
                                                                           ALLOWED_HEADERS)
    response.headers["Access-Control-Max-Age"] = "600"
