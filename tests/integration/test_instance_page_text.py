"""The instance and task pages of a real application (workflows/application.bpmn run through the engine with the
real handlers and simulators) speak the field's language: labels, readable values, JST dates, element names, the
process name as the heading — in Japanese and in English — and the task form is shown read-only before a claim.
"""
from __future__ import annotations

import os
import re
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from engine.identity import Identity
from engine.identity.passwords import FAST_HASHER
from tests.integration.test_lifecycle import (  # noqa: F401 (handlers, life, services: fixtures)
    Life,
    _through_exam,
    handlers,
    life,
    services,
)

ARTIFACTS = Path(os.environ.get("KENTEI_TEST_ARTIFACTS", Path(__file__).resolve().parents[2] / "test-artifacts")) / "pages"
PASSWORD = "Sakura-2026-haru"
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
# what Python or an ISO timestamp looks like on a page: none of it may be visible
PYTHON = re.compile(r"\bNone\b|\bTrue\b|\bFalse\b|\{'|\['|\+00:00|\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


class _Text(HTMLParser):
    """The text a person sees: no tags, attributes, scripts or styles."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag in ("script", "style", "title"):
            self._skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "title"):
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip and data.strip():
            self.parts.append(" ".join(data.split()))


def keep(name: str, html: str) -> str:
    """The page under test-artifacts/pages/ (to read it as a person would), and its HTML back."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / f"{name}.html").write_text(html, encoding="utf-8")
    (ARTIFACTS / f"{name}.txt").write_text(visible(html), encoding="utf-8")
    return html


def visible(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return "\n".join(parser.parts)


class _Rows(HTMLParser):
    """The top-level rows of the table of one class, each a list of its cells' texts (nested tables joined)."""

    def __init__(self, table: str) -> None:
        super().__init__()
        self.table, self.rows, self._depth, self._cell = table, [], 0, None  # type: list[list[str]] | Any
        self._open: list[bool] = []  # per open <table>: is it the one we read
        self.names: list[str | None] = []  # each row's data-name

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag == "table":
            mine = self.table in (dict(attrs).get("class") or "").split() and not any(self._open)
            self._open.append(mine)
            self._depth += 1
        elif self._open and self._open[0] and len(self._open) == 1 and tag == "tr":
            self.rows.append([])
            self.names.append(dict(attrs).get("data-name"))
        elif self._open and self._open[0] and len(self._open) == 1 and tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "table" and self._open:
            self._open.pop()
        elif tag in ("td", "th") and self._cell is not None and len(self._open) == 1:
            self.rows[-1].append(" ".join(self._cell))
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None and data.strip():
            self._cell.append(" ".join(data.split()))


def by_name(html: str) -> dict[str, str]:
    """The data table's values by the variable each row shows."""
    parser = _Rows("data")
    parser.feed(html)
    return {n: r[1] for n, r in zip(parser.names, parser.rows) if n and len(r) == 2}


def rows(html: str, table: str) -> list[list[str]]:
    """The rows of the table of that class as lists of cell texts."""
    parser = _Rows(table)
    parser.feed(html)
    assert parser.rows, table
    return parser.rows


@pytest.fixture
def db_url(tmp_path):  # type: ignore[no-untyped-def]
    """SQLite: the words on a page do not depend on the database (the engine tests cover both)."""
    return f"sqlite:///{tmp_path / 'kentei.db'}"


@pytest.fixture
def site(life, engine, clock, tmp_path, services):  # type: ignore[no-untyped-def]  # noqa: F811
    from web import create_app
    engine.settings = replace(engine.settings, keyring_path=services["keyring"])
    identity = Identity(clock=clock, hasher=FAST_HASHER)
    with engine.transaction() as s, s.begin():
        identity.create_user(s, "reviewer1", "審査 一郎", "13", ["reviewer"], PASSWORD)
        identity.create_user(s, "scorer1", "採点 二郎", "13", ["scorer"], PASSWORD)
    return create_app(engine=engine, identity=identity, scheduler=False)


def client(app: Any, lang: str, user: str = "reviewer1") -> Any:
    c = app.test_client()
    if lang == "en":
        c.set_cookie("kentei_lang", "en")
    token = CSRF.search(c.get("/login").get_data(as_text=True)).group(1)  # type: ignore[union-attr]
    assert c.post("/login", data={"csrf_token": token, "username": user, "password": PASSWORD}).status_code == 302
    return c


def _passed(life: Life) -> tuple[int, str]:  # noqa: F811
    iid, app_id = _through_exam(life)
    life.complete(iid, "score_entry", "scorer1", written_attended=True, written_score=65, practical_attended=True)
    life.mark_practical(iid, "scorer1", 60)
    life.complete(iid, "result_approval", "approver1", result_approved=True)
    life.until(60)
    assert life.engine.instance(iid)["status"] == "completed"
    return iid, app_id


def test_the_instance_page_of_a_passed_application_in_japanese(life, site):  # type: ignore[no-untyped-def]  # noqa: F811
    iid, app_id = _passed(life)
    html = keep("instance-ja", client(site, "ja").get(f"/instances/{iid}").get_data(as_text=True))
    text = visible(html)
    assert not PYTHON.search(text), PYTHON.findall(text)
    assert f"<title>技能検定 受検申請 — {app_id} | " in html
    assert re.search(rf'<h1 id="instance-heading">技能検定 受検申請 — {app_id} <span class="count">完了</span>', html)
    # started 2026-04-01 00:00 UTC = 09:00 JST; ended on the announcement day + 1 (2026-07-31 00:00 UTC)
    assert "2026年4月1日 9:00" in text and "2026年7月31日 9:00" in text
    history = rows(html, "history")
    assert history[0] == ["日時", "種類", "要素", "実施者", "詳細"]
    assert ["2026年4月1日 9:00", "タスク完了", "受検資格審査", "reviewer1", "審査結果"] in history
    assert ["2026年4月1日 9:00", "開始", "", "申請者（ポータル）", ""] == history[1]
    assert any(r[1:3] == ["メッセージ受信", "手数料の納付"] and r[4] == "納付額" for r in history)
    assert any(r[1:3] == ["外部処理完了", "住基ネット本人確認"] for r in history)
    assert any(r[1:3] == ["タイマー", "合格発表日"] for r in history)
    assert not any(r[2] in ("eligibility_review", "juki_lookup", "await_fee") for r in history)
    data = {r[0]: r[1] for r in rows(html, "data") if len(r) == 2}
    assert data["審査結果"] == "受検資格あり" and data["申請経路"] == "オンライン" and data["性別"] in ("男", "女")
    fee, named = f"{life.engine.instance(iid)['variables']['fee_amount']:,}", by_name(html)
    assert named["fee_amount"] == f"{fee}円" and data["学科得点"] == "65点"
    assert data["実務経験年数"] == "3年" and data["年度"] == "2026年度" and data["合否"] == "合格"
    assert data["学科免除の申請"] == "いいえ" and data["判定を承認する"] == "はい" and data["一致しなかった項目"] == "なし"
    assert data["住基ネット照会結果"] == "1件一致" and data["補正期間"] == "14日"
    assert re.fullmatch(r"2026年5月31日( \d+:\d\d|（令和8年）)", data["試験日"]) and data["審査期限"] == "2026年4月15日（令和8年）"
    assert data["合格日"] == "2026年7月30日（令和8年）" and re.fullmatch(r"\d{4}年\d+月\d+日（(昭和|平成)\d+年）", data["生年月日"])
    assert data["実技得点（試験区分別）"] == "60点、60点" and data["国家資格システム連携"] == "登録済み"
    # the nested mapping and the list of mappings are rows, with the field's words
    assert "受検資格 はい" in data["受検資格の判定（判定表）"] and "必要な実務経験年数 2年" in data["受検資格の判定（判定表）"]
    assert data["実技試験の構成"].startswith("区分 試験 配点 要素 要素試験 30点")
    assert "個人番号: ●●●● ●●●● ●●●●（保管庫に暗号化して保管）" in text and 'id="reveal"' in html
    assert 'data-name="vault_ref"' in html and life.numbers[life.engine.instance(iid)["variables"]["vault_ref"]] not in html
    for group in ("申請", "受検者", "本人確認", "受検資格審査", "手数料", "試験", "採点", "合否", "合格者", "通知・連携"):
        assert ["" + group] in rows(html, "data"), group


def test_the_same_page_in_english(life, site):  # type: ignore[no-untyped-def]  # noqa: F811
    iid, app_id = _passed(life)
    html = keep("instance-en", client(site, "en").get(f"/instances/{iid}").get_data(as_text=True))
    text = visible(html)
    assert not PYTHON.search(text), PYTHON.findall(text)
    assert '<html lang="en">' in html and f"— {app_id} " in html
    assert "1 April 2026, 09:00" in text and "31 July 2026, 09:00" in text
    history = rows(html, "history")
    assert history[0] == ["Date and time", "Type", "Element", "Performed by", "Detail"]
    assert ["1 April 2026, 09:00", "Started", "", "Applicant (portal)", ""] == history[1]
    assert any(r[1] == "Task completed" and r[4] == "Review decision" for r in history)
    data = {r[0]: r[1] for r in rows(html, "data") if len(r) == 2}
    assert data["Review decision"] == "Eligible" and data["Channel"] == "Online" and data["Sex"] in ("Male", "Female")
    fee, named = f"{life.engine.instance(iid)['variables']['fee_amount']:,}", by_name(html)
    assert named["fee_amount"] == f"¥{fee}" and data["Written score"] == "65 points" and data["Years of practical experience"] == "3 years"
    assert data["Written exemption claimed"] == "No" and data["Result approved"] == "Yes" and data["Result"] == "Passed"
    assert data["Correction period"] == "14 days" and data["Fiscal year"] == "FY2026" and data["Grade"] == "Grade 2"
    assert data["Review due"] == "15 April 2026" and re.fullmatch(r"31 May 2026(, \d\d:\d\d)?", data["Exam date"])
    assert "Eligibility Yes" in data["Eligibility (decision table)"]
    assert "My Number (individual number): ●●●● ●●●● ●●●● (kept encrypted in the vault)" in text
    for label in data:  # every label is English: none is a Japanese registry label or a form label
        assert not re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", label), label


def test_an_incident_shows_with_the_element_name(life, site):  # type: ignore[no-untyped-def]  # noqa: F811
    life.services["juki"].shutdown()  # the Juki-net simulator is down: the identity check fails until retries run out
    iid, _app_id = life.apply()
    for _ in range(5):
        life.clock.advance(seconds=600)
        life.drain()
    info = life.engine.instance(iid)
    assert [i["element_id"] for i in info["incidents"]] == ["juki_lookup"], info["incidents"]
    html = client(site, "ja").get(f"/instances/{iid}").get_data(as_text=True)
    incidents = rows(html, "incidents")
    assert incidents[1][1] == "住基ネット本人確認" and incidents[1][3] == "未解決"
    assert "住基ネット本人確認" in visible(html).split("現在の工程")[1].split("\n")[1]


def test_the_task_form_is_read_only_before_a_claim_and_editable_after(life, site):  # type: ignore[no-untyped-def]  # noqa: F811
    iid, app_id = life.apply()
    task = life.task(iid, "eligibility_review")["id"]
    c = client(site, "ja")
    before = c.get(f"/tasks/{task}").get_data(as_text=True)
    form = before.split('id="task-form"')[1].split("</form>")[0]
    assert 'id="f-decision"' in form and 'id="f-review_comment"' in form and form.count("disabled") >= 2
    assert 'id="complete"' not in before and 'id="claim"' in before
    assert "技能検定 受検申請" in visible(before) and "引き受けると入力できます。" in visible(before)
    token = CSRF.search(before).group(1)  # type: ignore[union-attr]
    assert c.post(f"/tasks/{task}/claim", data={"csrf_token": token}).status_code == 302
    after = c.get(f"/tasks/{task}").get_data(as_text=True)
    form = after.split('id="task-form"')[1].split("</form>")[0]
    assert 'id="f-decision"' in form and "disabled" not in form and 'id="complete"' in form
    # someone else's claimed task: read-only, no claim button
    other = client(site, "ja", "scorer1")
    assert other.get(f"/tasks/{task}").status_code == 404  # not their role: not found at all
    en = client(site, "en").get(f"/tasks/{task}").get_data(as_text=True)
    assert "Skill test application" not in en and "Claimed by reviewer1" not in en
    assert not PYTHON.search(visible(en)) and not PYTHON.search(visible(after))
