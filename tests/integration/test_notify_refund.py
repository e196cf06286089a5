"""application.bpmn's notices through the engine: 手数料還付のお知らせ after each refund (a payment of the wrong amount
refunded in full, a wait-listed application withdrawn), the 納付書番号 on its own line of the fee request and the
試験室 on its own line of the 受検票."""
from __future__ import annotations

import re

from handlers.notify import inbox
# ruff: noqa: F811 — the lifecycle fixtures are imported by name, and tests take them as arguments
from tests.integration.test_exam_sessions import TRADE, _session, _venue
from tests.integration.test_fees import _approved, _pay
from tests.integration.test_lifecycle import Life, handlers, life, services  # noqa: F401


def _rows(html: str) -> dict[str, str]:
    return dict(re.findall(r"<tr><th>([^<]+)</th><td>([^<]*)</td></tr>", html))


def _notices(life: Life, iid: int, kind: str) -> list[dict]:
    pseudonym = life.engine.instance(iid)["variables"]["pseudonym_id"]
    with life.engine.reading() as s:
        return [m for m in inbox(s, pseudonym) if m["kind"] == kind]


def test_a_refund_of_a_wrong_payment_sends_the_refund_notice(life) -> None:  # type: ignore[no-untyped-def]
    iid, app_id, v = _approved(life)
    [request] = _notices(life, iid, "fee_request")
    fields = _rows(request["body_html"])
    assert fields["納付書番号"] == v["payment_slip_no"] == "N1326000001"
    _pay(life, iid, app_id, 5_000)
    life.complete(iid, "fee_discrepancy", "reviewer1", fee_resolution="refund", fee_note="担当者だけが読むメモ")
    info = life.engine.instance(iid)
    assert info["status"] == "completed" and life.path(iid)[-3:] == ["refund_fee", "notify_refund", "end_refunded"]
    [notice] = _notices(life, iid, "refund_notice")
    assert notice["subject"] == "【技能検定】手数料還付のお知らせ"
    assert info["variables"]["notice_refund_notice_id"] == notice["id"]
    fields = _rows(notice["body_html"])
    assert fields["還付金額"] == "5,000円" and fields["申請受付番号"] == app_id  # what was paid, not the fee asked
    assert fields["還付の理由"].startswith("納付額が請求額と異なり") and "担当者だけが読むメモ" not in notice["body_html"]
    assert fields["試験"] == "令和8年度前期" and fields["等級・職種（作業）"] == "2級 機械加工（普通旋盤作業）"
    mails = [m for m in life.services["smtp"].messages if m["To"] == v["email"]]
    assert [m["Subject"] for m in mails] == ["【技能検定】手数料納付依頼", "【技能検定】手数料還付のお知らせ"]


def test_a_wait_listed_application_refunded_gets_the_notice(life) -> None:  # type: ignore[no-untyped-def]
    venue = _venue(life, "城東試験場", "第1教室:1")
    _session(life, "E-ONE", venue, 1)
    seated, waiting = (_approved(life, **TRADE) for _ in range(2))
    ticket = _pay(life, seated[0], seated[1], seated[2]["fee_amount"])
    assert ticket["seat_status"] == "assigned"
    fee = waiting[2]["fee_amount"]
    assert _pay(life, waiting[0], waiting[1], fee)["seat_status"] == "waitlisted"
    life.complete(waiting[0], "resolve_waitlist", "reviewer1", waitlist_decision="refund", waitlist_note="辞退")
    assert life.path(waiting[0])[-3:] == ["refund_waitlisted", "notify_refund_waitlisted", "end_waitlist_refunded"]
    [notice] = _notices(life, waiting[0], "refund_notice")
    fields = _rows(notice["body_html"])
    assert fields["還付金額"] == f"{fee:,}円" and fields["還付の理由"].startswith("試験日程の定員に空きがなく")
    assert _notices(life, seated[0], "refund_notice") == []
    # the seated one's 受検票: the room on its own line, the seat without it
    [admission] = _notices(life, seated[0], "admission_ticket")
    fields = _rows(admission["body_html"])
    assert (fields["試験場"], fields["試験室"], fields["座席番号"]) == ("城東試験場", "第1教室", "001番")
