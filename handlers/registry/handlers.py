"""Local handlers that write the registry inside the engine step's transaction (exactly once)."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from typing import Any, Mapping

from sqlalchemy import select

from handlers.base import HandlerContext, HandlerRegistry
from handlers.egov import applications as egov_applications
from handlers.egov import notices as egov_notices
from handlers.notify import record_recipient
from handlers.registry.fees import issue_fee_slip, record_payment, refund_fee, settle_fee
from handlers.registry.models import Applicant, Application, ExamRecord, ExamSession, Passer
from handlers.registry.numbering import allocate, format_number
from handlers.registry.scoring import total_practical
from handlers.registry.seating import assign, sessions_for

REVIEW_DAYS = 14
CORRECTION_DAYS = 14
JST = timezone(timedelta(hours=9))  # the day a fee was paid, as the prefecture's books count it
APPLICANT_FIELDS = ("name_kana", "sex", "postal_code", "address", "address_extra", "phone", "employer_name",
                    "nationality")


def _now(ctx: HandlerContext) -> datetime:
    return ctx.now or datetime.now(timezone.utc)


def _day(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def _application(ctx: HandlerContext, data: Mapping[str, Any]) -> Application:
    """The application by its 申請受付ID (`application_id` in the process data), in this prefecture only."""
    app = ctx.session.scalar(select(Application).where(Application.tenant == ctx.tenant,
                                                       Application.application_no == data["application_id"]))
    if app is None:
        raise LookupError(f"application {data.get('application_id')} of prefecture {ctx.tenant} does not exist")
    return app


def register_application(ctx: HandlerContext, data: Mapping[str, Any]) -> dict[str, Any]:
    """申請登録: record the applicant and the application and issue the 申請受付ID."""
    if "my_number" in data:
        raise ValueError("workflow data must carry a vault reference (vault_ref), never the 個人番号 itself")
    package: dict[str, Any] = {}
    if data.get("channel") == "egov":  # an e-Gov application starts with its 到達番号; the form is the package's
        package = egov_applications.application_data(ctx.session, ctx.tenant, data.get("package_id"))
        data = {**data, **package}
    now, year = _now(ctx), int(data["fiscal_year"])
    applicant = Applicant(tenant=ctx.tenant, vault_ref=data.get("vault_ref"), pseudonym_id=data.get("pseudonym_id"),
                          created_at=now, status="active", name=data["applicant_name"],
                          **{k: data.get(k) for k in APPLICANT_FIELDS}, birth_date=_day(data["birth_date"]))
    ctx.session.add(applicant)
    ctx.session.flush()
    number = format_number("application", ctx.tenant, year, allocate(ctx.session, ctx.tenant, year, "application"))
    app = Application(
        tenant=ctx.tenant, applicant_id=applicant.id, application_no=number, fiscal_year=year,
        round=data.get("round", "前期"), grade=data["grade"], trade_code=data["trade_code"],
        trade_name=data["trade_name"], task_code=data.get("task_code"), task_name=data.get("task_name"),
        channel=data.get("channel", "online"), experience_years=data.get("experience_years"),
        schooling=data.get("schooling"), prior_pass=data.get("prior_pass"),
        written_exemption_claimed=bool(data.get("written_exemption_claimed")),
        practical_exemption_claimed=bool(data.get("practical_exemption_claimed")),
        status="received", created_at=now, instance_id=ctx.instance_id)
    ctx.session.add(app)
    ctx.session.flush()
    # the verified recipient of this application's notices: its portal ID (and e-mail, if given)
    record_recipient(ctx.session, tenant=ctx.tenant, application_id=number,
                     pseudonym_id=data.get("pseudonym_id") or f"paper-{number}", email=data.get("email"),
                     postal_name=applicant.name, postal_address=applicant.address, verified_at=now)
    if package:
        egov_applications.started(ctx.session, ctx.tenant, package["package_id"], number)
    return {
        **package, "application_id": number, "applicant_id": applicant.id,
        "reviewDueDate": (now + timedelta(days=REVIEW_DAYS)).date().isoformat(),
        "correctionPeriod": data.get("correctionPeriod") or f"P{CORRECTION_DAYS}D",
        "correction_deadline": (now + timedelta(days=CORRECTION_DAYS)).date().isoformat(),
        # an exemption counts only when it was claimed on the application
        "written_exempt": bool(data.get("written_exemption_claimed")),
        "practical_exempt": bool(data.get("practical_exemption_claimed")),
        # what fees.dmn reads besides grade, birth date and year: the prefecture (its ordinance) and the
        # applicant's status for the reductions (在校生, 在職者), false unless the application says so
        "prefecture": ctx.tenant, "enrolled_student": bool(data.get("enrolled_student")),
        "employed": bool(data.get("employed")),
    }


REVIEWED_ANSWERS = ("experience_years", "schooling", "prior_pass")  # what the applicant's 補正 may change


def _as_reviewed(app: Application, data: Mapping[str, Any]) -> None:
    """The registry keeps the eligibility answers as finally reviewed (after a correction, the corrected ones)."""
    for field in REVIEWED_ANSWERS:
        if data.get(field) is not None:
            setattr(app, field, data[field])


def close_application(ctx: HandlerContext, data: Mapping[str, Any]) -> dict[str, Any]:
    """申請の終了: record why an application ended early (camunda:property outcome)."""
    outcome = ctx.properties.get("outcome")
    if not outcome:
        raise ValueError("registry.close_application needs camunda:property outcome")
    app = _application(ctx, data)
    app.status = outcome
    _as_reviewed(app, data)
    if app.channel == "egov":  # the 電子通知書 of 不受理 or 期限経過, sent by the intake process
        egov_notices.closed(ctx.session, ctx.tenant, app.application_no, outcome, _now(ctx))
    return {"outcome": outcome}


def _exam_day(exam: ExamSession) -> date:
    """The last day of the session's exams: scoring opens then (application.bpmn's 試験日 timer)."""
    return max(d for d in (exam.written_date, exam.practical_end, exam.practical_start) if d is not None)


def _at_jst(day: date) -> str:
    return f"{day.isoformat()}T00:00:00+09:00"


def _ticket(record: ExamRecord, exam: ExamSession) -> dict[str, Any]:
    """The 受検票's process variables, from the registry as it is now."""
    return {"venue": record.venue, "exam_room": record.room, "seat_no": record.seat_no,
            "exam_site_address": record.venue_address, "exam_session": exam.code, "examDate": _at_jst(_exam_day(exam)),
            "ticket_version": record.ticket_version}


