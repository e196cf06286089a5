"""certificate_request.bpmn end to end (再交付, 合格証明書 ja/en): passes made by application.bpmn with the
simulators, then every branch of the request through the engine and the real handlers, the 別添1 counters after
each kind, bad input, and (PostgreSQL) two concurrent issues of one passer losing no increment."""
from __future__ import annotations

import threading
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, update

from engine.errors import NotFound
from handlers.documents.requests import build_request
from handlers.registry.certificates import check_request
from handlers.registry.models import Application, CertificateRequest, Passer
# ruff: noqa: F811 — the lifecycle fixtures are imported by name, and tests take them as arguments
from tests.integration.test_documents import _result
from tests.integration.test_lifecycle import Life, handlers, life, services  # noqa: F401
from tests.unit.test_pdf_documents import pdf_png, pdf_text
from web.portal_oidc import new_pseudonym

COUNTERS = ("certificate_count", "electronic_certificate_count", "certificate_of_pass_ja_count",
            "certificate_of_pass_en_count", "reissue_count")


def passed(life: Life) -> tuple[str, str]:
    """A pass of 2級 機械加工 (application.bpmn to its end): its 申請受付ID and the applicant's pseudonymous ID."""
    pseudonym = new_pseudonym()
    return _result(life, 80, pseudonym_id=pseudonym), pseudonym


def request(life: Life, **data: Any) -> int:
    iid = life.engine.start("certificate_request", "13", data, actor=data.get("requested_by") or "test")
    life.drain()
    return iid


def portal(app_id: str, pseudonym: str, **over: Any) -> dict[str, Any]:
    return {"channel": "portal", "application_id": app_id, "pseudonym_id": pseudonym, "request_kind": "reissue",
            "reason": "lost", "language": "ja", "medium": "electronic", "copies": 1,
            "requested_by": f"portal:{pseudonym}", **over}


def paper(**over: Any) -> dict[str, Any]:
    return {"channel": "paper", "request_kind": "certificate_of_pass", "language": "ja", "medium": "paper",
            "copies": 1, "requester_name": "申請 太郎", "requester_birth_date": "1990-05-01",
            "requested_by": "reviewer1", **over}


def variables(life: Life, iid: int) -> dict[str, Any]:
    return life.engine.instance(iid)["variables"]


def ended(life: Life, iid: int) -> str:
    info = life.engine.instance(iid)
    assert info["status"] == "completed" and info["incidents"] == [], info
    return [h["element_id"] for h in life.engine.history(iid) if h["kind"] == "step"][-1]


def counters(life: Life, app_id: str) -> dict[str, int]:
    with life.engine.reading() as s:
        passer = s.scalar(select(Passer).join(Application, Application.id == Passer.application_id)
                          .where(Application.application_no == app_id))
        return {c: getattr(passer, c) for c in COUNTERS}


def row(life: Life, request_no: str) -> CertificateRequest:
    with life.engine.reading() as s:
        return s.scalars(select(CertificateRequest).where(CertificateRequest.request_no == request_no)).one()


def pay(life: Life, iid: int, amount: int | None = None, message_id: str | None = None) -> dict[str, Any]:
    v = variables(life, iid)
    outcome = life.engine.correlate("fee_paid", v["request_no"], {"fee_paid_amount": v["fee_amount"]
                                                                   if amount is None else amount},
                                    message_id=message_id)
    life.drain()
    return outcome


BEFORE = {"certificate_count": 1, "electronic_certificate_count": 0, "certificate_of_pass_ja_count": 0,
          "certificate_of_pass_en_count": 0, "reissue_count": 0}


