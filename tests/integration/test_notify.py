"""Notices: templates, the 個人番号 guard, the verified-recipient rule, SMTP idempotency, the portal inbox.

A real SMTP server (aiosmtpd) on 127.0.0.1 receives the mail; the notify tables live in a real
SQLite file or PostgreSQL database (the `db_url` fixture).
"""
from __future__ import annotations

import re
import socket
import uuid
from collections.abc import Iterator
from datetime import date, datetime, timezone
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default as default_policy
from typing import Any, cast

import pytest
from aiosmtpd.controller import Controller
from markupsafe import Markup
from sqlalchemy import create_engine, event, func, select
from sqlalchemy.orm import Session, sessionmaker

from handlers.base import HandlerContext, HandlerRegistry
from handlers.notify import (KINDS, IdempotencyConflict, MailNotSent, MessageNotFound, NoticeInvalid, Notifier,
                             NotifyBase, NoVerifiedRecipient, PortalMessage, RecipientMismatch, SentMail, inbox,
                             mark_read, record_recipient, register, render)
from handlers.notify.process_fields import notice_context
from handlers.notify.wareki import wareki

NOW = datetime(2026, 8, 30, 1, 0, tzinfo=timezone.utc)
SENDER = "noreply@kentei.example.jp"
ADDRESS = "taro.yamada@example.jp"
EVIL = "<script>alert('x')</script>"

SAMPLES: dict[str, tuple[dict[str, Any], list[str]]] = {
    "admission_ticket": ({"name": "山田　太郎", "exam_number": "131-20001", "exam_date": "2026-07-12",
                          "exam_site": "中央・城北職業能力開発センター", "seat_number": "A-12", "grade": "2級",
                          "trade": "機械加工", "task": "普通旋盤作業", "room": "第2教室"},
                         ["受検票", "受検番号", "131-20001", "令和8年7月12日（日）", "試験場", "中央・城北職業能力開発センター",
                          "座席番号", "A-12", "普通旋盤作業", "試験室", "第2教室"]),
    "pass_notice": ({"name": "山田　太郎", "exam_number": "131-20001", "grade": "2級", "trade": "機械加工"},
                    ["合格通知", "合格されました", "131-20001", "2級 機械加工"]),
    "fail_notice": ({"name": "山田　太郎", "exam_number": "131-20001", "grade": "2級", "trade": "機械加工"},
                    ["不合格通知", "不合格", "131-20001"]),
    "partial_pass_notice": ({"name": "山田　太郎", "exam_number": "131-20001", "grade": "2級", "trade": "機械加工",
                             "passed_part": "学科"},
                            ["一部合格通知", "学科試験に合格", "学科試験の免除"]),
    "correction_request": ({"name": "山田　太郎", "items": ["実務経験年数の証明書を添付してください", "生年月日の記入漏れ"],
                            "deadline": date(2026, 4, 20), "application_id": "A-1"},
                           ["訂正依頼", "実務経験年数の証明書を添付してください", "生年月日の記入漏れ", "令和8年4月20日（月）",
                            "訂正期限"]),
    "fee_request": ({"name": "山田　太郎", "amount": 21300, "deadline": "2026-05-01",
                     "breakdown": [{"label": "学科手数料", "amount": 3100}, {"label": "実技手数料", "amount": 18200}],
                     "slip_number": "N13260000042", "payment_method": "納付書による払込"},
                    ["手数料納付依頼", "21,300円", "3,100円", "18,200円", "納付期限", "令和8年5月1日", "納付書番号",
                     "N13260000042", "納付書による払込"]),
    "refund_notice": ({"name": "山田　太郎", "amount": 21300, "reason": "納付額の相違による受検申請の取下げ",
                       "refund_method": "ご指定の口座への振込", "grade": "2級", "trade": "機械加工",
                       "application_id": "13-2026-A000001"},
                      ["手数料還付のお知らせ", "還付金額", "21,300円", "還付の理由", "納付額の相違による受検申請の取下げ",
                       "還付の方法", "ご指定の口座への振込", "2級 機械加工", "13-2026-A000001"]),
    "revocation_notice": ({"name": "山田　太郎", "grade": "2級", "trade": "機械加工", "revoked_on": "2027-01-15",
                           "reason": "受検資格の虚偽申告", "certificate_number": "13-2-00042"},
                          ["合格取消通知", "取り消され", "令和9年1月15日", "受検資格の虚偽申告", "13-2-00042"]),
    "certificate": ({"name": "山田　太郎", "certificate_number": "13-2-00042", "grade": "2級", "trade": "機械加工",
                     "task": "普通旋盤作業", "issue_date": "2026-10-01", "birth_date": "1990-04-02"},
                    ["合格証書", "第 13-2-00042 号", "2級機械加工技能士", "普通旋盤作業", "令和8年10月1日",
                     "平成2年4月2日生"]),
}


