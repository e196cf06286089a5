"""手数料 in application.bpmn: fees.dmn's amounts on a 納付書 with a gap-free number, and a payment of the wrong
amount going to a person who accepts it, settles the difference or refunds it."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from handlers.notify import inbox
from handlers.registry.models import Application, ExamRecord
# ruff: noqa: F811 — the lifecycle fixtures are imported by name, and tests take them as arguments
from tests.integration.test_lifecycle import Life, handlers, life, services  # noqa: F401


def _age(birth: str) -> int:
    """Full years on 1 April 2026, as fees.dmn counts them."""
    b = date.fromisoformat(birth)
    return 2026 - b.year - ((b.month, b.day) > (4, 1))


def _approved(life: Life, **over: object) -> tuple[int, str, dict]:
    iid, app_id = life.apply(**over)
    life.complete(iid, "eligibility_review", "reviewer1", decision="approve")
    return iid, app_id, life.engine.instance(iid)["variables"]


def _pay(life: Life, iid: int, app_id: str, amount: int, n: int = 1) -> dict:
    assert life.engine.correlate("fee_paid", app_id, {"fee_paid_amount": amount}, message_id=f"PAY-{app_id}-{n}")[
        "status"] == "delivered"
    life.drain()
    return life.engine.instance(iid)["variables"]


def _row(life: Life, app_id: str) -> Application:
    with life.engine.reading() as s:
        return s.scalar(select(Application).where(Application.application_no == app_id))


def test_the_fee_request_carries_the_tables_amounts_and_a_slip_number(life) -> None:  # type: ignore[no-untyped-def]
    iid, app_id, v = _approved(life)  # 2級: 9,200円 under 35 on 1 April, else 18,200円
    practical = 9_200 if _age(v["birth_date"]) < 35 else 18_200
    assert (v["fee_written"], v["fee_practical"], v["fee_amount"]) == (3_100, practical, 3_100 + practical)
    assert v["fee_practical_basis"] == ("若年者減額" if practical == 9_200 else "標準額")
    assert "fee_part" not in v and v["fee_written_row"] == {"amount": 3_100, "basis": "標準額"}  # as Camunda 7 sets it
    assert v["payment_slip_no"] == "N1326000001" and v["payment_method"] == "納付書による払込"
    _, second, w = _approved(life, written_exemption_claimed=True)  # 学科 exempted: 0円 for it
    assert w["fee_written"] == 0 and w["fee_amount"] == w["fee_practical"] in (9_200, 18_200)
    assert w["payment_slip_no"] == "N1326000002"  # gap-free per prefecture and year
    life.drain()
    with life.engine.reading() as s:
        [notice] = [m for m in inbox(s, v["pseudonym_id"]) if m["kind"] == "fee_request"]
    assert f"{3_100 + practical:,}" in notice["body_html"] and f"{practical:,}" in notice["body_html"]
    assert "N1326000001" in notice["body_html"]
    paid = _pay(life, iid, app_id, 3_100 + practical)
    assert paid["fee_payment"] == "exact" and paid["seat_status"] == "assigned"
    row = _row(life, app_id)
    assert (row.written_fee, row.practical_fee, row.fee_paid_total, row.fee_status) == \
        (3_100, practical, 3_100 + practical, "paid")
    assert row.payment_slip_issued_on == date(2026, 4, 1) and row.practical_fee_paid_on == date(2026, 4, 1)
    assert _row(life, second).written_fee_paid_on is None  # no fee, nothing paid for it


def test_both_parts_exempted_costs_nothing_and_goes_straight_to_the_seat(life) -> None:  # type: ignore[no-untyped-def]
    iid, app_id, v = _approved(life, written_exemption_claimed=True, practical_exemption_claimed=True)
    assert v["fee_amount"] == 0 and v["payment_slip_no"] is None and v["seat_status"] == "assigned"
    assert "request_fee" not in life.path(iid) and "await_fee" not in life.path(iid)
    assert _row(life, app_id).fee_status == "waived"


def test_a_short_payment_goes_to_a_person_who_asks_for_the_rest(life) -> None:  # type: ignore[no-untyped-def]
    iid, app_id, v = _approved(life)
    due = v["fee_amount"]
    short = _pay(life, iid, app_id, due - 1_300)
    assert short["fee_payment"] == "short" and short["fee_difference"] == 1_300
    task = life.task(iid, "fee_discrepancy")
    assert task["candidate_groups"] and "schedule_exam" not in life.path(iid)
    life.complete(iid, "fee_discrepancy", "reviewer1", fee_resolution="settle_difference", fee_note="不足")
    assert [t["element_id"] for t in life.engine.tasks(instance_id=iid)] == []
    with life.engine.reading() as s:  # a second 納付依頼 for the difference only
        requests = [m["body_html"] for m in inbox(s, v["pseudonym_id"]) if m["kind"] == "fee_request"]
    assert len(requests) == 2 and any("1,300" in r and "不足" in r for r in requests)
    done = _pay(life, iid, app_id, 1_300, n=2)
    assert done["fee_payment"] == "exact" and done["seat_status"] == "assigned" and done["fee_amount"] == due
    assert _row(life, app_id).fee_paid_total == due


def test_an_overpayment_is_accepted_and_the_excess_refunded(life) -> None:  # type: ignore[no-untyped-def]
    iid, app_id, v = _approved(life)
    assert _pay(life, iid, app_id, v["fee_amount"] + 700)["fee_payment"] == "over"
    life.complete(iid, "fee_discrepancy", "reviewer1", fee_resolution="settle_difference")
    row = _row(life, app_id)
    assert (row.fee_status, row.fee_refund, row.status) == ("accepted", 700, "scheduled")


def test_a_person_accepts_a_short_payment_or_refunds_all(life) -> None:  # type: ignore[no-untyped-def]
    kept, kept_id, v = _approved(life)
    _pay(life, kept, kept_id, v["fee_amount"] - 300)
    life.complete(kept, "fee_discrepancy", "reviewer1", fee_resolution="accept", fee_note="端数は免除")
    assert life.engine.instance(kept)["variables"]["seat_status"] == "assigned"
    assert (_row(life, kept_id).fee_status, _row(life, kept_id).fee_refund) == ("accepted", None)
    back, back_id, _ = _approved(life)
    _pay(life, back, back_id, 5_000)
    life.complete(back, "fee_discrepancy", "reviewer1", fee_resolution="refund")
    assert life.path(back)[-1] == "end_refunded"
    row = _row(life, back_id)
    assert (row.status, row.fee_status, row.fee_refund) == ("refunded", "refunded", 5_000)
    with life.engine.reading() as s:
        assert s.scalar(select(ExamRecord).where(ExamRecord.application_id == row.id)) is None  # no seat taken
