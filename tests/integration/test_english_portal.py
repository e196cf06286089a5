"""The applicant portal in English (Flask-Babel, catalog web/translations/portal): every page an applicant
meets on the way from signing in to answering a correction request, chosen by the language cookie (what
#lang-switch sets) or by the browser's Accept-Language, carries <html lang="en"> and no Japanese text of
its own; without either the same pages are Japanese, lang="ja".

The test data is ASCII wherever the applicant types it (name, address, trade, the reviewer's comment), so
Japanese that remains on an English page can only be data that is Japanese by nature. Those elements are
named by id and skipped, each for its reason:
- #lang-switch: the link to the other language is written in that language ("日本語", lang="ja");
- #name-kana: ふりがな must be hiragana or katakana (the form refuses anything else), shown as typed;
- #notice-subject-N, #application-notice-N: the subject of an official notice, which handlers/notify issues in
  Japanese only (notices are official documents, not part of the portal's catalog).
And the `value` of each <option> is skipped: the choices' values ("2級", "なし", ...) are the data the workflow
reads and are never shown; their labels are checked.

SQLite only; Juki-net, the national system and SMTP are the simulators the browser tests use.
"""
from __future__ import annotations

import re
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from engine.deploy import collect
from engine.identity import Identity
from engine.identity.passwords import FAST_HASHER
from handlers.jukinet.simulator import SimulatorServer
from handlers.jukinet.store import ResidentStore
from handlers.national.simulator import serve as serve_national
from handlers.vault import check_digit
from tests.browser.test_portal import WORKFLOWS, drain, handlers  # noqa: F401  (handlers: the fixture)
from tests.support.smtp import SmtpServer
from web.portal_oidc import new_pseudonym

JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
PSEUDONYM = new_pseudonym()
NUMBER = "12345678901" + str(check_digit("12345678901"))
WRONG_NUMBER = NUMBER[:-1] + str((int(NUMBER[-1]) + 1) % 10)
# a resident whose register entry is ASCII (the kana reading excepted), so the 個人番号 lookup finds one hit
RESIDENT = {"resident_code": "13000000101", "my_number": NUMBER, "name": "GINO Taro", "name_kana": "ギノウ タロウ",
            "birth_date": "1990-04-01", "sex": "1", "address": "1-2-3 Kasumigaseki, Chiyoda-ku, Tokyo",
            "prefecture_code": "13", "status": "active", "changes": []}
FORM = {"applicant_name": "GINO Taro", "name_kana": "ギノウ タロウ", "birth_date": "1990-04-01", "sex": "1",
        "address": "1-2-3 Kasumigaseki, Chiyoda-ku, Tokyo", "email": "gino@example.jp", "tenant": "13",
        "grade": "2級", "trade_code": "0401", "trade_name": "Machining", "task_name": "Lathe work",
        "experience_years": "1", "schooling": "なし", "prior_pass": "なし", "written_exemption_claimed": "on"}
COMMENT = "Please attach a certificate of your practical experience."
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    """SQLite only: the pages are the same on either database."""
    return f"sqlite:///{tmp_path / 'kentei.db'}"


@pytest.fixture
def services():  # type: ignore[no-untyped-def]
    juki = SimulatorServer(ResidentStore([RESIDENT])).start()
    national = serve_national("127.0.0.1", 0)
    smtp = SmtpServer()
    yield {"juki": juki, "national": national, "smtp": smtp}
    smtp.stop()
    national.shutdown()
    juki.shutdown()


@pytest.fixture
def app(engine, clock, tmp_path, handlers):  # type: ignore[no-untyped-def]  # noqa: F811
    from web import create_app
    # the handlers' keyring, and the demo sign-in as `make run` turns it on
    engine.settings = replace(engine.settings, keyring_path=tmp_path / "keyring.json", portal_demo_signin=True)
    engine.deploy(collect([WORKFLOWS]))
    return create_app(engine=engine, identity=Identity(clock=clock, hasher=FAST_HASHER), scheduler=False)


class Shown(HTMLParser):
    """The text and attribute values of a page, less the elements with the given ids and options' values."""

    def __init__(self, skip: set[str]) -> None:
        super().__init__(convert_charrefs=True)
        self.skip, self.parts, self.skipped = skip, [], {}
        self.depth = 0  # >0 while inside a skipped element
        self.stack: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs).get("id")
        if self.depth:
            if tag not in VOID:
                self.depth += 1
            return
        if found in self.skip:
            self.skipped[found] = ""
            self.stack.append(found)
            self.depth = 0 if tag in VOID else 1
            return
        self.parts.extend(v for k, v in attrs if v and not (tag == "option" and k == "value"))

    def handle_endtag(self, tag: str) -> None:
        if self.depth:
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if self.depth:
            self.skipped[self.stack[-1]] += data
        else:
            self.parts.append(data)


