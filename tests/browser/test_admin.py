"""Administration in Chromium: an incident retried, a deployment refused by element then accepted, accounts."""
from __future__ import annotations

from tests.browser.conftest import login
from tests.browser.test_inbox import REVIEW
from tests.conftest import deploy_fixture

BROKEN = b"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="d" targetNamespace="http://kentei.test">
  <bpmn:process id="broken" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:scriptTask id="calculate" scriptFormat="groovy"><bpmn:script>x = 1</bpmn:script></bpmn:scriptTask>
    <bpmn:endEvent id="end"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="calculate"/>
    <bpmn:sequenceFlow id="f2" sourceRef="calculate" targetRef="end"/>
  </bpmn:process>
</bpmn:definitions>"""


def test_an_administrator_retries_an_incident(engine, handlers, clock, staff, web, browser, shots):  # type: ignore[no-untyped-def]
    plan = {"down": True}

    def juki(ctx, data):  # type: ignore[no-untyped-def]
        if plan["down"]:
            raise ConnectionRefusedError("juki-net is down")
        return {"hits": 1}

    handlers.register("test.remote", juki, "remote")
    deploy_fixture(engine, "remote.bpmn")
    iid = engine.start("remote", "13")
    other = engine.start("remote", "27")
    for _ in range(6):
        engine.run_jobs("w1")
        clock.advance(seconds=40)
    assert len(engine.incidents()) == 2
    staff("admin1-13", "13", "admin")
    staff("reviewer1-13", "13", "reviewer")
    page = browser.new_page(locale="ja-JP")
    login(page, web.url, "reviewer1-13")
    assert page.goto(f"{web.url}/admin/incidents").status == 404  # not an administrator
    page.close()
    page = browser.new_page(locale="ja-JP")
    login(page, web.url, "admin1-13")
    page.click("#admin-link")
    rows = page.locator("table.incidents tbody tr")
    assert rows.count() == 1 and "juki-net is down" in rows.first.inner_text()  # not prefecture 27's
    shots(page, "01-incidents")
    plan["down"] = False
    page.click("button.retry")
    assert "再実行待ち" in page.content()
    engine.run_jobs("w1")
    assert engine.instance(iid)["jobs"][0]["status"] == "done"
    assert engine.instance(other)["incidents"][0]["status"] == "open"
    shots(page, "02-after-retry")
    page.close()


def test_a_deployment_is_refused_by_element_then_accepted(engine, staff, web, browser, shots, tmp_path):  # type: ignore[no-untyped-def]
    staff("admin1-13", "13", "admin")
    broken, good = tmp_path / "broken.bpmn", tmp_path / "review.bpmn"
    broken.write_bytes(BROKEN)
    good.write_bytes(REVIEW)
    page = browser.new_page(locale="ja-JP")
    login(page, web.url, "admin1-13")
    page.goto(f"{web.url}/admin/deployments")
    page.set_input_files("#files", str(broken))
    page.click("#deploy")
    problems = page.locator("table.problems tbody tr")
    assert problems.count() >= 1 and "calculate" in problems.first.inner_text()
    assert "何も保存していません" in page.content()
    shots(page, "01-refused")
    page.set_input_files("#files", str(good))
    page.click("#deploy")
    assert "デプロイしました" in page.content()
    assert page.locator("table.versions tbody tr").count() >= 1
    shots(page, "02-deployed")
    page.close()


def test_an_administrator_creates_an_account_and_reads_the_login_history(engine, staff, web, browser, shots):  # type: ignore[no-untyped-def]
    staff("admin1-13", "13", "admin")
    staff("other-27", "27", "reviewer")
    page = browser.new_page(locale="ja-JP")
    login(page, web.url, "other-27", "wrong-Password-1")
    login(page, web.url, "admin1-13")
    page.goto(f"{web.url}/admin/users")
    page.fill("#username", "hanako-13")
    page.fill("#display_name", "佐藤 花子")
    page.check("input[name=roles][value=reviewer]")
    page.fill("#password", "short")
    page.click("form.new-user button[type=submit]")
    assert "12文字以上" in page.content() and page.input_value("#username") == "hanako-13"
    page.fill("#password", "Sakura-2026-haru")
    page.click("form.new-user button[type=submit]")
    assert "アカウントを作成しました" in page.content()
    assert "hanako-13" in page.locator("table.staff").inner_text()
    logins = page.locator("table.logins").inner_text()
    assert "admin1-13" in logins and "other-27" not in logins  # another prefecture's sign-ins stay there
    assert "other-27" not in page.locator("table.staff").inner_text()
    shots(page, "01-users")
    page.close()


FIDELITY = b"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="t">
  <bpmn:process id="fidelity" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:receiveTask id="wait_for_nothing"/>
    <bpmn:endEvent id="cancel_outside"><bpmn:cancelEventDefinition/></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="wait_for_nothing"/>
    <bpmn:sequenceFlow id="f2" sourceRef="wait_for_nothing" targetRef="cancel_outside"/>
  </bpmn:process>
</bpmn:definitions>"""


def test_constructs_camunda_7_would_not_run_as_drawn_are_refused_in_japanese(engine, staff, web, browser, shots,
                                                                             tmp_path):  # type: ignore[no-untyped-def]
    staff("admin1-13", "13", "admin")
    path = tmp_path / "fidelity.bpmn"
    path.write_bytes(FIDELITY)
    page = browser.new_page(locale="ja-JP")
    login(page, web.url, "admin1-13")
    page.goto(f"{web.url}/admin/deployments")
    page.set_input_files("#files", str(path))
    page.click("#deploy")
    rows = {r.inner_text() for r in page.locator("table.problems tbody tr").all()}
    text = "\n".join(rows)
    assert "wait_for_nothing" in text and "待つ bpmn:message を指す messageRef が必要です" in text
    assert "cancel_outside" in text and "キャンセル終了イベントはトランザクションサブプロセスの直下に置いてください" in text
    assert "is not supported" not in text and "belongs" not in text  # no English left in the Japanese page
    shots(page, "01-refused-in-japanese")
    page.close()
