"""Documents of applications run through application.bpmn (the engine, the real handlers, the Juki-net and
national simulators): each PDF read back with pdftotext and rendered to test-artifacts/documents/*.png for a
look; `kentei document` through click's CliRunner; the staff route (roles, another prefecture's application
a 404) and the portal's (the signed-in applicant's own only), Content-Type and Content-Disposition."""
from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from handlers.documents import KINDS, NotIssued, build
from kentei.document import document
# ruff: noqa: F811 — the lifecycle fixtures are imported by name, and tests take them as arguments
from tests.integration.test_lifecycle import Life, _through_exam, handlers, life, services  # noqa: F401
from tests.integration.test_portal_oidc import make_app
from tests.unit.test_pdf_documents import pdf_fonts, pdf_png, pdf_text
from web.portal_oidc import new_pseudonym

PASSWORD = "Sakura-2026-haru"


def _today(life: Life) -> date:
    return life.engine.now().astimezone(life.engine.tz).date()


def _result(life: Life, practical: int, **over: Any) -> str:
    """An application through scoring (学科 80) and the 合格発表日: its 申請受付ID."""
    iid, app_id = _through_exam(life, **over)
    life.complete(iid, "score_entry", "scorer1", written_attended=True, written_score=80, practical_attended=True)
    life.mark_practical(iid, "scorer1", practical)
    life.complete(iid, "result_approval", "approver1", result_approved=True)
    life.until(60)
    assert life.engine.instance(iid)["status"] == "completed"
    return app_id


def _applications(life: Life) -> dict[str, Any]:
    """A pass (2級, 都道府県知事), a partial pass, a pass of 1級 (厚生労働大臣), one only scheduled, one only received."""
    found: dict[str, Any] = {"pseudonym": new_pseudonym(), "other": new_pseudonym()}
    found["passed"] = _result(life, 80, pseudonym_id=found["pseudonym"])
    found["partial"] = _result(life, 40, pseudonym_id=found["other"])
    found["one_kyu"] = _result(life, 75, grade="1級", experience_years=8)
    _iid, found["scheduled"] = _through_exam(life, pseudonym_id=found["pseudonym"])
    _iid, found["received"] = life.apply(pseudonym_id=found["pseudonym"])
    return found


def _document(life: Life, app_id: str, kind: str) -> bytes:
    with life.engine.reading() as s:
        return build(s, app_id, kind, _today(life), tenant="13").data