def _waitlisted(ctx: HandlerContext, app: Application, first: ExamSession | None, reason: str) -> dict[str, Any]:
    app.status, app.waitlist_session_id = "waitlisted", first.id if first is not None else None
    app.waitlisted_on = app.waitlisted_on or _now(ctx).astimezone(JST).date()
    # the person's last choice is cleared: the wait-list task opens with an empty form
    return {"seat_status": "waitlisted", "waitlist_reason": reason, "waitlist_decision": None, "chosen_session": None}


def schedule_exam(ctx: HandlerContext, data: Mapping[str, Any]) -> dict[str, Any]:
    """試験日程: a seat within a session's capacity and the 受検番号 and 実技番号, or the wait list (seating.py)."""
    app = _application(ctx, data)
    _as_reviewed(app, data)
    chosen = None
    if data.get("waitlist_decision") == "assign":  # a person resolving the wait list named a session
        code = str(data.get("chosen_session") or "").strip()
        chosen = ctx.session.scalar(select(ExamSession).where(ExamSession.tenant == ctx.tenant,
                                                              ExamSession.code == code))
        if chosen is None or chosen not in sessions_for(ctx.session, app):
            return _waitlisted(ctx, app, ctx.session.get(ExamSession, app.waitlist_session_id)
                               if app.waitlist_session_id else None,
                               f"試験日程コード「{code}」は、この申請の年度・期・職種・作業・等級の受付中の日程にありません。")
    seat, first = assign(ctx.session, app, chosen)
    if seat is None:
        if chosen is not None:
            reason = f"指定の試験日程「{chosen.code}」は満席です。"
        elif first is None:
            reason = "この年度・期・職種・作業・等級の試験日程が登録されていません。日程を登録してから割り当ててください。"
        else:
            reason = "この職種・等級の試験日程はすべて満席です。定員を増やすか日程を追加して割り当ててください。"
        return _waitlisted(ctx, app, first, reason)
    year = app.fiscal_year  # numbers after the seat: the session's row is locked first, then the counters
    examinee_no = format_number("examinee", ctx.tenant, year, allocate(ctx.session, ctx.tenant, year, "examinee"))
    practical_no = format_number("practical", ctx.tenant, year, allocate(ctx.session, ctx.tenant, year, "practical"))
    exam = seat.session
    announcement = exam.announcement_date or _day(data["announcementDate"][:10])
    record = ExamRecord(tenant=ctx.tenant, application_id=app.id, examinee_no=examinee_no, practical_no=practical_no,
                        seat_no=seat.seat_no, venue=seat.venue.name, room=seat.room, venue_address=seat.venue.address,
                        exam_date=exam.written_date or exam.practical_start, practical_start=exam.practical_start,
                        practical_end=exam.practical_end, announcement_date=announcement, session_id=exam.id,
                        preferred_session_id=first.id if first is not None else exam.id, seat_index=seat.index,
                        ticket_version=1, ticket_issued_version=0)
    ctx.session.add(record)
    app.status, app.waitlist_session_id = "scheduled", None
    return {"examinee_no": examinee_no, "practical_no": practical_no, **_ticket(record, exam),
            "announcementDate": _at_jst(announcement), "seat_status": "assigned",
            "seat_moved": first is not None and first.id != exam.id,
            "written_score": data.get("written_score"), "practical_score": data.get("practical_score")}


