"""Certificate requests after a pass (再交付, 合格証明書): the registry's local handlers and the 別添1 counters.

certificate_request.bpmn runs one instance per request. Its registry steps, all local (they commit with the step):

    registry.register_certificate_request   受付: check the request, find the pass, give the 交付申請番号
    registry.certificate_fee_slip           納付書: certificate_fee.dmn's amount per copy × copies
    registry.record_certificate_payment     手数料の収納: exact, or a difference a person settles
    registry.issue_certificate              交付: the counters of 合格者データ, in one UPDATE each
    registry.close_certificate_request      不交付・期限切れ (camunda:property outcome = refused | lapsed)

A request goes to the prefecture that issued the pass: a 申請受付ID or 技能士番号 of another prefecture is
refused by its form alone, so nothing tells whether that prefecture has such a pass. A revoked pass gets no
certificate, at the request and again at the issue (a revocation while the fee is awaited).
"""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone
from typing import Any, Mapping

from sqlalchemy import select, update

from handlers.base import BpmnError, HandlerContext, HandlerRegistry
from handlers.registry.models import Applicant, Application, CertificateRequest, Passer
from handlers.registry.fees import whole_yen
from handlers.registry.numbering import allocate, format_number
from handlers.registry.rounds import round_of

JST = timezone(timedelta(hours=9))
FEE_DAYS = 30  # 納付期限: 30 days after the 納付書
KINDS = ("reissue", "certificate_of_pass")
LANGUAGES = ("ja", "en")
CHANNELS = ("portal", "paper")
MEDIA = ("paper", "electronic")
REASONS = ("lost", "damaged", "name_change")  # 再交付の理由: 紛失, き損, 氏名の変更
MAX_COPIES = 10
APPLICATION_NO = re.compile(r"(\d{2})-\d{4}-A\d{6}")
GINOSHI_NO = re.compile(r"\d{2}-(\d{2})-\d{6}")
# the counter of 合格者データ that one issue adds to (kind, medium or language)
COUNTERS = {("reissue", "paper"): "certificate_count", ("reissue", "electronic"): "electronic_certificate_count",
            ("certificate_of_pass", "ja"): "certificate_of_pass_ja_count",
            ("certificate_of_pass", "en"): "certificate_of_pass_en_count"}
REFUSALS = {  # refusal code -> the sentence staff and the registry keep
    "unknown_pass": "該当する合格者データがありません（申請受付ID・技能士番号を確認してください）。",
    "other_prefecture": "他の都道府県が交付した合格です。合格証書を交付した都道府県に申請してください。",
    "not_own": "申請者本人の合格ではありません。",
    "revoked": "合格が取り消されているため、証明書等を交付できません。",
    "identity": "本人確認ができませんでした。",
    "amount": "納付額が手数料額と異なるため、納付額を還付し、交付しません。",
    "invalid": "申請の内容に誤りがあります。",
}


def _now(ctx: HandlerContext) -> datetime:
    return ctx.now or datetime.now(timezone.utc)


