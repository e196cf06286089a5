"""The staff pages in English (cookie or Accept-Language) and in Japanese (the default), through Flask's test client.

Every value in these tests is ASCII (the BPMN is an English copy of REVIEW, the names are romanised), so a
Japanese character on an English page can only be an unwrapped or untranslated string of the app itself.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from engine.identity import Identity
from engine.identity.passwords import FAST_HASHER
from handlers.vault import REGISTRATION, Keyring, Vault
from tests.browser.test_inbox import REVIEW

PASSWORD = "Sakura-2026-haru"
NUMBER = "123456789018"  # DOMAIN.md's example 個人番号
LABELS = {"受検申請": "Skill test application", "受検資格の審査": "Eligibility review", "審査結果": "Decision",
          "受検資格あり": "Eligible", "受検資格なし": "Not eligible", "実務経験年数": "Years of experience",
          "審査メモ": "Review note", "採点結果の入力": "Score entry", "学科得点": "Written score",
          "合否判定の決裁": "Result approval", "承認する": "Approve", "氏名": "Name"}
REVIEW_EN = REVIEW.decode()
for japanese, english in LABELS.items():
    REVIEW_EN = REVIEW_EN.replace(japanese, english)
# the brief's ranges, plus CJK punctuation (、。「」・) and full-width forms (（）：) that only Japanese text uses
JAPANESE = re.compile(r"[\u3000-\u303f\u3040-\u30ff\u4e00-\u9fff\uff00-\uffef]")
LANG_SWITCH = re.compile(r'<a [^>]*id="lang-switch"[^>]*>(.*?)</a>', re.DOTALL)
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
HEADER_EN = "Task ID,Task,Process,Application ID,Full name,Assignee,Due,Overdue,Created at"
HEADER_JA = "タスクID,タスク,プロセス,申請受付ID,氏名,担当,期限,期限超過,作成日時"


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    """SQLite only: the language of a page does not depend on the database."""
    return f"sqlite:///{tmp_path / 'kentei.db'}"


@dataclass
class Site:
    """The app, its engine and the seeded instances (application key -> instance id)."""

    app: Any
    engine: Any
    ids: dict[str, int]

    def client(self, mode: str) -> Any:
        """A test client in `mode`: "cookie" (kentei_lang=en), "header" (Accept-Language: en) or "default"."""
        client = self.app.test_client()
        if mode == "cookie":
            client.set_cookie("kentei_lang", "en")
        elif mode == "header":
            client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en-GB,en;q=0.9"
        return client

    def task_id(self, key: str) -> str:
        return str(self.engine.tasks(instance_id=self.ids[key])[0]["id"])


@pytest.fixture
def site(engine, clock, tmp_path):  # type: ignore[no-untyped-def]
    from web import create_app
    assert not JAPANESE.search(REVIEW_EN), "the English copy of REVIEW still has Japanese in it"
    engine.settings = replace(engine.settings, keyring_path=tmp_path / "keyring.json")
    identity = Identity(clock=clock, hasher=FAST_HASHER)
    vault = Vault(Keyring.load_or_create(engine.settings.keyring_path), clock=engine.now)
    with engine.transaction() as s, s.begin():
        for name, display, tenant, roles in (("reviewer1-13", "Reviewer One", "13", ["reviewer"]),
                                             ("scorer1-13", "Scorer One", "13", ["scorer", "approver"]),
                                             ("locked1-13", "Locked One", "13", ["reviewer"]),
                                             ("reviewer1-27", "Reviewer Osaka", "27", ["reviewer"])):
            identity.create_user(s, name, display, tenant, roles, PASSWORD)
        ref = vault.store(s, "13", NUMBER, actor="portal:PSN-1", purpose=REGISTRATION)
    engine.deploy([("review.bpmn", REVIEW_EN.encode())])
    ids = {}
    for n, name in enumerate(("Taro Yamada", "Hanako Sato", "Ichiro Suzuki"), start=1):
        due = clock.now + timedelta(days=14 if n != 3 else -1)  # the third is overdue
        data = {"applicant_name": name, "reviewDueDate": due.isoformat()} | ({"vault_ref": ref} if n == 1 else {})
        ids[f"13-{n}"] = engine.start("review", "13", data, business_key=f"13-2026-A00000{n}")
    ids["27-1"] = engine.start("review", "27", {"applicant_name": "Jiro Osaka", "reviewDueDate": clock.now.isoformat()},
                               business_key="27-2026-A000001")
    app = create_app(engine=engine, identity=identity, scheduler=False)
    found = Site(app, engine, ids)
    engine.complete_task(found.task_id("13-1"), "reviewer1-13", {"decision": "approve", "experience_years": 3})
    return found


def token(client: Any, path: str) -> str:
    """The CSRF token of the form on `path`."""
    match = CSRF.search(client.get(path).get_data(as_text=True))
    assert match, path
    return match.group(1)


def post(client: Any, path: str, data: dict[str, str], token_from: str) -> Any:
    return client.post(path, data={"csrf_token": token(client, token_from), **data})


def sign_in(client: Any, username: str, password: str = PASSWORD) -> Any:
    return post(client, "/login", {"username": username, "password": password}, "/login")


def sign_out(client: Any) -> Any:
    return post(client, "/logout", {}, "/")


def html(response: Any) -> str:
    return str(response.get_data(as_text=True))


def tour(site: Site, client: Any) -> dict[str, tuple[int, str]]:
    """Every staff page and message this file checks: name -> (status, HTML)."""
    pages: dict[str, Any] = {"login": client.get("/", follow_redirects=True)}  # "please sign in"
    pages["login-empty"] = post(client, "/login", {"username": "", "password": ""}, "/login")
    pages["login-failed"] = sign_in(client, "reviewer1-13", "Wrong-password-1")
    for _attempt in range(5):
        sign_in(client, "locked1-13", "Wrong-password-1")
    pages["login-locked"] = sign_in(client, "locked1-13")
    pages["csrf-expired"] = client.post("/login", data={"username": "reviewer1-13", "password": PASSWORD})
    assert sign_in(client, "reviewer1-13").status_code == 302
    pages["inbox"] = client.get("/")
    pages["inbox-filtered"] = client.get("/?scope=all&due=overdue&sort=-due&process=review&q=Suzuki")
    pages["inbox-empty"] = client.get("/?scope=mine&due=today&sort=due&page=1")
    pages["csv"] = client.get("/tasks.csv?due=any")
    task = f"/tasks/{site.task_id('13-2')}"
    pages["task"] = client.get(task)
    pages["task-claimed"] = client.post(f"{task}/claim", data={"csrf_token": token(client, task)},
                                        follow_redirects=True)
    pages["task-delegate-refused"] = client.post(f"{task}/delegate", data={"csrf_token": token(client, task),
                                                 "colleague": "reviewer1-27"}, follow_redirects=True)
    pages["task-refused"] = post(client, f"{task}/complete", {"experience_years": "99", "review_comment": "checked"},
                                 task)
    instance = f"/instances/{site.ids['13-1']}"
    pages["instance"] = client.get(instance)
    pages["reveal-refused"] = post(client, f"{instance}/reveal", {"purpose": ""}, instance)
    pages["revealed"] = post(client, f"{instance}/reveal", {"purpose": "identity_check"}, instance)
    pages["not-found"] = client.get(f"/tasks/{site.task_id('27-1')}")
    pages["task-done"] = post(client, f"{task}/complete", {"decision": "approve", "experience_years": "4"}, task)
    pages["inbox-after"] = client.get("/")
    pages["signed-out"] = client.post("/logout", data={"csrf_token": token(client, "/")}, follow_redirects=True)
    # four eyes: the scorer enters the marks, then may not approve them
    assert sign_in(client, "scorer1-13").status_code == 302
    score = f"/tasks/{site.task_id('13-1')}"
    post(client, f"{score}/claim", {}, score)
    assert post(client, f"{score}/complete", {"written_score": "72"}, score).status_code == 302
    approval = f"/tasks/{site.task_id('13-1')}"
    post(client, f"{approval}/claim", {}, approval)
    pages["four-eyes"] = post(client, f"{approval}/complete", {"result_approved": "true"}, approval)
    return {name: (r.status_code, html(r) if name != "csv" else r.get_data().decode("utf-8-sig"))
            for name, r in pages.items()}


STATUSES = {"login": 200, "login-empty": 200, "login-failed": 401, "login-locked": 401, "csrf-expired": 400,
            "task-refused": 422, "reveal-refused": 422, "not-found": 404, "four-eyes": 403, "task-done": 302}


def _statuses(pages: dict[str, tuple[int, str]]) -> None:
    for name, (status, _body) in pages.items():
        assert status == STATUSES.get(name, 200), name


@pytest.mark.parametrize("mode", ["cookie", "header"])
def test_every_staff_page_is_english_without_a_japanese_character(site, mode):  # type: ignore[no-untyped-def]
    pages = tour(site, site.client(mode))
    _statuses(pages)
    assert pages["csv"][1].splitlines()[0] == HEADER_EN and "Yes" in pages["csv"][1]
    for name, (_status, body) in pages.items():
        if name in ("csv", "task-done"):
            continue
        assert '<html lang="en">' in body, name
        switch = LANG_SWITCH.search(body)
        assert switch and switch.group(1) == "日本語" and 'lang="ja"' in switch.group(0), name  # its own language
        stray = JAPANESE.findall(LANG_SWITCH.sub("", body))
        assert not stray, f"{name}: {''.join(stray)!r} in {body}"
    expected = {
        "login": ["<title>Sign in | kentei</title>", "Please sign in.", "Username", "Password", "15 minutes"],
        "login-empty": ["Enter your username.", "Enter your password."],
        "login-failed": ["Sign-in failed. Check your username and password."],
        "login-locked": ["Sign-in failed. Check your username and password."],  # the same answer (issue 10)
        "csrf-expired": ["The form has expired", "Please try again."],
        "inbox": ['<span class="count" id="task-count">2 tasks</span>', "Reviewer One (Reviewer; Prefecture 13)",
                  "Trade Skill Test Staff System", "Sign out", "Overdue", "Application ID", "Page 1 of 1",
                  'placeholder="ID, examinee no. or name"', "Mine and my groups", "Export CSV"],
        "inbox-filtered": ['id="task-count">1 task</span>', "Ichiro Suzuki", "Due (latest first)"],
        "inbox-empty": ["0 tasks", "No matching tasks.", "Within 24 hours"],
        "task": ["Eligibility review", "Claim", "Unassigned", "Status</dt><dd>Open", "Pass on",
                 '(<a href="/instances/', '">case progress</a>)', "Colleague’s username",
                 '<p class="subtitle" id="process-name">Skill test application</p>',  # the process, by name
                 "Claim the task to fill in the form.", '<select id="f-decision" name="decision" disabled>'],
        "task-claimed": ["You have claimed the task.", "Unclaim", "Required", "Please choose", "Complete"],
        "task-delegate-refused": ["You can pass a task on only to a colleague in the same prefecture"],
        "task-refused": ["Please check the fields marked below.",
                         '<span class="error" id="err-decision">This field is required.</span>',
                         '<span class="error" id="err-experience_years">Enter 50 or less.</span>',
                         'value="99"', 'value="checked"'],
        "instance": ["<title>Skill test application — 13-2026-A000001 | ", "In progress", "Task completed", "Started",
                     "History", "Performed by", "<td>Eligibility review</td>", "<th title=\"decision\">Decision</th>",
                     "<td>Eligible</td>", "<td>3 years</td>", "<td>15 April 2026, 09:00</td>", "1 April 2026, 09:00",
                     "My Number (individual number): ●●●● ●●●● ●●●● (kept encrypted in the vault)",
                     "Purpose of viewing…", "Identity check (Juki-net lookup)",
                     'data-no-layout="This BPMN file has no diagram layout (DI).',
                     'data-failed="The diagram cannot be shown ({error})"'],
        "reveal-refused": ["Choose the purpose for viewing the number."],
        "revealed": [f"My Number (individual number): {NUMBER}", "Purpose: Identity check (Juki-net lookup).",
                     "recorded in the access log"],
        "not-found": ["Not found", "The page you are looking for does not exist.", "Back to the task list"],
        "inbox-after": ["Task “Eligibility review” completed.", "1 task"],
        "signed-out": ["You have signed out.", "Sign in"],
        "four-eyes": ["Four-eyes principle: the person who did an earlier step of this case cannot do this step.",
                      "Scorer One (Approver, Scorer; Prefecture 13)"],
    }
    for name, snippets in expected.items():
        for snippet in snippets:
            assert snippet in pages[name][1], (name, snippet)


def test_without_a_choice_the_same_pages_are_japanese(site):  # type: ignore[no-untyped-def]
    pages = tour(site, site.client("default"))
    _statuses(pages)
    assert pages["csv"][1].splitlines()[0] == HEADER_JA and "はい" in pages["csv"][1]
    for name, (_status, body) in pages.items():
        if name in ("csv", "task-done"):
            continue
        assert '<html lang="ja">' in body and JAPANESE.search(LANG_SWITCH.sub("", body)), name
        assert LANG_SWITCH.search(body).group(1) == "English", name  # type: ignore[union-attr]
    expected = {
        "login": ["ログインしてください。", "個人ごとのアカウントでログインしてください。"],
        "login-failed": ["ログインできませんでした。ユーザー名とパスワードを確かめてください。"],
        "login-locked": ["ログインできませんでした。ユーザー名とパスワードを確かめてください。"],
        "inbox": ['id="task-count">2 件</span>', "Reviewer One（審査担当・都道府県 13）", "期限超過"],
        "inbox-filtered": ['id="task-count">1 件</span>', "期限（遠い順）"],
        "inbox-empty": ["該当するタスクはありません。", "1 / 1 ページ"],
        "task": ["（<a href=\"/instances/", '">案件の流れ</a>）', "未割当", "未完了", "引き受けると入力できます。"],
        "task-refused": ['id="err-decision">必須項目です。', 'id="err-experience_years">50以下で入力してください。'],
        "instance": ["個人番号: ●●●● ●●●● ●●●●（保管庫に暗号化して保管）", "タスク完了", "本人確認（住基ネット照会）",
                     "<td>3年</td>", "<td>2026年4月15日 9:00</td>", "2026年4月1日 9:00", "<td>Eligibility review</td>"],
        "reveal-refused": ["表示する目的を選んでください。"],
        "revealed": [f"個人番号: {NUMBER}", "（目的: 本人確認（住基ネット照会）。"],
        "not-found": ["見つかりません", "タスク一覧へ"],
        "inbox-after": ["「Eligibility review」を完了しました。"],
        "signed-out": ["ログアウトしました。"],
        "four-eyes": ["四つの目の原則: ", "Scorer One（決裁者・採点担当・都道府県 13）"],
    }
    for name, snippets in expected.items():
        for snippet in snippets:
            assert snippet in pages[name][1], (name, snippet)


@pytest.mark.parametrize(("target", "location"), [
    ("https://evil.example/", "/"), ("//evil.example/x", "/"), ("javascript:x", "/"), ("evil.example", "/"),
    ("/\\evil.example", "/%5Cevil.example"),  # a path on this site: the backslash is sent percent-encoded
])
def test_the_language_link_goes_back_on_this_site_only(site, target, location):  # type: ignore[no-untyped-def]
    response = site.client("default").get("/lang/en", query_string={"next": target})
    assert response.status_code == 302 and response.headers["Location"] == location
    assert "kentei_lang=en" in response.headers["Set-Cookie"]


def test_the_language_link_keeps_the_page_and_refuses_unknown_languages(site):  # type: ignore[no-untyped-def]
    client = site.client("default")
    back = client.get("/lang/en", query_string={"next": "/login?x=1"})
    assert back.headers["Location"] == "/login?x=1"
    assert client.get_cookie("kentei_lang").value == "en"  # type: ignore[union-attr]
    unknown = site.client("default").get("/lang/xx")
    assert unknown.status_code == 302 and "Set-Cookie" not in unknown.headers
    assert '<html lang="ja">' in html(site.client("default").get("/login"))


def test_the_chosen_language_outlives_sign_in_and_sign_out(site):  # type: ignore[no-untyped-def]
    client = site.client("header")  # the browser says English ...
    assert '<html lang="en">' in html(client.get("/login"))
    client.get("/lang/ja")  # ... the person chooses Japanese on the page, and the choice wins
    login = html(client.get("/login"))
    assert '<html lang="ja">' in login
    link = LANG_SWITCH.search(login)
    assert link and link.group(1) == "English" and "/lang/en?next=" in link.group(0)
    client.get("/lang/en")
    assert sign_in(client, "reviewer1-13").status_code == 302
    inbox = html(client.get("/"))
    assert '<html lang="en">' in inbox and "Reviewer One (Reviewer; Prefecture 13)" in inbox
    out = sign_out(client)
    assert out.status_code == 302 and not any("kentei_lang" in c for c in out.headers.getlist("Set-Cookie"))
    after = html(client.get(out.headers["Location"]))
    assert '<html lang="en">' in after and "You have signed out." in after
    assert client.get_cookie("kentei_lang").value == "en"  # type: ignore[union-attr]
