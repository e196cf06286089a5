"""correction.bpmn's 削除 path: the retention schedule, four eyes, erasure everywhere, a deletion record."""
from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text

from engine.errors import Forbidden, FormInvalid
from handlers.egov.models import EgovPackage
from handlers.national import NationalClient, RecordNotFound
from handlers.notify import inbox
from handlers.registry.models import Applicant, Application, DeletionRecord, ExamRecord
from handlers.registry.retention import kept_until
from handlers.vault import MyNumberRecord
# ruff: noqa: F811 — the lifecycle fixtures are imported by name, and tests take them as arguments
from tests.integration.test_lifecycle import Life, _through_exam, handlers, life, services  # noqa: F401

AFTER_RETENTION = datetime(2032, 4, 1, 0, 0, tzinfo=timezone.utc)  # FY2026 + 5 years, 09:00 JST


def _failed_application(life: Life) -> tuple[int, str, dict[str, Any]]:
    iid, app_id = _through_exam(life)
    life.complete(iid, "score_entry", "scorer1", written_attended=True, written_score=10, practical_attended=True)
    life.mark_practical(iid, "scorer1", 20)
    life.complete(iid, "result_approval", "approver1", result_approved=True)
    life.until(60)
    info = life.engine.instance(iid)
    assert info["status"] == "completed" and life.path(iid)[-1] == "end_failed", info
    return iid, app_id, info["variables"]


def _request_deletion(life: Life, app_id: str) -> int:
    cid = life.engine.start("correction", "13", {"application_id": app_id, "change_kind": "deletion",
                                                 "source": "applicant"})
    life.drain()
    return cid


def test_nothing_is_deleted_before_the_retention_period_ends(life):  # type: ignore[no-untyped-def]
    _, app_id, _ = _failed_application(life)
    cid = _request_deletion(life, app_id)
    info = life.engine.instance(cid)
    assert info["status"] == "completed" and life.path(cid)[-1] == "end_retained"
    assert info["variables"]["deletable"] is False and info["variables"]["retention_until"] == "2032-04-01"
    with life.engine.transaction() as s:
        assert s.scalar(select(Application).where(Application.application_no == app_id)) is not None
        assert s.scalars(select(DeletionRecord)).all() == []


def test_a_pass_is_kept_permanently(life):  # type: ignore[no-untyped-def]
    iid, app_id = _through_exam(life)
    life.complete(iid, "score_entry", "scorer1", written_attended=True, written_score=90, practical_attended=True)
    life.mark_practical(iid, "scorer1", 90)
    life.complete(iid, "result_approval", "approver1", result_approved=True)
    life.until(60)
    life.clock.now = AFTER_RETENTION.replace(year=2050)
    cid = _request_deletion(life, app_id)
    v = life.engine.instance(cid)["variables"]
    assert life.path(cid)[-1] == "end_retained" and v["retention_until"] is None
    assert "永年保存" in v["retention_basis"]