def _whole(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def check_request(data: Mapping[str, Any]) -> list[tuple[str, str]]:
    """What is wrong with a request's form, as (field, sentence); [] when it may be filed."""
    problems: list[tuple[str, str]] = []
    kind, channel = data.get("request_kind"), data.get("channel")
    language, medium = data.get("language") or "ja", data.get("medium") or "paper"
    if kind not in KINDS:
        problems.append(("request_kind", f"request_kind must be one of {', '.join(KINDS)}, not {kind!r}"))
    if channel not in CHANNELS:
        problems.append(("channel", f"channel must be one of {', '.join(CHANNELS)}, not {channel!r}"))
    if language not in LANGUAGES:
        problems.append(("language", f"language must be ja or en, not {language!r}"))
    elif kind == "reissue" and language != "ja":
        problems.append(("language", "a 合格証書 is reissued in Japanese only"))
    if medium not in MEDIA:
        problems.append(("medium", f"medium must be paper or electronic, not {medium!r}"))
    elif medium == "electronic" and channel == "paper":
        problems.append(("medium", "a paper request is answered on paper"))
    copies = _whole(data.get("copies", 1))
    if copies is None or not 1 <= copies <= MAX_COPIES:
        problems.append(("copies", f"copies must be a whole number from 1 to {MAX_COPIES}"))
    elif copies != 1 and (kind == "reissue" or medium == "electronic"):
        problems.append(("copies", "a reissue, and an electronic document, is one copy"))
    if kind == "reissue" and data.get("reason") not in REASONS:
        problems.append(("reason", f"a reissue needs its reason: one of {', '.join(REASONS)}"))
    if len(str(data.get("note") or "")) > 400:
        problems.append(("note", "the note is 400 characters at most"))
    if not (data.get("application_id") or data.get("ginoshi_no")):
        problems.append(("application_id", "name the pass: its 申請受付ID or 技能士番号"))
    if channel == "portal" and not data.get("pseudonym_id"):
        problems.append(("pseudonym_id", "a portal request carries the signed-in applicant's pseudonymous ID"))
    if channel == "paper":
        if not str(data.get("requester_name") or "").strip():
            problems.append(("requester_name", "a paper request gives the requester's name (本人確認)"))
        try:
            date.fromisoformat(str(data.get("requester_birth_date") or "")[:10])
        except ValueError:
            problems.append(("requester_birth_date", "a paper request gives the requester's date of birth"))
    return problems


def other_prefecture(tenant: str, data: Mapping[str, Any]) -> bool:
    """Whether the number names another prefecture (by its form only: nothing is read of that prefecture)."""
    for value, pattern in ((data.get("application_id"), APPLICATION_NO), (data.get("ginoshi_no"), GINOSHI_NO)):
        found = pattern.fullmatch(str(value or "").strip())
        if found and found.group(1) != tenant:
            return True
    return False


def find_pass(session: Any, tenant: str, data: Mapping[str, Any]) -> tuple[Passer, Application, Applicant] | None:
    """The pass a request names, by 申請受付ID or 技能士番号, in this prefecture only."""
    query = (select(Passer, Application, Applicant).join(Application, Application.id == Passer.application_id)
             .join(Applicant, Applicant.id == Application.applicant_id)
             .where(Passer.tenant == tenant, Application.tenant == tenant))
    if data.get("application_id"):
        query = query.where(Application.application_no == str(data["application_id"]).strip())
    if data.get("ginoshi_no"):
        query = query.where(Passer.ginoshi_no == str(data["ginoshi_no"]).strip())
    row = session.execute(query.limit(1)).first()
    return (row[0], row[1], row[2]) if row is not None else None


def _request_no(ctx: HandlerContext, year: int) -> str:
    """交付申請番号 13-2026-C000001: gap-free per prefecture and year (numbering.py)."""
    return format_number("cert_request", ctx.tenant, year, allocate(ctx.session, ctx.tenant, year, "cert_request"))


def _refused(code: str, request: CertificateRequest | None, now: datetime) -> dict[str, Any]:
    if request is not None:
        request.status, request.refusal_code, request.refusal_reason = "refused", code, REFUSALS[code]
        request.closed_at = now
    return {"request_status": "refused", "refusal_code": code, "refusal_reason": REFUSALS[code]}


def register_request(ctx: HandlerContext, data: Mapping[str, Any]) -> dict[str, Any]:
    """受付: a well-formed request is recorded (refused ones too, with the reason) and numbered."""
    problems = check_request(data)
    if problems:  # nothing to record: the process ends refused with the sentences in its data
        return {"request_status": "refused", "refusal_code": "invalid",
                "refusal_reason": REFUSALS["invalid"] + " " + "; ".join(f"{f}: {m}" for f, m in problems)}
    now = _now(ctx)
    found = None if other_prefecture(ctx.tenant, data) else find_pass(ctx.session, ctx.tenant, data)
    passer, app, person = found if found is not None else (None, None, None)
    birth = data.get("requester_birth_date")
    request = CertificateRequest(
        tenant=ctx.tenant, request_no=_request_no(ctx, round_of(now.astimezone(JST))[0]),
        pass_no=str(data.get("application_id") or data.get("ginoshi_no")).strip()[:32],
        passer_id=passer.id if passer else None, application_id=app.id if app else None, kind=data["request_kind"],
        language=data.get("language") or "ja", medium=data.get("medium") or "paper", channel=data["channel"],
        copies=_whole(data.get("copies", 1)), reason=data.get("reason") if data["request_kind"] == "reissue" else None,
        note=str(data.get("note") or "").strip() or None,
        requester_name=str(data.get("requester_name") or "").strip() or None,
        requester_birth_date=date.fromisoformat(str(birth)[:10]) if birth else None, status="received",
        requested_at=now, requested_by=data.get("requested_by"), instance_id=ctx.instance_id)
    ctx.session.add(request)
    ctx.session.flush()
    out: dict[str, Any] = {"request_no": request.request_no, "copies": request.copies,
                           "language": request.language, "medium": request.medium, "prefecture": ctx.tenant,
                           "fee_exemption": bool(data.get("fee_exemption"))}
    if other_prefecture(ctx.tenant, data):
        return {**out, **_refused("other_prefecture", request, now)}
    if passer is None:
        return {**out, **_refused("unknown_pass", request, now)}
    out.update(application_id=app.application_no, ginoshi_no=passer.ginoshi_no,
               certificate_no=passer.certificate_no, applicant_name=person.name,
               passer_birth_date=person.birth_date.isoformat(), grade=app.grade, trade_name=app.trade_name,
               task_name=app.task_name, passed_on=passer.passed_on.isoformat())
    if data["channel"] == "portal" and person.pseudonym_id != data.get("pseudonym_id"):
        return {**out, **_refused("not_own", request, now)}
    if passer.revoked_on is not None:
        return {**out, **_refused("revoked", request, now)}
    return {**out, "request_status": "received", "refusal_code": None, "refusal_reason": None}


def _request(ctx: HandlerContext, data: Mapping[str, Any]) -> CertificateRequest:
    request = ctx.session.scalar(select(CertificateRequest).where(
        CertificateRequest.tenant == ctx.tenant, CertificateRequest.request_no == data.get("request_no")))
    if request is None:
        raise LookupError(f"certificate request {data.get('request_no')} of prefecture {ctx.tenant} does not exist")
    return request


def fee_slip(ctx: HandlerContext, data: Mapping[str, Any]) -> dict[str, Any]:
    """納付書: the fee per copy (certificate_fee.dmn) × copies, and a 納付書番号 unless it is 0円."""
    request = _request(ctx, data)
    request.fee = whole_yen(data.get("fee_per_copy"), "fee_per_copy") * request.copies
    now = _now(ctx)
    if request.fee == 0:
        return {"fee_amount": 0, "payment_slip_no": None, "fee_status": "waived"}
    if request.payment_slip_no is None:  # the 納付書番号 of the prefecture's one sequence (applications' too)
        year = round_of(now.astimezone(JST))[0]
        request.payment_slip_no = format_number("payment_slip", ctx.tenant, year,
                                                allocate(ctx.session, ctx.tenant, year, "payment_slip"))
    request.status, request.fee_paid_total = "fee_due", 0
    label = "合格証書再交付手数料" if request.kind == "reissue" else "合格証明書交付手数料"
    return {"fee_amount": request.fee, "payment_slip_no": request.payment_slip_no, "fee_status": "due",
            "feeDeadline": (now + timedelta(days=FEE_DAYS)).isoformat(),
            "breakdown": [{"label": f"{label}（{request.copies}通）", "amount": request.fee}],
            "payment_method": "納付書による払込"}  # the 納付書番号 has its own line (payment_slip_no)


def record_payment(ctx: HandlerContext, data: Mapping[str, Any]) -> dict[str, Any]:
    """手数料の収納: the payment against the fee; exact, short or over."""
    request = _request(ctx, data)
    amount = data.get("fee_paid_amount")
    request.fee_paid_total = (request.fee_paid_total or 0) + (whole_yen(amount, "fee_paid_amount") if amount is not None
                                                              else 0)
    raw = data.get("fee_paid_on")
    request.fee_paid_on = date.fromisoformat(raw[:10]) if isinstance(raw, str) else _now(ctx).astimezone(JST).date()
    difference = (request.fee or 0) - request.fee_paid_total
    status = "exact" if difference == 0 else "short" if difference > 0 else "over"
    return {"fee_paid_total": request.fee_paid_total, "fee_difference": difference, "fee_payment": status,
            "fee_paid_amount": None}


def issue_certificate(ctx: HandlerContext, data: Mapping[str, Any]) -> dict[str, Any]:
    """交付: add to the counter of 合格者データ (one UPDATE: concurrent issues queue on the row, none is lost)."""
    request = _request(ctx, data)
    passer = ctx.session.get(Passer, request.passer_id)
    if passer is None:
        raise LookupError(f"certificate request {request.request_no} names no pass")
    if passer.revoked_on is not None:
        raise BpmnError("pass_revoked", f"the pass of {request.request_no} was revoked on {passer.revoked_on}")
    counter = COUNTERS[(request.kind, request.medium if request.kind == "reissue" else request.language)]
    values: dict[str, Any] = {counter: getattr(Passer, counter) + request.copies}
    if request.kind == "reissue":
        values["reissue_count"] = Passer.reissue_count + 1
    ctx.session.execute(update(Passer).where(Passer.id == passer.id).values(**values))
    now = _now(ctx)
    request.status, request.issued_at, request.closed_at = "issued", now, now
    ctx.session.flush()
    ctx.session.refresh(passer)
    return {"request_status": "issued", "issued_at": now.isoformat(), "document_kind": document_kind(request),
            "reissue_count": passer.reissue_count, counter: getattr(passer, counter)}


def document_kind(request: CertificateRequest) -> str:
    """The document a request issues: the 合格証書 (reissued), or the 合格証明書 in its language."""
    return "certificate" if request.kind == "reissue" else f"certificate_of_pass_{request.language}"


def close_request(ctx: HandlerContext, data: Mapping[str, Any]) -> dict[str, Any]:
    """不交付 or 期限切れ (camunda:property outcome): the request ends with its reason; a payment is refunded."""
    outcome = ctx.properties.get("outcome")
    if outcome not in ("refused", "lapsed"):
        raise ValueError("registry.close_certificate_request needs camunda:property outcome refused or lapsed")
    request = _request(ctx, data)
    now = _now(ctx)
    if outcome == "lapsed":
        request.status, request.closed_at = "lapsed", now
        return {"request_status": "lapsed"}
    code = ctx.properties.get("reason") or data.get("refusal_code") or "invalid"
    out = _refused(code if code in REFUSALS else "invalid", request, now)
    typed = str(data.get("refusal_note") or "").strip()
    if typed:  # the reviewer's own words after the standard sentence
        request.refusal_reason = out["refusal_reason"] = f"{REFUSALS[request.refusal_code]} {typed}"[:1000]
    return out


def register(handlers: HandlerRegistry) -> None:
    """The certificate requests' topics, all local: their writes commit with the step."""
    for topic, handler in (("registry.register_certificate_request", register_request),
                           ("registry.certificate_fee_slip", fee_slip),
                           ("registry.record_certificate_payment", record_payment),
                           ("registry.issue_certificate", issue_certificate),
                           ("registry.close_certificate_request", close_request)):
        handlers.register(topic, handler, "local")
