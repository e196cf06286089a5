"""e-Gov 電子申請の取込み: the administrators' view of the packages taken, refused (返戻) and the 電子通知書 sent.

The signed-in admin's prefecture only, newest first; a package shows its 到達番号, when it was filed and
taken, its application (a link to the instance) or its refusal reason, and each notice with whether it
has reached e-Gov. No form data is shown here: the application's own page has it.
"""
from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template, request
from flask_login import current_user
from sqlalchemy import func, select

from handlers.egov.models import EgovNotice, EgovPackage
from handlers.registry.models import Application

from .auth import engine, role_required

bp = Blueprint("egov_packages", __name__, url_prefix="/admin/egov")
admin_only = role_required("admin")
STATUSES = ("taken", "started", "refused")
LIMIT = 200


@bp.get("/")
@admin_only
def index() -> str:
    tenant = current_user.tenant
    status = request.args.get("status", "")
    status = status if status in STATUSES else ""
    with engine().reading() as s:
        counts = dict(s.execute(select(EgovPackage.status, func.count()).where(EgovPackage.tenant == tenant)
                                .group_by(EgovPackage.status)).tuples().all())
        unsent = s.scalar(select(func.count()).select_from(EgovNotice)
                          .where(EgovNotice.tenant == tenant, EgovNotice.sent_at.is_(None)))
        query = select(EgovPackage, Application.instance_id).outerjoin(
            Application, (Application.tenant == EgovPackage.tenant)
            & (Application.application_no == EgovPackage.application_no)).where(EgovPackage.tenant == tenant)
        if status:
            query = query.where(EgovPackage.status == status)
        rows = s.execute(query.order_by(EgovPackage.id.desc()).limit(LIMIT)).all()
        ids = [p.package_id for p, _ in rows]
        sent: dict[str, list[Any]] = {}
        for n in s.scalars(select(EgovNotice).where(EgovNotice.tenant == tenant, EgovNotice.package_id.in_(ids))
                           .order_by(EgovNotice.id)) if ids else ():
            sent.setdefault(n.package_id, []).append(n)
    packages = [{"package": p, "instance_id": iid, "notices": sent.get(p.package_id, [])} for p, iid in rows]
    return render_template("admin_egov.html", packages=packages, counts=counts, unsent=int(unsent or 0),
                           status=status, statuses=STATUSES, limit=LIMIT)
