"""engine.inbox on both databases: what a user sees is their prefecture and roles only; claims are exclusive."""
from __future__ import annotations

from datetime import timedelta

import pytest

from engine.errors import Conflict, Forbidden, NotFound
from engine.inbox import TaskQuery, Viewer, claim, delegate, task_page, unclaim, visible_task
from tests.browser.test_inbox import REVIEW

R13 = Viewer("reviewer1-13", "13", frozenset({"reviewer"}))
R13B = Viewer("reviewer2-13", "13", frozenset({"reviewer"}))
S13 = Viewer("scorer1-13", "13", frozenset({"scorer"}))
R27 = Viewer("reviewer1-27", "27", frozenset({"reviewer"}))


@pytest.fixture
def seeded(engine, clock):  # type: ignore[no-untyped-def]
    engine.deploy([("review.bpmn", REVIEW)])
    ids = {}
    for n in range(1, 31):
        tenant = "13" if n <= 25 else "27"
        due = clock.now + timedelta(days=n - 3)  # n = 1, 2 overdue; 3 due now
        ids[n] = engine.start("review", tenant, {"applicant_name": f"受検 {n:02d}", "reviewDueDate": due.isoformat(),
                                                 "examinee_no": f"E{n:04d}"}, business_key=f"{tenant}-2026-A{n:06d}")
    return ids


def _ids(rows: list[dict]) -> list[str]:  # type: ignore[type-arg]
    return [r["business_key"] for r in rows]


def test_scope_prefecture_roles_filters_sort_and_pages(engine, seeded):  # type: ignore[no-untyped-def]
    rows, total = task_page(engine, R13, TaskQuery(per_page=10))
    assert total == 25 and len(rows) == 10 and all(r["business_key"].startswith("13-") for r in rows)
    page3, _ = task_page(engine, R13, TaskQuery(per_page=10, page=3))
    assert len(page3) == 5
    assert task_page(engine, R27, TaskQuery())[1] == 5
    assert task_page(engine, S13, TaskQuery())[1] == 0  # a scorer has no review tasks
    overdue, n = task_page(engine, R13, TaskQuery(due="overdue"))
    assert n == 3 and _ids(overdue) == ["13-2026-A000001", "13-2026-A000002", "13-2026-A000003"]
    by_due, _ = task_page(engine, R13, TaskQuery(sort="-due", per_page=1))
    assert _ids(by_due) == ["13-2026-A000025"]
    for q in ("13-2026-A000007", "E0007", "受検 07"):
        found, n = task_page(engine, R13, TaskQuery(q=q))
        assert n == 1 and _ids(found) == ["13-2026-A000007"], q
    assert task_page(engine, R13, TaskQuery(q="27-2026-A000026"))[1] == 0  # another prefecture's number
    assert task_page(engine, R13, TaskQuery(process="other"))[1] == 0
    assert task_page(engine, R13, TaskQuery(element="eligibility_review"))[1] == 25
    with pytest.raises(Conflict):
        task_page(engine, R13, TaskQuery(sort="id; DROP TABLE human_task"))


def test_claims_are_exclusive_and_other_prefectures_tasks_do_not_exist(engine, seeded):  # type: ignore[no-untyped-def]
    task = engine.tasks(instance_id=seeded[1])[0]["id"]
    other = engine.tasks(instance_id=seeded[26])[0]["id"]
    claim(engine, R13, task)
    with pytest.raises(Conflict):
        claim(engine, R13B, task)
    assert task_page(engine, R13B, TaskQuery(scope="unassigned"))[1] == 24
    assert _ids(task_page(engine, R13, TaskQuery(scope="mine"))[0]) == ["13-2026-A000001"]
    with pytest.raises(Conflict):
        unclaim(engine, R13B, task)
    for act in (lambda: visible_task(engine, R13, other), lambda: claim(engine, R13, other),
                lambda: unclaim(engine, R13, other)):
        with pytest.raises(NotFound):
            act()
    with pytest.raises(NotFound):
        visible_task(engine, S13, task)  # the same prefecture, but not their role
    with pytest.raises(Forbidden):
        delegate(engine, R13, task, "reviewer1-27", "27", frozenset({"reviewer"}))
    with pytest.raises(Forbidden):
        delegate(engine, R13, task, "scorer1-13", "13", frozenset({"scorer"}))
    delegate(engine, R13, task, "reviewer2-13", "13", frozenset({"reviewer"}))
    assert visible_task(engine, R13B, task)["assignee"] == "reviewer2-13"
    unclaim(engine, R13B, task)
    assert visible_task(engine, R13, task)["assignee"] is None