def _record(ctx: HandlerContext, data: Mapping[str, Any]) -> tuple[Application, ExamRecord]:
    app = _application(ctx, data)
    record = ctx.session.scalar(select(ExamRecord).where(ExamRecord.application_id == app.id))
    if record is None:
        raise LookupError(f"application {app.application_no} has no seat")
    return app, record


def exam_ticket(ctx: HandlerContext, data: Mapping[str, Any]) -> dict[str, Any]:
    """受検票の内容: the seat as the registry holds it now (after a change of venue, room or dates)."""
    _, record = _record(ctx, data)
    return _ticket(record, ctx.session.get(ExamSession, record.session_id))


def ticket_issued(ctx: HandlerContext, data: Mapping[str, Any]) -> dict[str, Any]:
    """受検票発行日: the ticket of this version went out."""
    app, record = _record(ctx, data)
    record.ticket_issued_version = max(record.ticket_issued_version, int(data.get("ticket_version") or 1))
    app.admission_ticket_issued_on = _now(ctx).astimezone(JST).date()
    return {"admission_ticket_issued_on": app.admission_ticket_issued_on.isoformat()}


def record_result(ctx: HandlerContext, data: Mapping[str, Any]) -> dict[str, Any]:
    """合否の登録: marks, attendance and the approved result into 受検管理."""
    app = _application(ctx, data)
    record = ctx.session.scalars(select(ExamRecord).where(ExamRecord.application_id == app.id)).one()
    result = data["result"]
    record.written_attended, record.practical_attended = data.get("written_attended"), data.get("practical_attended")
    record.written_score, record.practical_score = data.get("written_score"), data.get("practical_score")
    record.written_passed = result in ("pass", "partial_written")
    record.practical_passed = result in ("pass", "partial_practical")
    record.result = result
    app.status = result
    return {"result_recorded": True}


def register_passer(ctx: HandlerContext, data: Mapping[str, Any]) -> dict[str, Any]:
    """合格者登録: issue the 技能士番号 and the certificate number."""
    app = _application(ctx, data)
    year = app.fiscal_year
    ginoshi = format_number("ginoshi", ctx.tenant, year, allocate(ctx.session, ctx.tenant, year, "ginoshi"))
    certificate = format_number("certificate", ctx.tenant, year,
                                allocate(ctx.session, ctx.tenant, year, "certificate"))
    passed_on = _day(data["announcementDate"][:10])
    ctx.session.add(Passer(tenant=ctx.tenant, application_id=app.id, fiscal_year=year, ginoshi_no=ginoshi,
                           certificate_no=certificate, passed_on=passed_on, certificate_count=1, reissue_count=0))
    return {"ginoshi_no": ginoshi, "certificate_no": certificate, "passed_on": passed_on.isoformat()}