def test_each_document_of_real_applications_says_what_it_must(life, tmp_path: Path):  # type: ignore[no-untyped-def]
    apps = _applications(life)
    with life.engine.reading() as s:
        from handlers.registry.models import Applicant, Application, ExamRecord, Passer
        from sqlalchemy import select
        app, person, record, passer = s.execute(
            select(Application, Applicant, ExamRecord, Passer).join(Applicant, Applicant.id == Application.applicant_id)
            .join(ExamRecord, ExamRecord.application_id == Application.id)
            .join(Passer, Passer.application_id == Application.id)
            .where(Application.application_no == apps["passed"])).one()
        family = person.name.split("\u3000")[0]
    expected = {
        "admission_ticket": ("受検票", record.examinee_no, record.practical_no, record.seat_no, record.venue, family,
                             "2級 機械加工（普通旋盤作業）", "東京都職業能力開発協会", "試験室", record.room,
                             "所在地", record.venue_address, "実技試験期間"),
        "pass_notice": ("合格通知書", record.examinee_no, family, passer.ginoshi_no),
        "certificate": ("合格証書", passer.certificate_no, passer.ginoshi_no, family, "2級機械加工技能士", "東京都知事"),
        "certificate_of_pass_ja": ("合格証明書", passer.ginoshi_no, passer.certificate_no, family, "東京都知事"),
        "certificate_of_pass_en": ("CERTIFICATE OF PASS", passer.ginoshi_no, "Grade 2", "Machining", "Governor of Tokyo"),
    }
    numbers = list(life.numbers.values())  # the 個人番号 of every applicant: on no document
    for kind, words in expected.items():
        data = _document(life, apps["passed"], kind)
        text = pdf_text(data, tmp_path)
        assert not [w for w in words if w not in text], (kind, text)
        assert not any(n in text.replace(" ", "") for n in numbers) and person.vault_ref not in text
        assert all(row[-5] == "yes" for row in pdf_fonts(data, tmp_path))
        pdf_png(data, kind, tmp_path)
    text = pdf_text(_document(life, apps["partial"], "fail_notice"), tmp_path)
    assert "不合格通知" in text and "学科試験には合格しています" in text
    pdf_png(_document(life, apps["partial"], "fail_notice"), "fail_notice", tmp_path)
    one_kyu = _document(life, apps["one_kyu"], "certificate")
    assert "厚生労働大臣" in pdf_text(one_kyu, tmp_path) and "1級機械加工技能士" in pdf_text(one_kyu, tmp_path)
    pdf_png(one_kyu, "certificate-1kyu", tmp_path)
    english = _document(life, apps["one_kyu"], "certificate_of_pass_en")
    assert "Minister of Health, Labour and Welfare" in pdf_text(english, tmp_path)
    pdf_png(english, "certificate_of_pass_en-1kyu", tmp_path)
    ticket = pdf_text(_document(life, apps["scheduled"], "admission_ticket"), tmp_path)
    assert "受検票" in ticket

    for app_id, kind, says in ((apps["received"], "admission_ticket", "its exam is not scheduled"),
                               (apps["scheduled"], "pass_notice", "has no result yet"),
                               (apps["scheduled"], "certificate", "no pass is registered"),
                               (apps["partial"], "certificate", "no pass is registered"),
                               (apps["passed"], "fail_notice", "did not fail")):
        with pytest.raises(NotIssued, match=says):
            _document(life, app_id, kind)
    with life.engine.reading() as s, pytest.raises(Exception, match="there is no application"):
        build(s, apps["passed"], "certificate", _today(life), tenant="27")  # another prefecture's: not there


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_kentei_document_writes_the_pdf_or_says_why_not(life, settings, tmp_path: Path):  # type: ignore[no-untyped-def]
    passed = _result(life, 80)
    _iid, received = life.apply()
    runner, env = CliRunner(), {"KENTEI_DATABASE_URL": settings.database_url}
    out = tmp_path / "ticket.pdf"
    result = runner.invoke(document, [passed, "--kind", "admission_ticket", "-o", str(out)], env=env)
    assert result.exit_code == 0, result.output
    assert "受検票" in pdf_text(out.read_bytes(), tmp_path) and "受検票 of " + passed in result.output
    result = runner.invoke(document, [passed, "--kind", "certificate", "-o", str(tmp_path / "c.pdf"), "--tenant", "13"],
                           env=env)
    assert result.exit_code == 0 and "合格証書" in pdf_text((tmp_path / "c.pdf").read_bytes(), tmp_path)

    out.write_bytes(b"kept")  # a refusal leaves an existing file as it was
    for args, says in (([received, "--kind", "admission_ticket"], "its exam is not scheduled"),
                       ([received, "--kind", "certificate"], "no pass is registered for it"),
                       (["13-2026-A999999", "--kind", "certificate"], "there is no application 13-2026-A999999"),
                       ([passed, "--kind", "certificate", "--tenant", "27"], "in prefecture 27")):
        result = runner.invoke(document, [*args, "-o", str(out)], env=env)
        assert result.exit_code == 1 and "error: " in result.output and says in result.output, result.output
        assert "Traceback" not in result.output and isinstance(result.exception, (SystemExit, type(None)))
    assert out.read_bytes() == b"kept" and not list(tmp_path.glob(".ticket.pdf.*"))
    result = runner.invoke(document, [passed, "--kind", "receipt", "-o", str(out)], env=env)
    assert result.exit_code == 2 and "admission_ticket" in result.output  # click names the kinds
    result = runner.invoke(document, [passed, "--kind", "certificate", "-o", str(tmp_path / "no" / "x.pdf")], env=env)
    assert result.exit_code == 1 and "No such file or directory" in result.output
    result = runner.invoke(document, [passed, "--kind", "certificate", "-o", "-"], env=env)
    assert result.exit_code == 0 and result.stdout_bytes.startswith(b"%PDF-")
    fresh = {"KENTEI_DATABASE_URL": f"sqlite:///{tmp_path / 'empty.db'}"}
    result = runner.invoke(document, [passed, "--kind", "certificate", "-o", str(out)], env=fresh)
    assert result.exit_code == 1 and "kentei init" in result.output and "Traceback" not in result.output


def _staff(app: Any, username: str, tenant: str, *roles: str) -> Any:
    with app.extensions["kentei.engine"].transaction() as s, s.begin():
        app.extensions["kentei.identity"].create_user(s, username, username, tenant, list(roles), PASSWORD)
    client = app.test_client()
    assert client.post("/login", data={"username": username, "password": PASSWORD}).status_code == 302
    return client


