"""/.well-known/camunda-automation-platform/webapps: where Camunda Modeler's "open in Cockpit" links go.

They point at kentei's own pages. The Modeler appends `process-instance/<id>` or
`repository?deploymentsQuery=…` to cockpitUrl (a cockpitUrl ending in "cockpit/" would get "default/#/",
a fragment no server sees, so ours does not end so); the two routes here redirect to the instance page
and the deployments page.
"""
from __future__ import annotations

from typing import Any

from flask import redirect, request, url_for

from .core import reply

LINKS = "/camunda-links"


def install(app: Any) -> None:
    @app.get("/.well-known/camunda-automation-platform/webapps")
    def camunda_webapps() -> Any:
        base = request.host_url.rstrip("/")
        response = reply({"adminUrl": f"{base}/admin/", "cockpitUrl": f"{base}{LINKS}/",
                          "tasklistUrl": f"{base}/"})
        origin = request.headers.get("Origin")
        if origin is not None:
            response.headers["Access-Control-Allow-Origin"] = origin
        return response

    @app.get(f"{LINKS}/process-instance/<int:instance_id>")
    def camunda_link_instance(instance_id: int) -> Any:
        return redirect(url_for("instances.page", instance_id=instance_id))

    @app.get(f"{LINKS}/repository")
    def camunda_link_repository() -> Any:
        return redirect(url_for("admin.deployments"))