def revoke_pass(ctx: HandlerContext, data: Mapping[str, Any]) -> dict[str, Any]:
    """合格取消: record the date and reason on the passer's record; the 技能士番号 stays issued."""
    app = _application(ctx, data)
    passer = ctx.session.scalar(select(Passer).where(Passer.application_id == app.id))
    if passer is None:
        raise LookupError(f"application {app.application_no} has no pass to revoke")
    reason = str(data.get("revocation_reason") or "").strip()
    if not reason:
        raise ValueError("a revocation needs a reason (合格取消理由)")
    passer.revoked_on, passer.revocation_reason = _now(ctx).date(), reason
    app.status = "revoked"
    applicant = ctx.session.get(Applicant, app.applicant_id)
    return {"revocation_date": passer.revoked_on.isoformat(), "revocation_reason": reason,
            "ginoshi_no": passer.ginoshi_no, "certificate_no": passer.certificate_no,
            "passed_on": passer.passed_on.isoformat(), "applicant_name": applicant.name, "grade": app.grade,
            "trade_name": app.trade_name, "task_name": app.task_name}


CORRECTABLE = {"move": ("address",), "name_change": ("applicant_name", "name_kana"),
               "request": ("address", "applicant_name", "name_kana", "phone", "postal_code")}


def apply_correction(ctx: HandlerContext, data: Mapping[str, Any]) -> dict[str, Any]:
    """訂正・変更: apply an accepted change to the applicant and bump the national record's version."""
    app = _application(ctx, data)
    applicant = ctx.session.get(Applicant, app.applicant_id)
    kind = data.get("change_kind")
    changed: dict[str, Any] = {}
    if kind == "death":
        applicant.status = "deceased"
        changed["status"] = "deceased"
    elif kind in CORRECTABLE:
        for field in CORRECTABLE[kind]:
            value = data.get(f"new_{field}")
            if value:
                setattr(applicant, "name" if field == "applicant_name" else field, value)
                changed[field] = value
    else:
        raise ValueError(f"change_kind must be one of death, {', '.join(CORRECTABLE)}; not {kind!r}")
    if not changed:
        raise ValueError("the correction changes nothing")
    app.national_version += 1
    return {"applied_change": sorted(changed), "national_version": app.national_version,
            "applicant_name": applicant.name, "name_kana": applicant.name_kana, "grade": app.grade,
            "trade_name": app.trade_name, "fiscal_year": app.fiscal_year}


def accept_application(ctx: HandlerContext, data: Mapping[str, Any]) -> dict[str, Any]:
    """納付書の発行 (fees.py), and for an e-Gov application its 電子通知書 of 受理 with the amount and the deadline."""
    result = issue_fee_slip(ctx, data)
    app = _application(ctx, data)
    if app.channel == "egov":
        egov_notices.accepted(ctx.session, ctx.tenant, app.application_no, int(result.get("fee_amount") or 0),
                              data.get("feeDeadline"), result.get("payment_slip_no"), _now(ctx))
    return result


def register(registry: HandlerRegistry) -> None:
    """The registry's topics, all local: their writes commit with the step."""
    for topic, handler in (("registry.register_application", register_application),
                           ("registry.close_application", close_application),
                           ("registry.issue_fee_slip", accept_application),
                           ("registry.record_payment", record_payment),
                           ("registry.settle_fee", settle_fee),
                           ("registry.refund_fee", refund_fee),
                           ("registry.schedule_exam", schedule_exam),
                           ("registry.exam_ticket", exam_ticket),
                           ("registry.ticket_issued", ticket_issued),
                           ("registry.total_practical", total_practical),
                           ("registry.record_result", record_result),
                           ("registry.register_passer", register_passer),
                           ("registry.revoke_pass", revoke_pass),
                           ("registry.apply_correction", apply_correction)):
        registry.register(topic, handler, "local")
