"""The staff pages in the field's language, in Chromium: a real application (workflows/application.bpmn with the
real handlers and simulators) seen on its task page — the form read-only before a claim, editable after — and on
its instance page once it has passed, in Japanese and in English. Screenshots under test-artifacts/screenshots/.
"""
from __future__ import annotations

import re
from typing import Any

from tests.browser.conftest import login
from tests.integration.test_lifecycle import (  # noqa: F401 (handlers, life, services: fixtures)
    Life,
    handlers,
    life,
    services,
)

# what Python or an ISO timestamp looks like: none of it may be visible on a page
PYTHON = re.compile(r"\bNone\b|\bTrue\b|\bFalse\b|\{'|\['|\+00:00|\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


def _to_the_pass(life: Life, iid: int, app_id: str) -> None:  # noqa: F811
    """After the review: the payment, the exam day, the marks, the approval and the announcement day."""
    life.drain()  # the fee request, sent by the scheduler's job runner
    fee = life.engine.instance(iid)["variables"]["fee_amount"]  # what the fee request asked for
    assert life.engine.correlate("fee_paid", app_id, {"fee_paid_amount": fee})["status"] == "delivered"
    life.drain()
    life.until(61)
    life.complete(iid, "score_entry", "scorer1-13", written_attended=True, written_score=78, practical_attended=True)
    life.mark_practical(iid, "scorer1-13", 70, 71)
    life.complete(iid, "result_approval", "approver1-13", result_approved=True)
    life.until(60)
    assert life.engine.instance(iid)["status"] == "completed"


def _form_state(page: Any) -> dict[str, bool]:
    """Each field of the task form: editable or not."""
    return page.eval_on_selector_all("#task-form select, #task-form input:not([type=hidden]), #task-form textarea",
                                     "els => Object.fromEntries(els.map(e => [e.id, !e.disabled]))")


def test_a_real_application_on_its_task_and_instance_pages(life, staff, web, browser, shots):  # type: ignore[no-untyped-def]  # noqa: F811
    for name, roles in (("reviewer1-13", ["reviewer"]), ("scorer1-13", ["scorer"]), ("approver1-13", ["approver"])):
        staff(name, "13", *roles)
    iid, app_id = life.apply()
    task = life.task(iid, "eligibility_review")["id"]

    # the task page before a claim: the form is there, read-only, with the claim button beside it
    page = browser.new_context(locale="ja-JP", viewport={"width": 1280, "height": 900}).new_page()
    login(page, web.url, "reviewer1-13")
    page.goto(f"{web.url}/tasks/{task}")
    shots(page, "01-task-before-claim")
    assert page.locator("h1").inner_text() == "受検資格審査"
    assert page.locator("#process-name").inner_text() == "技能検定 受検申請"
    assert _form_state(page) == {"f-decision": False, "f-review_comment": False}
    assert page.locator(".form-head #claim").is_visible() and page.locator("#complete").count() == 0
    assert page.locator("#claim-hint").inner_text() == "引き受けると入力できます。"
    box = page.locator("#task-form").bounding_box()
    claim = page.locator("#claim").bounding_box()
    assert claim["y"] < box["y"] and claim["x"] > box["x"] + 200  # beside the form's heading, on its right
    page.click("#claim")
    assert page.locator("#assignee").inner_text() == "reviewer1-13"
    assert _form_state(page) == {"f-decision": True, "f-review_comment": True}
    page.select_option("#f-decision", "approve")
    page.fill("#f-review_comment", "実務経験証明書を確認しました。")
    shots(page, "02-task-claimed")
    page.click("#complete")
    assert "「受検資格審査」を完了しました。" in page.content()
    _to_the_pass(life, iid, app_id)
    login(page, web.url, "reviewer1-13")  # months have passed on the test clock: signed in again

    # the instance page: the process name and the 申請受付ID as the heading, names, labels, JST, no Python
    page.goto(f"{web.url}/instances/{iid}")
    page.wait_for_selector("#diagram[data-ready=true]", timeout=15_000)
    shots(page, "03-instance-ja")
    text = page.locator("main").inner_text()
    assert not PYTHON.search(text), PYTHON.findall(text)
    assert page.locator("#instance-heading").inner_text() == f"技能検定 受検申請 — {app_id} 完了"
    assert page.title().startswith(f"技能検定 受検申請 — {app_id}")
    history = page.locator("table.history").inner_text()
    assert "受検資格審査" in history and "住基ネット本人確認" in history and "eligibility_review" not in history
    assert re.search(r"2026年4月1日 9:00\s+タスク完了\s+受検資格審査\s+reviewer1-13\s+審査結果、審査コメント", history)
    data = page.locator("table.data")
    assert data.locator("tr[data-name=decision] td").inner_text() == "受検資格あり"
    fee = life.engine.instance(iid)["variables"]["fee_amount"]
    assert data.locator("tr[data-name=fee_amount] td").inner_text() == f"{fee:,}円"
    assert data.locator("tr[data-name=written_exemption_claimed] td").inner_text() == "いいえ"
    assert data.locator("tr[data-name=passed_on] td").inner_text() == "2026年7月30日（令和8年）"
    assert data.locator("tr[data-name=practical_components] table.grid tr").count() == 3  # a header and two parts
    assert "個人番号: ●●●● ●●●● ●●●●" in data.locator("tr[data-name=vault_ref]").inner_text()
    for element in ("eligibility_review", "score_entry", "result_approval", "end_passed"):
        assert "k-completed" in page.get_attribute(f"g[data-element-id={element}]", "class"), element
    page.context.close()

    # the same pages in English
    english = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 900}).new_page()
    login(english, web.url, "reviewer1-13")
    english.goto(f"{web.url}/instances/{iid}")
    english.wait_for_selector("#diagram[data-ready=true]", timeout=15_000)
    shots(english, "04-instance-en")
    text = english.locator("main").inner_text()
    assert not PYTHON.search(text), PYTHON.findall(text)
    assert "1 April 2026, 09:00" in text and "History" in text
    data = english.locator("table.data")
    assert data.locator("tr[data-name=decision] th").inner_text() == "Review decision"
    assert data.locator("tr[data-name=decision] td").inner_text() == "Eligible"
    assert data.locator("tr[data-name=fee_amount] td").inner_text() == f"¥{fee:,}"
    assert data.locator("tr[data-name=passed_on] td").inner_text() == "30 July 2026"
    other, _other_id = life.apply()
    english.goto(f"{web.url}/tasks/{life.task(other, 'eligibility_review')['id']}")
    shots(english, "05-task-en-before-claim")
    assert english.locator("#claim-hint").inner_text() == "Claim the task to fill in the form."
    assert english.locator("#claim").inner_text() == "Claim"
    assert _form_state(english) == {"f-decision": False, "f-review_comment": False}
    # the BPMN's Japanese labels and option names give way to the label table's English words
    assert english.locator("label[for=f-decision]").inner_text() == "Review decision"
    assert english.locator("#f-decision option[value=approve]").inner_text() == "Eligible"
    english.context.close()