def test_after_retention_a_reviewed_and_approved_deletion_erases_everything(life):  # type: ignore[no-untyped-def]
    iid, app_id, v = _failed_application(life)
    national = NationalClient(life.services["national"].url)
    assert national.get(f"13-applicant-{app_id}")["data"]
    with life.engine.transaction() as s, s.begin():  # as if it had been filed at e-Gov: its package holds the form
        s.add(EgovPackage(tenant="13", package_id="202604010000000001", status="started", taken_at=life.clock.now,
                          form=json.dumps({"applicant_name": v["applicant_name"], "address": v["address"]},
                                          ensure_ascii=False), attachments="[]", application_no=app_id))
    life.clock.now = AFTER_RETENTION
    cid = _request_deletion(life, app_id)
    assert life.engine.instance(cid)["variables"]["deletable"] is True
    with pytest.raises(FormInvalid):  # a deletion without a reason is refused, and the task stays open
        life.complete(cid, "deletion_review", "reviewer1", delete_record=True)
    life.complete(cid, "deletion_review", "reviewer1", delete_record=True, deletion_reason="本人からの削除請求")
    with pytest.raises(Forbidden, match="four eyes"):
        life.complete(cid, "deletion_approval", "reviewer1", approve_deletion=True)
    life.complete(cid, "deletion_approval", "approver1", approve_deletion=True)
    info = life.engine.instance(cid)
    assert info["status"] == "completed" and info["incidents"] == [], info
    assert life.path(cid)[-1] == "end_deleted"
    assert info["variables"]["deleted_application_ids"] == [app_id] and info["variables"]["purged_instances"] == 1

    with life.engine.transaction() as s:
        assert s.scalar(select(Application).where(Application.application_no == app_id)) is None
        assert s.scalars(select(Applicant)).all() == [] and s.scalars(select(ExamRecord)).all() == []
        vault_row = s.get(MyNumberRecord, v["vault_ref"])
        assert vault_row.ciphertext is None and vault_row.blind_index is None and vault_row.deleted_at is not None
        assert inbox(s, v["pseudonym_id"]) == []
        record = s.scalars(select(DeletionRecord)).one()
        assert (record.application_nos, record.decision_instance_id, record.reason) == (app_id, cid, "本人からの削除請求")
        assert record.retention_until == kept_until(2026)
        assert set(record.erased.split(",")) >= {"applicant", "application", "exam_record", "notification",
                                                 "my_number", "egov_package"}
        package = s.scalar(select(EgovPackage))
        assert (package.package_id, package.status, package.form, package.attachments) == \
            ("202604010000000001", "started", None, None)
        row = s.execute(text("SELECT variables, state, purged_at FROM process_instance WHERE id = :i"),
                        {"i": iid}).one()
        assert row.purged_at is not None and not row.state and row.variables in ("{}", {})
    # who decided is in the deciding instance's history; the purged instance's chain still verifies
    completions = [(h["element_id"], h["actor"]) for h in life.engine.history(cid) if h["kind"] == "task_completed"]
    assert completions == [("deletion_review", "reviewer1"), ("deletion_approval", "approver1")]
    assert life.engine.verify_history(iid) == [] and life.engine.verify_history(cid) == []
    with pytest.raises(RecordNotFound):
        national.get(f"13-applicant-{app_id}")
    # the person's name and address are in no row of any table, nor in the file's freed pages
    url = life.engine.settings.database_url
    if url.startswith("sqlite:///"):
        rows = _live_rows(life)
        assert all(value.encode() not in rows for value in (v["applicant_name"], v["address"]))
        life.engine.db.dispose()
        path = url[len("sqlite:///"):]
        with closing(sqlite3.connect(path)) as conn:  # fold the write-ahead log into the file
            assert conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0] == 0
        raw = b"".join(p.read_bytes() for p in Path(path).parent.glob("kentei.db*"))
        assert raw and all(value.encode() not in raw for value in (v["applicant_name"], v["address"]))


def _live_rows(life: Life) -> bytes:
    """Every row of every table, as text: what a query, a dump or a backup of the database would show."""
    with life.engine.transaction() as s:
        tables = [r[0] for r in s.execute(text("SELECT name FROM sqlite_master WHERE type = 'table'"))]
        return "".join(str(s.execute(text(f'SELECT * FROM "{t}"')).all()) for t in tables).encode()


def test_a_declined_deletion_deletes_nothing(life):  # type: ignore[no-untyped-def]
    _, first, _ = _failed_application(life)
    _, second, _ = _failed_application(life)
    life.clock.now = AFTER_RETENTION
    by_reviewer = _request_deletion(life, first)
    life.complete(by_reviewer, "deletion_review", "reviewer1", delete_record=False, deletion_reason="保存の必要あり")
    by_approver = _request_deletion(life, second)
    life.complete(by_approver, "deletion_review", "reviewer1", delete_record=True, deletion_reason="削除請求")
    life.complete(by_approver, "deletion_approval", "approver1", approve_deletion=False, approval_note="要確認")
    assert life.path(by_reviewer)[-1] == life.path(by_approver)[-1] == "end_deletion_declined"
    with life.engine.transaction() as s:
        assert len(s.scalars(select(Application)).all()) == 2 and s.scalars(select(DeletionRecord)).all() == []


def test_an_application_reopened_before_the_deletion_stops_it(life):  # type: ignore[no-untyped-def]
    _, app_id, _ = _failed_application(life)
    life.clock.now = AFTER_RETENTION
    cid = _request_deletion(life, app_id)
    life.complete(cid, "deletion_review", "reviewer1", delete_record=True, deletion_reason="削除請求")
    with life.engine.transaction() as s, s.begin():  # e.g. a re-examination opened meanwhile
        s.scalar(select(Application).where(Application.application_no == app_id)).status = "received"
    life.complete(cid, "deletion_approval", "approver1", approve_deletion=True)
    assert life.path(cid)[-1] == "end_retained_at_deletion"
    with life.engine.transaction() as s:
        assert s.scalar(select(Application).where(Application.application_no == app_id)) is not None
        assert s.scalars(select(DeletionRecord)).all() == []


@pytest.mark.parametrize(("now", "deletable"), [
    (datetime(2032, 3, 31, 14, 59, tzinfo=timezone.utc), False),  # 23:59 on 31 March in Japan
    (datetime(2032, 3, 31, 15, 0, tzinfo=timezone.utc), True),  # 00:00 on 1 April in Japan
])
def test_the_retention_period_ends_on_the_japanese_calendar_day(life, now, deletable):  # type: ignore[no-untyped-def]
    _, app_id, _ = _failed_application(life)
    life.clock.now = now
    cid = _request_deletion(life, app_id)
    assert life.engine.instance(cid)["variables"]["deletable"] is deletable
