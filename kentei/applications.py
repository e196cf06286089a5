"""`kentei applications --tenant NN [--json]`: a prefecture's applications, their seat and their 受検票."""
from __future__ import annotations

import json

import click


@click.command("applications")
@click.option("--tenant", required=True, help="the prefecture code (01–47)")
@click.option("--json", "as_json", is_flag=True)
def applications(tenant: str, as_json: bool) -> None:
    """List applications: 申請受付ID, status, 受検番号, session and seat, and whether the 受検票 was issued."""
    from sqlalchemy import select

    from handlers.registry.models import Application, ExamRecord, ExamSession
    from kentei.sessions import _tenant, opened
    tenant = _tenant(tenant)
    with opened() as engine, engine.reading() as s:
        found = s.execute(
            select(Application, ExamRecord, ExamSession.code)
            .outerjoin(ExamRecord, ExamRecord.application_id == Application.id)
            .outerjoin(ExamSession, ExamSession.id == ExamRecord.session_id)
            .where(Application.tenant == tenant).order_by(Application.application_no)).all()
        rows = [{"application_id": a.application_no, "status": a.status, "grade": a.grade, "trade_code": a.trade_code,
                 "fee_amount": None if a.written_fee is None else (a.written_fee or 0) + (a.practical_fee or 0),
                 "payment_slip_no": a.payment_slip_no, "examinee_no": r.examinee_no if r else None,
                 "session": code, "venue": r.venue if r else None, "room": r.room if r else None,
                 "seat_no": r.seat_no if r else None,
                 "admission_ticket_issued": bool(r is not None and r.ticket_issued_version > 0),
                 "admission_ticket_issued_on": a.admission_ticket_issued_on} for a, r, code in found]
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, default=str))
        return
    for r in rows:
        seat = f"{r['session']} {r['room']} {r['seat_no']}" if r["session"] else "-"
        click.echo(f"{r['application_id']}\t{r['status']}\t{r['examinee_no'] or '-'}\t{seat}\t"
                   f"ticket {'issued' if r['admission_ticket_issued'] else 'not issued'}")