def test_a_portal_reissue_is_paid_and_issued_marked_reissued(life, tmp_path: Path):  # type: ignore[no-untyped-def]
    app_id, pseudonym = passed(life)
    assert counters(life, app_id) == BEFORE
    iid = request(life, **portal(app_id, pseudonym))
    v = variables(life, iid)
    assert v["request_no"] == "13-2026-C000001" and v["fee_amount"] == 2000 and v["payment_slip_no"].startswith("N13")
    assert [t["element_id"] for t in life.engine.tasks(instance_id=iid)] == []  # no 本人確認 task: signed in
    assert row(life, v["request_no"]).status == "fee_due"
    assert pay(life, iid)["status"] == "delivered"
    assert ended(life, iid) == "end_issued"
    assert counters(life, app_id) == {**BEFORE, "electronic_certificate_count": 1, "reissue_count": 1}
    issued = row(life, v["request_no"])
    assert issued.status == "issued" and issued.fee == issued.fee_paid_total == 2000 and issued.issued_at
    with life.engine.reading() as s:
        document = build_request(s, v["request_no"], pseudonym_id=pseudonym)
    text = pdf_text(document.data, tmp_path)
    assert "合格証書" in text and "再交付" in text and v["certificate_no"] in text, text
    assert document.filename == "certificate-13-2026-C000001.pdf"
    pdf_png(document.data, "certificate_reissued", tmp_path)
    # a second paper reissue adds to the paper counter and the reissues
    second = request(life, **portal(app_id, pseudonym, medium="paper"))
    pay(life, second)
    assert ended(life, second) == "end_issued"
    assert counters(life, app_id) == {**BEFORE, "certificate_count": 2, "electronic_certificate_count": 1,
                                      "reissue_count": 2}


def test_paper_certificates_of_pass_after_the_identity_check(life, tmp_path: Path):  # type: ignore[no-untyped-def]
    app_id, _ = passed(life)
    with life.engine.reading() as s:
        ginoshi = s.scalar(select(Passer.ginoshi_no))
    ja = request(life, **paper(ginoshi_no=ginoshi, copies=3))
    task = life.task(ja, "identity_check")
    assert task["name"] == "本人確認", task
    v = variables(life, ja)
    assert v["application_id"] == app_id and v["requester_name"] == "申請 太郎" and v["applicant_name"]
    life.complete(ja, "identity_check", "reviewer1", identity_confirmed=True)
    assert variables(life, ja)["fee_amount"] == 3000  # 1,000円 × 3通 (certificate_fee.dmn, a placeholder amount)
    pay(life, ja)
    assert ended(life, ja) == "end_issued"
    en = request(life, **paper(application_id=app_id, language="en"))
    life.complete(en, "identity_check", "reviewer1", identity_confirmed=True)
    pay(life, en)
    assert ended(life, en) == "end_issued"
    assert counters(life, app_id) == {**BEFORE, "certificate_of_pass_ja_count": 3, "certificate_of_pass_en_count": 1}
    life.clock.advance(days=40)  # read later, each is dated the day it was issued
    with life.engine.reading() as s:
        ja_pdf = build_request(s, variables(life, ja)["request_no"], tenant="13")
        en_pdf = build_request(s, variables(life, en)["request_no"], tenant="13")
    assert "合格証明書" in pdf_text(ja_pdf.data, tmp_path) and "令和8年" in pdf_text(ja_pdf.data, tmp_path)
    assert "CERTIFICATE OF PASS" in pdf_text(en_pdf.data, tmp_path)
    pdf_png(en_pdf.data, "certificate_of_pass_en_requested", tmp_path)


def test_a_paper_request_whose_requester_is_not_confirmed_is_refused(life):  # type: ignore[no-untyped-def]
    app_id, _ = passed(life)
    iid = request(life, **paper(application_id=app_id))
    life.complete(iid, "identity_check", "reviewer1", identity_confirmed=False, refusal_note="生年月日が一致しない")
    assert ended(life, iid) == "end_refused_identity"
    refused = row(life, variables(life, iid)["request_no"])
    assert refused.status == "refused" and refused.refusal_code == "identity" and "生年月日が一致しない" in \
        refused.refusal_reason
    assert counters(life, app_id) == BEFORE


def test_an_unpaid_request_lapses_at_its_deadline(life):  # type: ignore[no-untyped-def]
    app_id, pseudonym = passed(life)
    iid = request(life, **portal(app_id, pseudonym))
    life.until(29)
    assert life.engine.instance(iid)["status"] == "running"
    life.until(2)
    assert ended(life, iid) == "end_lapsed"
    assert row(life, variables(life, iid)["request_no"]).status == "lapsed" and counters(life, app_id) == BEFORE
    with pytest.raises(NotFound):  # a payment after the lapse reaches nothing and is not kept
        life.engine.correlate("fee_paid", variables(life, iid)["request_no"], {"fee_paid_amount": 2000},
                              message_id="LATE-1", sender=_payment_gateway())