def _is_pdf(answer: Any, kind: str, app_id: str) -> bool:
    return (answer.status_code == 200 and answer.mimetype == "application/pdf"
            and answer.headers["Content-Disposition"] == f'inline; filename="{kind}-{app_id}.pdf"'
            and answer.data.startswith(b"%PDF-") and "no-store" in answer.headers["Cache-Control"])


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_staff_and_the_portal_get_only_their_own_documents(life, clock, tmp_path: Path):  # type: ignore[no-untyped-def]
    apps = _applications(life)
    app = make_app(life.engine, clock, tmp_path, portal_demo_signin=True)
    passed, received = apps["passed"], apps["received"]
    for username, roles in (("reviewer-13", ("reviewer",)), ("approver-13", ("approver",)), ("admin-13", ("admin",))):
        client = _staff(app, username, "13", *roles)
        for kind in ("admission_ticket", "pass_notice", "certificate", "certificate_of_pass_ja", "certificate_of_pass_en"):
            assert _is_pdf(client.get(f"/documents/{passed}/{kind}.pdf"), kind, passed), (username, kind)
    scorer = _staff(app, "scorer-13", "13", "scorer")
    assert scorer.get(f"/documents/{passed}/certificate.pdf").status_code == 404
    other = _staff(app, "reviewer-27", "27", "reviewer", "approver", "admin")
    answer = other.get(f"/documents/{passed}/certificate.pdf")
    assert answer.status_code == 404 and answer.mimetype == "text/html"
    reviewer = _staff(app, "reviewer2-13", "13", "reviewer")
    answer = reviewer.get(f"/documents/{received}/admission_ticket.pdf", headers={"Accept": "application/json"})
    assert answer.status_code == 404 and "its exam is not scheduled" in answer.get_json()["detail"]
    answer = reviewer.get(f"/documents/{received}/admission_ticket.pdf")
    assert answer.status_code == 404 and "この申請には、この書類はまだありません。" in answer.get_data(as_text=True)
    assert reviewer.get(f"/documents/{passed}/receipt.pdf").status_code == 404
    assert app.test_client().get(f"/documents/{passed}/certificate.pdf").status_code in (302, 401)

    from flask_login import login_user
    from web.auth import Staff
    from web.documents import document_links
    with app.test_request_context("/"):
        login_user(Staff(1, "reviewer-13", "R", "13", frozenset({"reviewer"})))
        links = document_links()["staff_documents"](passed)
    assert [link["kind"] for link in links] == ["admission_ticket", "pass_notice", "certificate",
                                                "certificate_of_pass_ja", "certificate_of_pass_en"]
    assert links[0]["url"] == f"/documents/{passed}/admission_ticket.pdf"
    # the instance page links them
    with life.engine.reading() as session:
        from sqlalchemy import select

        from engine.db.models import ProcessInstance
        iid = next(i for i, v in session.execute(select(ProcessInstance.id, ProcessInstance.variables))
                   if (v or {}).get("application_id") == passed)
    page = reviewer.get(f"/instances/{iid}").get_data(as_text=True)
    assert f'href="/documents/{passed}/certificate.pdf"' in page and 'id="document-admission_ticket"' in page

    portal = app.test_client()
    assert portal.get(f"/portal/documents/{passed}/certificate.pdf").status_code == 302  # to the sign-in
    assert portal.post("/portal/login", data={"pseudonym": apps["pseudonym"]}).status_code == 302
    assert _is_pdf(portal.get(f"/portal/documents/{passed}/certificate.pdf"), "certificate", passed)
    assert _is_pdf(portal.get(f"/portal/documents/{apps['scheduled']}/admission_ticket.pdf"), "admission_ticket",
                   apps["scheduled"])
    page = portal.get(f"/portal/applications/{passed}").get_data(as_text=True)
    for kind in KINDS:
        assert (f"/portal/documents/{passed}/{kind}.pdf" in page) == (kind != "fail_notice"), kind
    assert 'id="documents"' not in portal.get(f"/portal/applications/{received}").get_data(as_text=True)
    for app_id, kind in ((apps["partial"], "fail_notice"), (apps["one_kyu"], "certificate"),
                         (passed, "fail_notice"), (received, "admission_ticket")):
        answer = portal.get(f"/portal/documents/{app_id}/{kind}.pdf")  # another's, or not issued: a 404 page
        assert answer.status_code == 404 and answer.mimetype == "text/html", (app_id, kind)
        assert "portal" in answer.get_data(as_text=True)
    answer = portal.get(f"/portal/documents/{apps['partial']}/fail_notice.pdf", headers={"Accept": "application/json"})
    assert answer.status_code == 404 and answer.get_json()["error"] == "not found"
    assert apps["partial"] in answer.get_json()["detail"]  # the number asked for, nothing about its owner
