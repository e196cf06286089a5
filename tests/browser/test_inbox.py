"""The staff inbox in Chromium: sign-in, the scoped task list, claim, a form refused then accepted, four eyes."""
from __future__ import annotations

import urllib.error
import urllib.request
from datetime import timedelta

from tests.browser.conftest import login

REVIEW = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" xmlns:di="http://www.omg.org/spec/DD/20100524/DI" id="d" targetNamespace="http://kentei.test">
  <bpmn:process id="review" name="受検申請" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:userTask id="eligibility_review" name="受検資格の審査" camunda:candidateGroups="reviewer" camunda:dueDate="${reviewDueDate}">
      <bpmn:extensionElements><camunda:formData>
        <camunda:formField id="applicant_name" label="氏名" type="string"><camunda:validation><camunda:constraint name="readonly"/></camunda:validation></camunda:formField>
        <camunda:formField id="decision" label="審査結果" type="enum"><camunda:validation><camunda:constraint name="required"/></camunda:validation>
          <camunda:value id="approve" name="受検資格あり"/><camunda:value id="reject" name="受検資格なし"/></camunda:formField>
        <camunda:formField id="experience_years" label="実務経験年数" type="long"><camunda:validation><camunda:constraint name="required"/><camunda:constraint name="min" config="0"/><camunda:constraint name="max" config="50"/></camunda:validation></camunda:formField>
        <camunda:formField id="review_comment" label="審査メモ" type="string"><camunda:validation><camunda:constraint name="maxlength" config="200"/></camunda:validation></camunda:formField>
      </camunda:formData></bpmn:extensionElements>
    </bpmn:userTask>
    <bpmn:userTask id="score_entry" name="採点結果の入力" camunda:candidateGroups="scorer">
      <bpmn:extensionElements><camunda:formData>
        <camunda:formField id="written_score" label="学科得点" type="long"><camunda:validation><camunda:constraint name="required"/><camunda:constraint name="min" config="0"/><camunda:constraint name="max" config="100"/></camunda:validation></camunda:formField>
      </camunda:formData></bpmn:extensionElements>
    </bpmn:userTask>
    <bpmn:userTask id="result_approval" name="合否判定の決裁" camunda:candidateGroups="approver">
      <bpmn:extensionElements><camunda:formData><camunda:formField id="result_approved" label="承認する" type="boolean"/></camunda:formData>
        <camunda:properties><camunda:property name="separateFrom" value="score_entry"/></camunda:properties></bpmn:extensionElements>
    </bpmn:userTask>
    <bpmn:endEvent id="end"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="eligibility_review"/>
    <bpmn:sequenceFlow id="f2" sourceRef="eligibility_review" targetRef="score_entry"/>
    <bpmn:sequenceFlow id="f3" sourceRef="score_entry" targetRef="result_approval"/>
    <bpmn:sequenceFlow id="f4" sourceRef="result_approval" targetRef="end"/>
  </bpmn:process>
  <bpmndi:BPMNDiagram id="di"><bpmndi:BPMNPlane id="plane" bpmnElement="review">
    <bpmndi:BPMNShape id="s_start" bpmnElement="start"><dc:Bounds x="100" y="122" width="36" height="36"/></bpmndi:BPMNShape>
    <bpmndi:BPMNShape id="s_er" bpmnElement="eligibility_review"><dc:Bounds x="190" y="100" width="100" height="80"/></bpmndi:BPMNShape>
    <bpmndi:BPMNShape id="s_se" bpmnElement="score_entry"><dc:Bounds x="350" y="100" width="100" height="80"/></bpmndi:BPMNShape>
    <bpmndi:BPMNShape id="s_ra" bpmnElement="result_approval"><dc:Bounds x="510" y="100" width="100" height="80"/></bpmndi:BPMNShape>
    <bpmndi:BPMNShape id="s_end" bpmnElement="end"><dc:Bounds x="672" y="122" width="36" height="36"/></bpmndi:BPMNShape>
    <bpmndi:BPMNEdge id="e1" bpmnElement="f1"><di:waypoint x="136" y="140"/><di:waypoint x="190" y="140"/></bpmndi:BPMNEdge>
    <bpmndi:BPMNEdge id="e2" bpmnElement="f2"><di:waypoint x="290" y="140"/><di:waypoint x="350" y="140"/></bpmndi:BPMNEdge>
    <bpmndi:BPMNEdge id="e3" bpmnElement="f3"><di:waypoint x="450" y="140"/><di:waypoint x="510" y="140"/></bpmndi:BPMNEdge>
    <bpmndi:BPMNEdge id="e4" bpmnElement="f4"><di:waypoint x="610" y="140"/><di:waypoint x="672" y="140"/></bpmndi:BPMNEdge>
  </bpmndi:BPMNPlane></bpmndi:BPMNDiagram>