# ---- an SMTP server that can be stopped and started again on the same port ----

class Collector:
    """aiosmtpd handler keeping every envelope; `reject` makes DATA fail with a temporary error."""

    def __init__(self) -> None:
        self.envelopes: list[Any] = []
        self.reject = False

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.reject:
            return "451 4.3.0 try again later"
        self.envelopes.append(envelope)
        return "250 2.0.0 accepted"


class SmtpServer:
    """A real SMTP server on 127.0.0.1 and a free port."""

    def __init__(self) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.collector = Collector()
        self.controller: Controller | None = None
        self.start()

    def start(self) -> None:
        self.controller = Controller(self.collector, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    @property
    def messages(self) -> list[EmailMessage]:
        return [cast(EmailMessage, message_from_bytes(e.content, policy=default_policy))
                for e in self.collector.envelopes]


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer()
    yield server
    server.stop()


@pytest.fixture
def sessions(db_url: str) -> Iterator[sessionmaker[Session]]:
    engine = create_engine(db_url)
    NotifyBase.metadata.create_all(engine)
    yield sessionmaker(engine)
    engine.dispose()


@pytest.fixture
def notifier(sessions: sessionmaker[Session], smtp: SmtpServer) -> Notifier:
    return Notifier(sessions, "127.0.0.1", smtp.port, SENDER, timeout=5, clock=lambda: NOW)


def add_recipient(sessions: sessionmaker[Session], application_id: str = "A-1", tenant: str = "13",
                  pseudonym: str = "PSN-1", email: str | None = ADDRESS) -> None:
    with sessions() as session, session.begin():
        record_recipient(session, tenant=tenant, application_id=application_id, pseudonym_id=pseudonym, email=email,
                         postal_name="山田　太郎", postal_address="東京都新宿区西新宿二丁目8番1号", verified_at=NOW)


def counts(sessions: sessionmaker[Session]) -> tuple[int, int]:
    with sessions() as session:
        return (session.scalar(select(func.count()).select_from(PortalMessage)) or 0,
                session.scalar(select(func.count()).select_from(SentMail)) or 0)


def _inbox(sessions: sessionmaker[Session], pseudonym: str, tenant: str | None = None) -> list[dict[str, Any]]:
    with sessions() as session:
        return inbox(session, pseudonym, tenant)


def body(msg: EmailMessage, kind: str) -> str:
    part = msg.get_body(preferencelist=(kind,))
    assert part is not None
    return part.get_content()  # type: ignore[no-any-return]


# ---- templates ----

@pytest.mark.parametrize("kind", list(SAMPLES))
def test_every_kind_renders_in_japanese(kind: str) -> None:
    context, expected = SAMPLES[kind]
    notice = render(kind, context)
    assert notice.subject == f"【技能検定】{KINDS[kind].title}"
    assert '<html lang="ja">' in notice.html and "山田　太郎" in notice.html
    for text in expected:
        assert text in notice.html and text in notice.text, text
    assert "<" not in notice.text and "{{" not in notice.html


@pytest.mark.parametrize("kind", list(SAMPLES))
def test_names_are_escaped(kind: str) -> None:
    notice = render(kind, {**SAMPLES[kind][0], "name": EVIL})
    assert "<script>" not in notice.html and "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in notice.html
    assert EVIL in notice.text  # the text part shows it as the characters it is


def test_markup_values_are_not_trusted() -> None:
    notice = render("pass_notice", {**SAMPLES["pass_notice"][0], "name": Markup("<b>太郎</b>"), "trade": Markup(EVIL)})
    assert "<b>" not in notice.html and "&lt;b&gt;太郎&lt;/b&gt;" in notice.html and "<script>" not in notice.html


@pytest.mark.parametrize("context", [
    {"my_number": "x"}, {"applicant_my_number": None}, {"MyNumber": "x"}, {"個人番号": "x"}, {"申請者の個人番号": "x"},
    {"notes": {"my-number": "x"}},
], ids=["my_number", "suffix", "camel", "kanji", "kanji-inside", "nested"])
def test_a_my_number_key_is_refused(context: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="個人番号"):
        render("pass_notice", {**SAMPLES["pass_notice"][0], **context})


@pytest.mark.parametrize("value", [
    "123456789018", "１２３４５６７８９０１８", "1234 5678 9018", "1234-5678-9018", 123456789018,
    "番号：123456789018 です", ["ok", "123456789018"],
])
def test_a_twelve_digit_value_is_refused(value: Any) -> None:
    with pytest.raises(ValueError) as err:
        render("pass_notice", {**SAMPLES["pass_notice"][0], "notes": value})
    assert "9018" not in str(err.value)  # the refusal never repeats the number


@pytest.mark.parametrize("value", [
    "12345678901", "1234567890123", "2026-07-12T09:00:00", "03-1234-5678", "12345678-1234-1234-1234-123456789018",
    "13-2-1234-00001",
])
def test_near_misses_are_not_refused(value: str) -> None:
    assert value in render("pass_notice", {**SAMPLES["pass_notice"][0], "notes": value}).text


def test_render_refuses_bad_contexts() -> None:
    with pytest.raises(NoticeInvalid, match="unknown notice kind"):
        render("postcard", {})
    with pytest.raises(NoticeInvalid, match="missing: exam_number, grade, trade"):
        render("pass_notice", {"name": "山田"})
    with pytest.raises(NoticeInvalid, match="unknown: emial"):
        render("pass_notice", {**SAMPLES["pass_notice"][0], "emial": "x@example.jp"})
    with pytest.raises(NoticeInvalid, match="amount"):
        render("fee_request", {**SAMPLES["fee_request"][0], "amount": "21300"})
    with pytest.raises(NoticeInvalid, match="passed_part"):
        render("partial_pass_notice", {**SAMPLES["partial_pass_notice"][0], "passed_part": "全部"})
    with pytest.raises(NoticeInvalid, match="text, a number or a date"):
        render("pass_notice", {**SAMPLES["pass_notice"][0], "trade": {"nested": "x"}})


def test_certificate_is_a_printable_page() -> None:
    notice = render("certificate", {**SAMPLES["certificate"][0], "issuer": "東京都知事"})
    html = notice.html
    assert "@page" in html and "@media print" in html and "A4 landscape" in html
    assert "<h1>合格証書</h1>" in html and "技能士" in html and "<th>職種</th><td>機械加工</td>" in html
    assert "<th>作業</th><td>普通旋盤作業</td>" in html and "東京都知事" in html


def test_wareki() -> None:
    assert wareki("2019-04-30") == "平成31年4月30日"
    assert wareki(date(2019, 5, 1)) == "令和元年5月1日"
    assert wareki("1989-01-07") == "昭和64年1月7日" and wareki("1989-01-08") == "平成元年1月8日"
    assert wareki(datetime(2026, 7, 12, 9, 30), weekday=True) == "令和8年7月12日（日）"
    assert wareki("7月中旬") == "7月中旬"


# ---- the notifier ----

def test_notify_mails_exactly_the_recorded_address(notifier: Notifier, sessions: sessionmaker[Session],
                                                   smtp: SmtpServer) -> None:
    add_recipient(sessions)
    result = notifier.notify("13", "A-1", "pass_notice", SAMPLES["pass_notice"][0], "job-1")
    assert result["emailed"] is True and uuid.UUID(result["portal_message_id"])
    [envelope] = smtp.collector.envelopes
    assert envelope.rcpt_tos == [ADDRESS] and envelope.mail_from == SENDER
    [msg] = smtp.messages
    assert msg["To"] == ADDRESS and msg["From"] == SENDER and msg["Subject"] == "【技能検定】合格通知"
    assert msg.get_content_type() == "multipart/alternative" and msg["Cc"] is None and msg["Bcc"] is None
    text, html = body(msg, "plain"), body(msg, "html")
    assert "山田　太郎 様" in text and "合格されました" in text and "東京都職業能力開発協会" in text
    assert "合格されました" in html and "131-20001" in html
    [message] = _inbox(sessions, "PSN-1")
    assert message["id"] == result["portal_message_id"] and message["kind"] == "pass_notice"
    assert message["body_html"].strip() == html.replace("\r\n", "\n").strip()  # the mail is the portal notice
    with sessions() as session:
        mail = session.scalars(select(SentMail)).one()
        assert mail.to_address == ADDRESS and mail.sent_at is not None and mail.idempotency_key == "job-1"


def test_the_same_key_sends_nothing_again(notifier: Notifier, sessions: sessionmaker[Session],
                                          smtp: SmtpServer) -> None:
    add_recipient(sessions)
    first = notifier.notify("13", "A-1", "admission_ticket", SAMPLES["admission_ticket"][0], "job-7")
    again = notifier.notify("13", "A-1", "admission_ticket", SAMPLES["admission_ticket"][0], "job-7")
    assert again == first and len(smtp.messages) == 1 and counts(sessions) == (1, 1)
    other = notifier.notify("13", "A-1", "admission_ticket", SAMPLES["admission_ticket"][0], "job-8")
    assert other["portal_message_id"] != first["portal_message_id"] and len(smtp.messages) == 2


def test_no_recorded_recipient_sends_and_writes_nothing(notifier: Notifier, sessions: sessionmaker[Session],
                                                        smtp: SmtpServer) -> None:
    with pytest.raises(NoVerifiedRecipient, match="A-1"):
        notifier.notify("13", "A-1", "pass_notice", {**SAMPLES["pass_notice"][0], "email": ADDRESS}, "job-1")
    add_recipient(sessions, tenant="14")  # the same 申請受付ID in another prefecture is another application
    with pytest.raises(NoVerifiedRecipient):
        notifier.notify("13", "A-1", "pass_notice", SAMPLES["pass_notice"][0], "job-1")
    assert counts(sessions) == (0, 0) and smtp.messages == []


@pytest.mark.parametrize("named", [
    {"email": "someone.else@example.jp"}, {"to": "someone.else@example.jp"}, {"to": [ADDRESS, "cc@example.jp"]},
    {"to": []}, {"pseudonym_id": "PSN-2"},
], ids=["email", "to", "to-extra", "to-empty", "pseudonym"])
def test_a_differently_named_recipient_is_refused(notifier: Notifier, sessions: sessionmaker[Session],
                                                  smtp: SmtpServer, named: dict[str, Any]) -> None:
    add_recipient(sessions)
    with pytest.raises(RecipientMismatch) as err:
        notifier.notify("13", "A-1", "pass_notice", {**SAMPLES["pass_notice"][0], **named}, "job-1")
    assert "@" not in str(err.value)
    assert counts(sessions) == (0, 0) and smtp.messages == []


def test_the_recorded_recipient_named_again_is_fine(notifier: Notifier, sessions: sessionmaker[Session],
                                                    smtp: SmtpServer) -> None:
    add_recipient(sessions)
    named = {"email": ADDRESS.upper(), "to": [ADDRESS], "pseudonym_id": "PSN-1"}
    assert notifier.notify("13", "A-1", "pass_notice", {**SAMPLES["pass_notice"][0], **named}, "job-1")["emailed"]
    assert smtp.collector.envelopes[0].rcpt_tos == [ADDRESS]


def test_a_recipient_without_email_gets_the_portal_only(notifier: Notifier, sessions: sessionmaker[Session],
                                                        smtp: SmtpServer) -> None:
    add_recipient(sessions, email=None)
    result = notifier.notify("13", "A-1", "fee_request", SAMPLES["fee_request"][0], "job-1")
    assert result["emailed"] is False and smtp.messages == [] and counts(sessions) == (1, 0)
    assert [m["id"] for m in _inbox(sessions, "PSN-1")] == [result["portal_message_id"]]
    with pytest.raises(RecipientMismatch):  # naming an address the record does not have is a mismatch too
        notifier.notify("13", "A-1", "fee_request", {**SAMPLES["fee_request"][0], "email": ADDRESS}, "job-2")


def test_smtp_down_raises_and_the_retry_sends_exactly_once(notifier: Notifier, sessions: sessionmaker[Session],
                                                           smtp: SmtpServer) -> None:
    add_recipient(sessions)
    smtp.stop()
    with pytest.raises(MailNotSent, match="could not be reached"):
        notifier.notify("13", "A-1", "pass_notice", SAMPLES["pass_notice"][0], "job-3")
    assert counts(sessions) == (1, 1)  # the portal message and the pending mail, nothing sent
    smtp.start()
    smtp.collector.reject = True
    with pytest.raises(MailNotSent, match="451"):
        notifier.notify("13", "A-1", "pass_notice", SAMPLES["pass_notice"][0], "job-3")
    smtp.collector.reject = False
    first = notifier.notify("13", "A-1", "pass_notice", SAMPLES["pass_notice"][0], "job-3")
    second = notifier.notify("13", "A-1", "pass_notice", SAMPLES["pass_notice"][0], "job-3")
    assert first == second and first["emailed"] is True
    assert len(smtp.messages) == 1 and smtp.messages[0]["To"] == ADDRESS
    assert counts(sessions) == (1, 1) and len(_inbox(sessions, "PSN-1")) == 1
    assert "合格されました" in body(smtp.messages[0], "plain")


def test_a_recipient_changed_before_the_retry_is_not_mailed(notifier: Notifier, sessions: sessionmaker[Session],
                                                            smtp: SmtpServer) -> None:
    add_recipient(sessions)
    smtp.stop()
    with pytest.raises(MailNotSent):
        notifier.notify("13", "A-1", "pass_notice", SAMPLES["pass_notice"][0], "job-4")
    add_recipient(sessions, email="corrected@example.jp")
    smtp.start()
    with pytest.raises(RecipientMismatch, match="changed"):
        notifier.notify("13", "A-1", "pass_notice", SAMPLES["pass_notice"][0], "job-4")
    assert smtp.messages == []


def test_a_concurrent_writer_of_the_same_key_leaves_one_notice(notifier: Notifier, sessions: sessionmaker[Session],
                                                                smtp: SmtpServer) -> None:
    add_recipient(sessions)
    raced: list[Any] = []

    def racing_sessions() -> Session:
        session = sessions()

        @event.listens_for(session, "before_flush")
        def other_worker_first(*_: Any) -> None:  # another worker commits the same key between our read and write
            if not raced:
                raced.append(notifier.notify("13", "A-1", "pass_notice", SAMPLES["pass_notice"][0], "job-1"))
        return session

    slow = Notifier(racing_sessions, "127.0.0.1", smtp.port, SENDER, timeout=5, clock=lambda: NOW)
    assert slow.notify("13", "A-1", "pass_notice", SAMPLES["pass_notice"][0], "job-1") == raced[0]
    assert len(smtp.messages) == 1 and counts(sessions) == (1, 1)


def test_a_key_reused_for_another_notice_conflicts(notifier: Notifier, sessions: sessionmaker[Session],
                                                   smtp: SmtpServer) -> None:
    add_recipient(sessions)
    add_recipient(sessions, application_id="A-2", pseudonym="PSN-2", email="hanako@example.jp")
    notifier.notify("13", "A-1", "pass_notice", SAMPLES["pass_notice"][0], "job-5")
    with pytest.raises(IdempotencyConflict):
        notifier.notify("13", "A-2", "pass_notice", SAMPLES["pass_notice"][0], "job-5")
    with pytest.raises(IdempotencyConflict):
        notifier.notify("13", "A-1", "fail_notice", SAMPLES["fail_notice"][0], "job-5")
    assert [e.rcpt_tos for e in smtp.collector.envelopes] == [[ADDRESS]]


def test_notify_refuses_a_my_number_before_touching_anything(notifier: Notifier, sessions: sessionmaker[Session],
                                                             smtp: SmtpServer) -> None:
    add_recipient(sessions)
    for extra in ({"my_number": "123456789018"}, {"notes": "123456789018"}):
        with pytest.raises(ValueError):
            notifier.notify("13", "A-1", "pass_notice", {**SAMPLES["pass_notice"][0], **extra}, "job-6")
    with pytest.raises(NoticeInvalid, match="application_id"):
        notifier.notify("13", "A-1", "pass_notice", {**SAMPLES["pass_notice"][0], "application_id": "A-9"}, "job-6")
    assert counts(sessions) == (0, 0) and smtp.messages == []


# ---- the portal inbox ----

def test_inbox_shows_only_own_messages_and_mark_read_refuses_others(
        notifier: Notifier, sessions: sessionmaker[Session], smtp: SmtpServer) -> None:
    add_recipient(sessions)
    add_recipient(sessions, application_id="A-2", pseudonym="PSN-2", email=None)
    add_recipient(sessions, application_id="B-1", tenant="27", pseudonym="PSN-1", email=None)
    mine = notifier.notify("13", "A-1", "pass_notice", SAMPLES["pass_notice"][0], "job-1")["portal_message_id"]
    theirs = notifier.notify("13", "A-2", "fail_notice", SAMPLES["fail_notice"][0], "job-2")["portal_message_id"]
    osaka = notifier.notify("27", "B-1", "admission_ticket", SAMPLES["admission_ticket"][0], "job-3")
    assert "大阪府職業能力開発協会" in _inbox(sessions, "PSN-1", "27")[0]["body_html"]
    assert {m["id"] for m in _inbox(sessions, "PSN-1")} == {mine, osaka["portal_message_id"]}
    assert [m["id"] for m in _inbox(sessions, "PSN-1", tenant="13")] == [mine]
    assert [m["id"] for m in _inbox(sessions, "PSN-2")] == [theirs] and _inbox(sessions, "PSN-3") == []
    with sessions() as session, session.begin():
        for bad in (theirs, str(uuid.uuid4()), "not-a-uuid"):
            with pytest.raises(MessageNotFound):
                mark_read(session, bad, "PSN-1")
        read = mark_read(session, mine, "PSN-1", now=NOW)
        assert read["unread"] is False and read["read_at"] is not None
    [other] = _inbox(sessions, "PSN-2")
    assert other["unread"] is True and other["read_at"] is None
    assert [m["unread"] for m in _inbox(sessions, "PSN-1", tenant="13")] == [False]


def _rows(html: str) -> dict[str, str]:
    """A notice's table as {label: value}."""
    return dict(re.findall(r"<tr><th>([^<]+)</th><td>([^<]*)</td></tr>", html))


def test_the_new_fields_have_their_own_lines() -> None:
    """The 納付書番号 on the fee request, the 試験室 on the 受検票, the refund notice's amount, reason and method."""
    fee = _rows(render("fee_request", SAMPLES["fee_request"][0]).html)
    assert fee["納付書番号"] == "N13260000042" and fee["納付方法"] == "納付書による払込"
    assert _rows(render("admission_ticket", SAMPLES["admission_ticket"][0]).html)["試験室"] == "第2教室"
    refund = _rows(render("refund_notice", SAMPLES["refund_notice"][0]).html)
    assert (refund["還付金額"], refund["還付の理由"], refund["還付の方法"]) == \
        ("21,300円", "納付額の相違による受検申請の取下げ", "ご指定の口座への振込")
    # optional fields left out leave no empty line
    bare = {k: v for k, v in SAMPLES["refund_notice"][0].items() if k in ("name", "amount", "reason")}
    assert set(_rows(render("refund_notice", bare).html)) == {"還付金額", "還付の理由"}
    ticket = {k: v for k, v in SAMPLES["admission_ticket"][0].items() if k != "room"}
    assert "試験室" not in _rows(render("admission_ticket", ticket).html)
    assert "納付書番号" not in _rows(render("fee_request", {**SAMPLES["fee_request"][0], "slip_number": None}).html)


def test_a_refund_notice_needs_its_amount_and_reason() -> None:
    context = SAMPLES["refund_notice"][0]
    with pytest.raises(NoticeInvalid, match="missing: reason"):
        render("refund_notice", {**context, "reason": ""})
    with pytest.raises(NoticeInvalid, match="missing: amount"):
        render("refund_notice", {k: v for k, v in context.items() if k != "amount"})
    for bad in (-1, "21300", 1.5, True):
        with pytest.raises(NoticeInvalid, match="whole number of yen"):
            render("refund_notice", {**context, "amount": bad})
    assert "0円" in render("refund_notice", {**context, "amount": 0}).text


def test_process_variables_fill_the_new_fields() -> None:
    """refund_fee's fee_refund (not the fee asked, fee_amount) and the diagram's refund_reason; the slip number
    and the room under their process names."""
    data = {"applicant_name": "山田　太郎", "fee_amount": 21300, "fee_refund": 18200, "refund_reason": "定員超過",
            "payment_slip_no": "N13260000042", "exam_room": "第1教室", "fiscal_year": 2026, "round": "前期",
            "fee_note": "担当者のメモ"}
    assert notice_context(KINDS["refund_notice"], data) == {"name": "山田　太郎", "amount": 18200,
                                                           "reason": "定員超過", "exam_round": "令和8年度前期"}
    assert notice_context(KINDS["fee_request"], data)["slip_number"] == "N13260000042"
    assert notice_context(KINDS["fee_request"], data)["amount"] == 21300
    assert notice_context(KINDS["admission_ticket"], data)["room"] == "第1教室"


# ---- engine registration ----

def _ctx(topic: str, key: str) -> HandlerContext:
    return HandlerContext(topic=topic, instance_id=1, tenant="13", business_key="A-1", element_id="notify",
                          idempotency_key=key)


def test_every_notice_topic_is_registered_remote() -> None:
    registry = HandlerRegistry()
    register(registry, Notifier(sessionmaker(), "127.0.0.1", 25, SENDER))  # registering connects to nothing
    assert registry.topics() == {f"notify.{kind}" for kind in (
        "admission_ticket", "pass_notice", "fail_notice", "partial_pass_notice", "correction_request",
        "fee_request", "revocation_notice", "certificate", "refund_notice")}
    assert {registry.get(t).kind for t in registry.topics()} == {"remote"}  # type: ignore[union-attr]


def test_a_handler_sends_the_notice_from_task_data(notifier: Notifier, sessions: sessionmaker[Session],
                                                   smtp: SmtpServer) -> None:
    add_recipient(sessions)
    registry = HandlerRegistry()
    register(registry, notifier)
    handler = registry.get("notify.certificate").handler  # type: ignore[union-attr]
    data = {"application_id": "A-1", **SAMPLES["certificate"][0], "decision": "approve", "years": 3,
            "payment_id": "123456789018"}  # other process variables never reach the template
    result = handler(_ctx("notify.certificate", "job-9"), data)
    assert result == handler(_ctx("notify.certificate", "job-9"), data)
    [message] = _inbox(sessions, "PSN-1")
    assert result == {"notice_certificate_id": message["id"]} and len(smtp.messages) == 1
    assert "東京都知事" in message["body_html"]  # a 2級 certificate bears the governor's name
    with pytest.raises(RecipientMismatch):
        handler(_ctx("notify.certificate", "job-10"), {**data, "email": "someone.else@example.jp"})
    with pytest.raises(NoticeInvalid, match="application_id"):
        handler(_ctx("notify.certificate", "job-11"), SAMPLES["certificate"][0])


NOTIFY_BPMN = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="defs" targetNamespace="http://kentei.test">
  <bpmn:process id="notify_pass" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:serviceTask id="pass_notice" name="合格通知" camunda:type="external" camunda:topic="notify.pass_notice"/>
    <bpmn:endEvent id="end"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="pass_notice"/>
    <bpmn:sequenceFlow id="f2" sourceRef="pass_notice" targetRef="end"/>
  </bpmn:process>
</bpmn:definitions>
""".encode("utf-8")


def test_the_engine_runs_a_notice_as_a_remote_job(engine: Any, handlers: HandlerRegistry, clock: Any,
                                                  sessions: sessionmaker[Session], smtp: SmtpServer) -> None:
    add_recipient(sessions)
    register(handlers, Notifier(sessions, "127.0.0.1", smtp.port, SENDER, timeout=5))
    engine.deploy([("notify_pass.bpmn", NOTIFY_BPMN)])
    smtp.stop()
    iid = engine.start("notify_pass", "13", {"application_id": "A-1", **SAMPLES["pass_notice"][0]})
    assert engine.run_jobs("w1") == {"retry": 1}
    smtp.start()
    clock.advance(seconds=engine.settings.job_backoff_seconds)
    assert engine.run_jobs("w1") == {"done": 1}
    info = engine.instance(iid)
    [message] = _inbox(sessions, "PSN-1")
    assert info["status"] == "completed" and info["variables"]["notice_pass_notice_id"] == message["id"]
    assert [e.rcpt_tos for e in smtp.collector.envelopes] == [[ADDRESS]]