def japanese_left(html: str, *skip: str) -> tuple[list[str], dict[str, str]]:
    """Japanese found outside the skipped elements, and the text of each skipped element."""
    shown = Shown(set(skip))
    shown.feed(html)
    return [p.strip() for p in shown.parts if JAPANESE.search(p)], shown.skipped


class Portal:
    """The test client in one language mode; `page()` checks each page's language as it goes."""

    def __init__(self, app: Any, mode: str) -> None:
        self.client, self.mode = app.test_client(), mode
        self.english = mode != "default"
        if mode == "cookie":
            self.client.set_cookie("kentei_lang", "en")
        elif mode == "accept-language":
            self.client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en-GB,en;q=0.9"

    def page(self, response: Any, status: int, *skip: str, japanese_data: tuple[str, ...] = ()) -> str:
        """The page's HTML, after checking its status and its language. `skip` names elements that show
        Japanese data on an English page; each named in `japanese_data` must really hold Japanese."""
        assert response.status_code == status, response.get_data(as_text=True)[:2000]
        html = response.get_data(as_text=True)
        if self.english:
            assert '<html lang="en">' in html
            left, skipped = japanese_left(html, "lang-switch", *skip)
            assert left == [], left
            assert skipped["lang-switch"] == "日本語"
            for name in japanese_data:
                assert JAPANESE.search(skipped[name]), (name, skipped[name])
        else:
            assert '<html lang="ja">' in html and ">English</a>" in html
        return html

    def token(self, html: str, name: str = "csrf_token") -> str:
        found = re.search(rf'name="{name}" value="([^"]+)"', html)
        assert found, name
        return found.group(1)

    def get(self, url: str) -> Any:
        return self.client.get(url, follow_redirects=True)

    def post(self, url: str, data: dict[str, str]) -> Any:
        return self.client.post(url, data=data, follow_redirects=True)


def says(html: str, english: bool, en: str, ja: str) -> bool:
    return (en if english else ja) in html


@pytest.mark.parametrize("mode", ["cookie", "accept-language", "default"])
def test_the_portal_speaks_the_chosen_language(engine, app, mode):  # type: ignore[no-untyped-def]
    p = Portal(app, mode)
    en = p.english

    # sign-in, refused once (a staff inbox is no pseudonymous ID)
    html = p.page(p.get("/portal/"), 200)
    assert says(html, en, "Sign in to the application portal", "申請ポータルにログイン")
    assert says(html, en, "This is a demo sign-in.", "デモ用のログインです。")
    html = p.page(p.post("/portal/login", {"csrf_token": p.token(html), "pseudonym": "staff:13:reviewer"}), 422)
    error = re.search(r'id="err-pseudonym">([^<]+)<', html).group(1)
    assert "PSN-" in error and says(error, en, "32 lowercase letters", "32文字の半角英小文字")
    html = p.page(p.post("/portal/login", {"csrf_token": p.token(html), "pseudonym": PSEUDONYM}), 200)
    assert says(html, en, "You have signed in.", "ログインしました。")
    assert says(html, en, f"Pseudonymous ID {PSEUDONYM}", f"仮名ID {PSEUDONYM}")
    assert 'id="no-applications"' in html and says(html, en, "My applications", "申請一覧")

    # the form, then refused: the errors beside their fields, the number not shown again
    html = p.page(p.get("/portal/apply"), 200)
    assert says(html, en, "Application for the trade skills test", "技能検定の受検申請")
    assert says(html, en, ">Grade 2</option>", ">2級</option>") and '<option value="2級"' in html
    assert says(html, en, ">Vocational high school</option>", ">専門高校</option>")
    assert says(html, en, "13 Tokyo</option>", "13 東京都</option>")
    refused = dict(FORM, name_kana="Gino Taro", email="gino-at-example", my_number=WRONG_NUMBER,
                   csrf_token=p.token(html), token=p.token(html, "token"))
    html = p.page(p.post("/portal/apply", refused), 422)
    errors = dict(re.findall(r'<span class="error" id="err-([a-z_]+)" role="alert">([^<]+)</span>', html))
    assert set(errors) == {"name_kana", "email", "my_number"}, errors
    assert says(errors["my_number"], en, "check digit", "チェックデジット")
    assert says(errors["name_kana"], en, "hiragana or katakana", "ひらがなかカタカナ")
    assert says(errors["email"], en, "not valid", "形式が正しくありません")
    assert says(html, en, "Please check the fields marked below.", "入力内容を確認してください。")
    assert 'id="my_number-cleared"' in html and WRONG_NUMBER not in html
    assert 'value="GINO Taro"' in html and 'value="Machining"' in html
    assert html.count('aria-invalid="true"') == 3

    # filed: the receipt, then my applications
    filed = dict(FORM, my_number=NUMBER, csrf_token=p.token(html), token=p.token(html, "token"))
    html = p.page(p.post("/portal/apply", filed), 200)
    app_id = re.search(r'id="application-id">([^<]+)<', html).group(1)
    assert re.fullmatch(r"13-2026-A\d{6}", app_id) and NUMBER not in html
    assert says(html, en, "<h1>Application received</h1>", "<h1>受付完了</h1>")
    assert says(html, en, "Machining (Lathe work), Grade 2 — FY2026, First round",
                "2026年度 前期 2級 Machining（Lathe work）")
    assert says(html, en, "Registered (stored encrypted", "登録済み（暗号化して保管")
    html = p.page(p.get("/portal/"), 200)
    assert app_id in html and says(html, en, "Received (under review)", "受付済み（審査中）")
    assert says(html, en, 'id="application-count">(1)<', 'id="application-count">1 件<')

    # Juki-net finds the one resident; the reviewer asks for a correction; the notice arrives
    drain(engine)
    review = [t for t in engine.tasks() if t["element_id"] == "eligibility_review"]
    assert len(review) == 1, engine.tasks()
    engine.complete_task(review[0]["id"], "reviewer1-13", {"decision": "request_correction", "review_comment": COMMENT})
    drain(engine)
    html = p.page(p.get(f"/portal/applications/{app_id}"), 200, "name-kana", "application-notice-1",
                  japanese_data=("name-kana", "application-notice-1"))
    assert 'id="correction"' in html and COMMENT in html and NUMBER not in html
    assert says(html, en, "<h2>Correction requested</h2>", "<h2>補正の依頼があります</h2>")
    assert says(html, en, "Machining (trade code 0401), Lathe work, Grade 2 — FY2026, First round",
                "2026年度 前期 2級 Machining（職種コード 0401） Lathe work")
    assert says(html, en, '<dd id="experience">1</dd>', '<dd id="experience">1 年</dd>')
    assert says(html, en, "<dd>None / None</dd>", "<dd>なし ／ なし</dd>")
    assert says(html, en, "<dd>Written</dd>", "<dd>学科</dd>")
    assert says(html, en, ">None</option>", ">なし</option>") and '<option value="なし"' in html

    # a correction refused once: the error in the page's language
    refused = {"csrf_token": p.token(html), "experience_years": "99", "schooling": "なし", "prior_pass": "なし"}
    html = p.page(p.post(f"/portal/applications/{app_id}/correction", refused), 422, "name-kana",
                  "application-notice-1")
    assert says(html, en, "from 0 to 60", "0〜60の整数")

    # the notices: the portal's words translated, the official notice's subject as issued
    html = p.page(p.get("/portal/notices"), 200, "notice-subject-1", japanese_data=("notice-subject-1",))
    assert app_id in html and says(html, en, '>Unread</span>', '>未読</span>')
    assert says(html, en, 'id="notice-count">(1)<', 'id="notice-count">1 件<')

    # signing out keeps the language (it has its own cookie, not the session)
    html = p.page(p.post("/portal/logout", {"csrf_token": p.token(html)}), 200)
    assert says(html, en, "You have signed out.", "ログアウトしました。")