</bpmn:definitions>""".encode()

NAMES = ["山田 太郎", "佐藤 花子", "鈴木 一郎"]


def _seed(engine, clock, staff) -> dict:  # type: ignore[no-untyped-def]
    engine.deploy([("review.bpmn", REVIEW)])
    ids = {}
    for n, name in enumerate(NAMES, start=1):
        due = clock.now + timedelta(days=14 if n != 3 else -1)  # the third is overdue
        ids[f"13-{n}"] = engine.start("review", "13", {"applicant_name": name, "reviewDueDate": due.isoformat()},
                                      business_key=f"13-2026-A00000{n}")
    ids["27-1"] = engine.start("review", "27", {"applicant_name": "大阪 次郎",
                                                "reviewDueDate": clock.now.isoformat()}, business_key="27-2026-A000001")
    staff("reviewer1-13", "13", "reviewer")
    staff("reviewer1-27", "27", "reviewer")
    staff("scorer1-13", "13", "scorer", "approver")  # holds both roles: four eyes must stop them
    staff("approver1-13", "13", "approver")
    return ids


def _task_id(engine, iid: int) -> str:  # type: ignore[no-untyped-def]
    return engine.tasks(instance_id=iid)[0]["id"]


def test_a_reviewer_filters_claims_and_completes_after_one_refusal(engine, clock, staff, web, browser, shots):  # type: ignore[no-untyped-def]
    ids = _seed(engine, clock, staff)
    page = browser.new_page(locale="ja-JP")
    page.goto(f"{web.url}/")
    assert page.url.endswith("/login?next=%2F") or "/login" in page.url
    shots(page, "01-login")
    login(page, web.url, "reviewer1-13")
    assert page.locator("#task-count").inner_text() == "3 件"  # prefecture 27's task is not there
    assert "大阪 次郎" not in page.content() and "期限超過" in page.content()
    shots(page, "02-inbox")
    page.select_option("select[name=due]", "overdue")
    page.click("#filters button[type=submit]")
    assert page.locator("#task-count").inner_text() == "1 件" and "鈴木 一郎" in page.content()
    page.goto(f"{web.url}/?q=佐藤")
    assert page.locator("#task-count").inner_text() == "1 件"
    page.click("text=受検資格の審査")
    shots(page, "03-task")
    page.click("#claim")
    assert page.locator("#assignee").inner_text() == "reviewer1-13"
    page.fill("#f-experience_years", "99")
    page.fill("#f-review_comment", "書類確認済み")
    page.click("#complete")
    assert page.locator("#err-decision").inner_text() == "必須項目です。"
    assert page.locator("#err-experience_years").inner_text() == "50以下で入力してください。"
    assert page.input_value("#f-experience_years") == "99" and page.input_value("#f-review_comment") == "書類確認済み"
    shots(page, "04-task-errors")
    page.select_option("#f-decision", "approve")
    page.fill("#f-experience_years", "5")
    page.click("#complete")
    assert "「受検資格の審査」を完了しました。" in page.content()
    assert page.locator("#task-count").inner_text() == "2 件"
    shots(page, "05-inbox-after")
    info = engine.instance(ids["13-2"])
    assert info["variables"]["decision"] == "approve" and info["variables"]["experience_years"] == 5
    assert [t["element_id"] for t in info["tasks"]] == ["score_entry"]
    # the instance page: the diagram with what is done and what waits, the history, the data
    page.goto(f"{web.url}/instances/{ids['13-2']}")
    page.wait_for_selector("#diagram[data-ready=true]", timeout=15_000)
    assert "k-completed" in page.get_attribute("g[data-element-id=eligibility_review]", "class")
    assert "k-active" in page.get_attribute("g[data-element-id=score_entry]", "class")
    assert "タスク完了" in page.locator("table.history").inner_text() and "reviewer1-13" in page.content()
    shots(page, "06-instance")
    page.close()


def test_the_scorer_cannot_approve_their_own_marks(engine, clock, staff, web, browser, shots):  # type: ignore[no-untyped-def]
    ids = _seed(engine, clock, staff)
    iid = ids["13-1"]
    engine.complete_task(_task_id(engine, iid), "reviewer1-13", {"decision": "approve", "experience_years": 3})
    page = browser.new_page(locale="ja-JP")
    login(page, web.url, "scorer1-13")
    page.goto(f"{web.url}/tasks/{_task_id(engine, iid)}")
    page.click("#claim")
    page.fill("#f-written_score", "72")
    shots(page, "01-score-entry")
    page.click("#complete")
    page.goto(f"{web.url}/tasks/{_task_id(engine, iid)}")
    page.click("#claim")
    page.check("#f-result_approved")
    page.click("#complete")
    assert "四つの目の原則" in page.content()
    shots(page, "02-four-eyes-refused")
    page.click("text=担当を外す")
    page.close()
    page = browser.new_page(locale="ja-JP")
    login(page, web.url, "approver1-13")
    page.goto(f"{web.url}/tasks/{_task_id(engine, iid)}")
    page.click("#claim")
    page.check("#f-result_approved")
    page.click("#complete")
    assert engine.instance(iid)["status"] == "completed"
    page.close()


def test_another_prefectures_task_is_not_found_in_page_or_csv(engine, clock, staff, web, browser, shots):  # type: ignore[no-untyped-def]
    ids = _seed(engine, clock, staff)
    other = _task_id(engine, ids["27-1"])
    context = browser.new_context(locale="ja-JP", accept_downloads=True)
    page = context.new_page()
    login(page, web.url, "reviewer1-13")
    response = page.goto(f"{web.url}/tasks/{other}")
    assert response.status == 404 and "見つかりません" in page.content()
    for path in (f"/instances/{ids['27-1']}", f"/instances/{ids['27-1']}/diagram.bpmn"):
        assert page.request.get(f"{web.url}{path}").status == 404, path
    shots(page, "01-other-prefecture-404")
    for action in ("claim", "unclaim", "complete"):
        result = page.request.post(f"{web.url}/tasks/{other}/{action}",
                                   form={"csrf_token": page.locator("input[name=csrf_token]").first.input_value()})
        assert result.status == 404, action
    csv = page.request.get(f"{web.url}/tasks.csv").text()
    assert "13-2026-A000001" in csv and "27-2026" not in csv and "大阪" not in csv
    context.close()


def test_lockout_after_five_failures_and_csrf_on_every_form(engine, clock, staff, web, browser, shots):  # type: ignore[no-untyped-def]
    _seed(engine, clock, staff)
    page = browser.new_page(locale="ja-JP")
    for _ in range(5):
        login(page, web.url, "reviewer1-13", "wrong-password-1A")
    login(page, web.url, "reviewer1-13")  # the right password, too late
    assert "ログインできませんでした" in page.content() and "/login" in page.url  # the answer every failure gets
    shots(page, "01-locked")
    request = urllib.request.Request(f"{web.url}/login", data=b"username=reviewer1-13&password=x", method="POST")
    try:
        urllib.request.urlopen(request, timeout=5)
        raise AssertionError("a form post without a CSRF token was accepted")
    except urllib.error.HTTPError as err:
        assert err.code == 400
        assert err.headers["X-Frame-Options"] == "DENY" and "frame-ancestors 'none'" in err.headers[
            "Content-Security-Policy"]
        err.close()
    page.close()
