"""手数料: the 納付書 (payment slip) with fees.dmn's amounts, the payments against it, and refunds.

A payment of the amount asked is taken; any other amount goes to a person (application.bpmn's
納付額相違の処理), who accepts it, settles the difference (asks for what is missing, refunds what is over)
or refunds it all.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from typing import Any, Mapping

from sqlalchemy import select

from handlers.base import HandlerContext
from handlers.registry.models import Application
from handlers.registry.numbering import allocate, format_number

JST = timezone(timedelta(hours=9))  # the day a fee was paid, as the prefecture's books count it


def _application(ctx: HandlerContext, data: Mapping[str, Any]) -> Application:
    app = ctx.session.scalar(select(Application).where(Application.tenant == ctx.tenant,
                                                       Application.application_no == data["application_id"]))
    if app is None:
        raise LookupError(f"application {data.get('application_id')} of prefecture {ctx.tenant} does not exist")
    return app


def whole_yen(value: Any, name: str) -> int:
    """A fee or payment as whole yen, 0 or more (a decision's amount, a payment message's)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0 or int(value) != value:
        raise ValueError(f"{name} must be a whole number of yen, 0 or more, not {value!r}")
    return int(value)


def _today(ctx: HandlerContext) -> date:
    return (ctx.now or datetime.now(timezone.utc)).astimezone(JST).date()


def due(app: Application) -> int:
    """What the application owes in all: 学科 and 実技 fees."""
    return (app.written_fee or 0) + (app.practical_fee or 0)


def issue_fee_slip(ctx: HandlerContext, data: Mapping[str, Any]) -> dict[str, Any]:
    """納付書の発行: the amounts of fees.dmn and a 納付書番号 (gap-free per prefecture and year); none when 0円."""
    app = _application(ctx, data)
    app.written_fee = whole_yen(data.get("fee_written"), "fee_written")
    app.practical_fee = whole_yen(data.get("fee_practical"), "fee_practical")
    total = due(app)
    breakdown = [{"label": "学科手数料", "amount": app.written_fee}, {"label": "実技手数料", "amount": app.practical_fee}]
    if total == 0:
        app.fee_status = "waived"
        return {"fee_amount": 0, "payment_slip_no": None, "breakdown": breakdown, "fee_status": "waived"}
    if app.payment_slip_no is None:  # a retried step keeps its number (the rollback gave the counter back)
        year = app.fiscal_year
        app.payment_slip_no = format_number("payment_slip", ctx.tenant, year,
                                            allocate(ctx.session, ctx.tenant, year, "payment_slip"))
        app.payment_slip_issued_on = _today(ctx)
    app.fee_status, app.fee_paid_total = "due", app.fee_paid_total or 0
    return {"fee_amount": total, "payment_slip_no": app.payment_slip_no, "breakdown": breakdown, "fee_status": "due",
            "payment_method": "納付書による払込"}  # the 納付書番号 has its own line (payment_slip_no)


def record_payment(ctx: HandlerContext, data: Mapping[str, Any]) -> dict[str, Any]:
    """手数料の収納: add the payment to what was paid; exact, short or over against what is due."""
    app = _application(ctx, data)
    amount = data.get("fee_paid_amount")
    paid = whole_yen(amount, "fee_paid_amount") if amount is not None else 0  # a payment without an amount: a person looks
    app.fee_paid_total = (app.fee_paid_total or 0) + paid
    raw_day = data.get("fee_paid_on")
    paid_on = date.fromisoformat(raw_day[:10]) if isinstance(raw_day, str) else _today(ctx)
    if app.written_fee:
        app.written_fee_paid_on = app.written_fee_paid_on or paid_on
    if app.practical_fee:
        app.practical_fee_paid_on = app.practical_fee_paid_on or paid_on
    difference = due(app) - app.fee_paid_total
    status = "exact" if difference == 0 else "short" if difference > 0 else "over"
    app.fee_status = "paid" if status == "exact" else status
    return {"fee_paid_total": app.fee_paid_total, "fee_difference": difference, "fee_payment": status,
            "fee_paid_amount": None}  # the next payment's amount comes with its own message


def settle_fee(ctx: HandlerContext, data: Mapping[str, Any]) -> dict[str, Any]:
    """納付額の受付: a person accepted the amount paid; with 差額の精算 an excess is refunded."""
    app = _application(ctx, data)
    excess = max(0, (app.fee_paid_total or 0) - due(app))
    if data.get("fee_resolution") == "settle_difference" and excess:
        app.fee_refund = (app.fee_refund or 0) + excess
    app.fee_status = "accepted"
    return {"fee_status": "accepted", "fee_refund": app.fee_refund or 0}


def refund_fee(ctx: HandlerContext, data: Mapping[str, Any]) -> dict[str, Any]:
    """手数料の還付: everything paid goes back and the application is withdrawn (取下げ)."""
    app = _application(ctx, data)
    app.fee_refund = app.fee_paid_total or 0
    app.fee_status, app.status = "refunded", "refunded"
    app.waitlist_session_id = None
    return {"fee_status": "refunded", "fee_refund": app.fee_refund, "outcome": "refunded"}