def _payment_gateway() -> Any:
    from engine.message_rules import Sender
    return Sender("payment1-13", "13", frozenset({"payment"}))


def test_no_fee_when_the_table_says_so(life):  # type: ignore[no-untyped-def]
    app_id, _ = passed(life)
    iid = request(life, **paper(application_id=app_id, request_kind="reissue", reason="damaged", fee_exemption=True))
    life.complete(iid, "identity_check", "reviewer1", identity_confirmed=True)
    v = variables(life, iid)
    assert v["fee_amount"] == 0 and v["payment_slip_no"] is None and v["fee_basis"] == "減免"
    assert ended(life, iid) == "end_issued"
    assert counters(life, app_id) == {**BEFORE, "certificate_count": 2, "reissue_count": 1}


def test_a_wrong_amount_goes_to_a_person(life):  # type: ignore[no-untyped-def]
    app_id, pseudonym = passed(life)
    accepted = request(life, **portal(app_id, pseudonym))
    pay(life, accepted, 1500)
    assert variables(life, accepted)["fee_difference"] == 500
    life.complete(accepted, "fee_discrepancy", "reviewer1", fee_resolution="accept", refusal_note="窓口で差額を収納")
    assert ended(life, accepted) == "end_issued"
    refunded = request(life, **portal(app_id, pseudonym))
    pay(life, refunded, 5000)
    life.complete(refunded, "fee_discrepancy", "reviewer1", fee_resolution="refund")
    assert ended(life, refunded) == "end_refused_amount"
    assert row(life, variables(life, refunded)["request_no"]).refusal_code == "amount"
    assert counters(life, app_id) == {**BEFORE, "electronic_certificate_count": 1, "reissue_count": 1}


def test_refused_at_intake_with_the_reason(life):  # type: ignore[no-untyped-def]
    app_id, pseudonym = passed(life)
    failed = _result(life, 10, pseudonym_id=pseudonym)  # a fail: no pass to certify
    cases = {
        "unknown_pass": portal("13-2026-A999999", pseudonym),
        "no pass": portal(failed, pseudonym),
        "other_prefecture": paper(application_id="27-2026-A000001"),
        "other ginoshi": paper(ginoshi_no="26-27-000001"),
        "not_own": portal(app_id, new_pseudonym()),
    }
    codes = {}
    for label, data in cases.items():
        iid = request(life, **data)
        assert ended(life, iid) == "end_refused_intake", label
        v = variables(life, iid)
        stored = row(life, v["request_no"])
        assert stored.status == "refused" and stored.refusal_reason == v["refusal_reason"], label
        codes[label] = stored.refusal_code
    assert codes == {"unknown_pass": "unknown_pass", "no pass": "unknown_pass", "other_prefecture": "other_prefecture",
                     "other ginoshi": "other_prefecture", "not_own": "not_own"}
    with life.engine.transaction() as s, s.begin():  # 合格取消 (revocation.bpmn's registry.revoke_pass writes this)
        s.execute(update(Passer).values(revoked_on=date(2026, 9, 1), revocation_reason="不正受検"))
    iid = request(life, **portal(app_id, pseudonym))
    assert ended(life, iid) == "end_refused_intake" and variables(life, iid)["refusal_code"] == "revoked"
    assert counters(life, app_id) == BEFORE