def test_the_language_link_switches_and_comes_back(app):  # type: ignore[no-untyped-def]
    client = app.test_client()
    html = client.get("/portal/login").get_data(as_text=True)
    link = re.search(r'<a class="nav lang" id="lang-switch" lang="en" href="([^"]+)">English</a>', html)
    assert link and link.group(1).startswith("/lang/en?next=")
    response = client.get(link.group(1).replace("&amp;", "&"))
    assert response.status_code == 302 and response.headers["Location"].startswith("/portal/login")
    assert "kentei_lang=en" in response.headers["Set-Cookie"]
    html = client.get("/portal/login").get_data(as_text=True)
    assert '<html lang="en">' in html and "Sign in to the application portal" in html
    back = re.search(r'id="lang-switch" lang="ja" href="([^"]+)">日本語</a>', html)
    assert back and back.group(1).startswith("/lang/ja?next=")
    client.get(back.group(1).replace("&amp;", "&"))
    html = client.get("/portal/login").get_data(as_text=True)
    assert '<html lang="ja">' in html and "申請ポータルにログイン" in html
    # the cookie outranks the browser's language
    html = client.get("/portal/login", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert '<html lang="ja">' in html


def test_the_catalog_is_complete_and_keeps_placeholders() -> None:
    """Every portal message has an English translation with the same placeholders, and none is Japanese."""
    from babel.messages.pofile import read_po
    path = Path(__file__).resolve().parents[2] / "web/translations/portal/en/LC_MESSAGES/messages.po"
    with path.open("rb") as handle:
        catalog = read_po(handle)
    messages = [m for m in catalog if m.id]
    assert len(messages) > 200
    for message in messages:
        assert message.string and not message.fuzzy, message.id
        assert sorted(re.findall(r"%\(\w+\)s", message.id)) == sorted(re.findall(r"%\(\w+\)s", message.string))
        assert not JAPANESE.search(message.string), message.string
