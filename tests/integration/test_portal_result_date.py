"""The portal tells an applicant the result on the 合格発表日, not when the approver decided it: before that day the
application still reads 受検票発行済み (the result is decided but not announced)."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.integration.test_documents import _through_exam
from tests.integration.test_lifecycle import services, handlers, life  # noqa: F401 — the fixtures
from tests.integration.test_portal_oidc import make_app
from web.portal_oidc import new_pseudonym


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_the_result_shows_from_the_announcement_date(life, clock, tmp_path: Path):  # type: ignore[no-untyped-def]  # noqa: F811
    pseudonym = new_pseudonym()
    iid, app_id = _through_exam(life, pseudonym_id=pseudonym)
    life.complete(iid, "score_entry", "scorer1", written_attended=True, written_score=80, practical_attended=True)
    life.mark_practical(iid, "scorer1", 80)
    life.complete(iid, "result_approval", "approver1", result_approved=True)
    app = make_app(life.engine, clock, tmp_path, portal_demo_signin=True)
    portal = app.test_client()
    assert portal.post("/portal/login", data={"pseudonym": pseudonym}).status_code == 302
    detail = portal.get(f"/portal/applications/{app_id}").get_data(as_text=True)
    assert re.search(r'<dd id="status">\s*受検票発行済み\s*</dd>', detail), detail
    listing = portal.get("/portal/").get_data(as_text=True)
    assert "受検票発行済み" in listing and not re.search(r">\s*合格\s*<", listing)
    life.until(60)  # past the 合格発表日 (the session has long expired: sign in again)
    assert portal.post("/portal/login", data={"pseudonym": pseudonym}).status_code == 302
    detail = portal.get(f"/portal/applications/{app_id}").get_data(as_text=True)
    assert re.search(r'<dd id="status">\s*合格\s*</dd>', detail), detail