def test_a_pass_revoked_while_the_fee_is_awaited_gets_nothing(life):  # type: ignore[no-untyped-def]
    app_id, pseudonym = passed(life)
    iid = request(life, **portal(app_id, pseudonym))
    with life.engine.transaction() as s, s.begin():
        s.execute(update(Passer).values(revoked_on=date(2026, 9, 1), revocation_reason="不正受検"))
    pay(life, iid)
    assert ended(life, iid) == "end_refused_revoked"
    assert row(life, variables(life, iid)["request_no"]).refusal_code == "revoked" and counters(life, app_id) == BEFORE


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_bad_input_is_refused_with_a_sentence_and_stores_nothing(life):  # type: ignore[no-untyped-def]
    app_id, pseudonym = passed(life)
    bad = {"wrong kind": {"request_kind": "diploma"}, "copies 0": {"copies": 0}, "copies 100": {"copies": 100},
           "two reissues": {"medium": "paper", "copies": 2}, "english reissue": {"language": "en"},
           "no reason": {"reason": None}, "copies text": {"copies": "many"}}
    for label, over in bad.items():
        data = portal(app_id, pseudonym, **over)
        assert check_request(data), label
        iid = request(life, **data)
        assert ended(life, iid) == "end_refused_intake", label
        v = variables(life, iid)
        assert v["refusal_code"] == "invalid" and "request_no" not in v, (label, v)
    assert check_request(paper(application_id=app_id, medium="electronic"))[0][0] == "medium"
    assert {f for f, _ in check_request({"channel": "paper", "request_kind": "reissue", "reason": "lost"})} == \
        {"application_id", "requester_name", "requester_birth_date"}
    with life.engine.reading() as s:
        assert s.scalars(select(CertificateRequest)).all() == []
    assert counters(life, app_id) == BEFORE
    # a duplicate payment message: taken once; the counters count one issue
    iid = request(life, **portal(app_id, pseudonym))
    assert pay(life, iid, message_id="PAY-C1")["status"] == "delivered"
    assert pay(life, iid, message_id="PAY-C1")["status"] == "duplicate"
    assert ended(life, iid) == "end_issued"
    assert counters(life, app_id) == {**BEFORE, "electronic_certificate_count": 1, "reissue_count": 1}


@pytest.mark.parametrize("db_url", ["postgres"], indirect=True)
def test_two_concurrent_issues_of_one_passer_lose_no_increment(life):  # type: ignore[no-untyped-def]
    app_id, pseudonym = passed(life)
    iids = [request(life, **portal(app_id, pseudonym, request_kind="certificate_of_pass", reason=None))
            for _ in range(2)]
    gate, errors = threading.Barrier(len(iids)), []

    def pay_now(iid: int) -> None:
        try:
            v = variables(life, iid)
            gate.wait()
            life.engine.correlate("fee_paid", v["request_no"], {"fee_paid_amount": v["fee_amount"]},
                                  message_id=f"PAY-{v['request_no']}")
        except Exception as exc:  # noqa: BLE001 — reported below
            errors.append(repr(exc))

    threads = [threading.Thread(target=pay_now, args=(iid,)) for iid in iids]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert [ended(life, iid) for iid in iids] == ["end_issued", "end_issued"]
    assert counters(life, app_id) == {**BEFORE, "certificate_of_pass_ja_count": 2}


# --- the pages: staff enter paper requests, the applicant requests in the portal --------------------------------

def _site(life: Life, clock: Any, tmp_path: Path) -> Any:
    from tests.integration.test_portal_oidc import make_app
    return make_app(life.engine, clock, tmp_path, portal_demo_signin=True)


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_staff_enter_a_paper_request_and_see_it_through(life, clock, tmp_path: Path):  # type: ignore[no-untyped-def]
    from tests.integration.test_documents import _staff
    app_id, _ = passed(life)
    site = _site(life, clock, tmp_path)
    staff = _staff(site, "reviewer-13", "13", "reviewer")
    assert "certificate-requests-link" in staff.get("/").get_data(as_text=True)
    form = {"pass_no": app_id, "request_kind": "certificate_of_pass", "language": "en", "copies": "2",
            "requester_name": "申請 花子", "requester_birth_date": "1988-02-03", "note": "就職先に提出"}
    for over, field in (({"copies": "0"}, "copies"), ({"copies": "100"}, "copies"), ({"request_kind": "diploma"},
                        "request_kind"), ({"pass_no": "13-2026-A999999"}, "pass_no"),
                        ({"pass_no": "27-2026-A000001"}, "pass_no"), ({"requester_name": ""}, "requester_name")):
        answer = staff.post("/certificate-requests/new", data={**form, **over})
        page = answer.get_data(as_text=True)
        assert answer.status_code == 422 and f'id="err-{field}"' in page, (over, page)
        assert "就職先に提出" in page  # nothing typed is lost
    with life.engine.reading() as s:
        assert s.scalars(select(CertificateRequest)).all() == []
    answer = staff.post("/certificate-requests/new", data=form)
    assert answer.status_code == 302 and answer.headers["Location"].endswith("/certificate-requests/13-2026-C000001")
    page = staff.get("/certificate-requests/13-2026-C000001").get_data(as_text=True)
    assert "受付済み" in page and "英文" in page
    iid = row(life, "13-2026-C000001").instance_id
    life.complete(iid, "identity_check", "reviewer2", identity_confirmed=True)
    page = staff.get("/certificate-requests/13-2026-C000001").get_data(as_text=True)
    assert "手数料の納付待ち" in page and "2,000円" in page
    assert staff.get("/certificate-requests/13-2026-C000001/document.pdf").status_code == 404  # not issued yet
    pay(life, iid)
    answer = staff.get("/certificate-requests/13-2026-C000001/document.pdf")
    assert answer.status_code == 200 and answer.data.startswith(b"%PDF-")
    assert "13-2026-C000001" in staff.get("/certificate-requests/").get_data(as_text=True)
    other = _staff(site, "reviewer-27", "27", "reviewer", "admin")
    for path in ("/certificate-requests/13-2026-C000001", "/certificate-requests/13-2026-C000001/document.pdf"):
        assert other.get(path).status_code == 404
    assert "13-2026-C000001" not in other.get("/certificate-requests/").get_data(as_text=True)
    scorer = _staff(site, "scorer-13", "13", "scorer")
    assert scorer.get("/certificate-requests/").status_code == 404


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_the_applicant_requests_in_the_portal(life, clock, tmp_path: Path):  # type: ignore[no-untyped-def]
    app_id, pseudonym = passed(life)
    other_app, other = passed(life)
    site = _site(life, clock, tmp_path)
    portal = site.test_client()
    assert portal.post("/portal/login", data={"pseudonym": pseudonym}).status_code == 302
    page = portal.get(f"/portal/applications/{app_id}").get_data(as_text=True)
    assert f"/portal/applications/{app_id}/certificates" in page
    assert portal.get(f"/portal/applications/{other_app}/certificates").status_code == 404
    page = portal.get(f"/portal/applications/{app_id}/certificates").get_data(as_text=True)
    token = page.split('name="token" value="')[1].split('"')[0]
    form = {"token": token, "request_kind": "certificate_of_pass", "language": "ja", "medium": "electronic",
            "copies": "3"}
    answer = portal.post(f"/portal/applications/{app_id}/certificates", data=form)
    assert answer.status_code == 422 and 'id="err-copies"' in answer.get_data(as_text=True)
    answer = portal.post(f"/portal/applications/{app_id}/certificates", data={**form, "copies": "1"})
    assert answer.status_code == 302
    request_no = answer.headers["Location"].rsplit("/", 1)[1]
    again = portal.post(f"/portal/applications/{app_id}/certificates", data={**form, "copies": "1"})
    assert again.status_code == 302 and "/certificates" in again.headers["Location"]  # the same form: not twice
    with life.engine.reading() as s:
        assert len(s.scalars(select(CertificateRequest)).all()) == 1
    page = portal.get(f"/portal/certificates/{request_no}").get_data(as_text=True)
    assert "手数料の納付待ち" in page and "1,000円" in page
    assert portal.get(f"/portal/certificates/{request_no}/document.pdf").status_code == 404
    pay(life, row(life, request_no).instance_id)
    answer = portal.get(f"/portal/certificates/{request_no}/document.pdf")
    assert answer.status_code == 200 and answer.headers["Content-Disposition"] == \
        f'inline; filename="certificate_of_pass_ja-{request_no}.pdf"'
    assert counters(life, app_id)["certificate_of_pass_ja_count"] == 1
    stranger = site.test_client()
    assert stranger.post("/portal/login", data={"pseudonym": other}).status_code == 302
    for path in (f"/portal/certificates/{request_no}", f"/portal/certificates/{request_no}/document.pdf"):
        assert stranger.get(path).status_code == 404
