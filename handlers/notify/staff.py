"""Reminders to staff about overdue tasks: the staff inbox of the prefecture, and mail if configured.

A reminder names the task, its due date and the application number, never the applicant's
personal data. It goes to the inbox key `staff:<prefecture>:<user or group>` (what the web
inbox shows) and, when KENTEI_STAFF_MAIL is set (e.g. `kentei-{tenant}@pref.example.jp`), to that
prefecture's staff mailbox. One idempotency key writes it once and mails it at most once.
"""
from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from datetime import datetime, timezone
from html import escape
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from handlers.base import HandlerContext, HandlerRegistry

from .mail import Outgoing, build_message, send
from .models import PortalMessage, SentMail
from .text import html_to_text

TOPIC = "notify.task_reminder"
KIND = "task_reminder"


def staff_inbox(tenant: str, audience: str) -> str:
    """The inbox key of a user (`reviewer1-13`) or a group (`reviewer`) of a prefecture."""
    return f"staff:{tenant}:{audience}"


class StaffReminders:
    """Writes and mails overdue-task reminders (a remote handler the engine's reminder job calls)."""

    def __init__(self, session_factory: Callable[[], Session], smtp_host: str, smtp_port: int, sender: str,
                 staff_mail: str = "", timeout: float = 30.0) -> None:
        self._sessions, self._host, self._port = session_factory, smtp_host, smtp_port
        self._sender, self._staff_mail, self._timeout = sender, staff_mail, timeout

    def remind(self, ctx: HandlerContext, data: Mapping[str, Any]) -> dict[str, Any]:
        """Remind the task's assignee, or else its candidate groups and candidate users, that it is overdue."""
        audiences = [data["assignee"]] if data.get("assignee") else [
            a.strip() for key in ("candidate_groups", "candidate_users")
            for a in str(data.get(key) or "").split(",") if a.strip()]
        if not audiences:
            raise ValueError("a reminder needs the task's assignee, candidate groups or candidate users")
        subject = f"【期限超過】{data.get('task_name') or data.get('element_id')}"
        body = (f"<p>次のタスクが期限を過ぎています。</p><ul><li>タスク: {escape(str(data.get('task_name') or ''))}</li>"
                f"<li>期限: {escape(str(data.get('due_at') or ''))}</li>"
                f"<li>申請: {escape(str(ctx.business_key or '-'))}</li>"
                f"<li>督促: {int(data.get('reminders') or 1)} 回目</li></ul>")
        now = ctx.now or datetime.now(timezone.utc)
        to_address = self._staff_mail.format(tenant=ctx.tenant) if self._staff_mail else None
        with self._sessions() as session, session.begin():
            for audience in audiences:
                key = f"{ctx.idempotency_key}:{audience}"
                if session.scalar(select(PortalMessage.id).where(PortalMessage.idempotency_key == key)) is None:
                    session.add(PortalMessage(id=uuid.uuid4(), pseudonym_id=staff_inbox(ctx.tenant, audience),
                                              tenant=ctx.tenant, application_id=str(ctx.business_key or "-"),
                                              kind=KIND, subject=subject, body_html=body, created_at=now,
                                              idempotency_key=key))
            mail = None
            if to_address:
                mail = session.scalar(select(SentMail).where(SentMail.idempotency_key == ctx.idempotency_key))
                if mail is None:
                    mail = SentMail(idempotency_key=ctx.idempotency_key, tenant=ctx.tenant,
                                    application_id=str(ctx.business_key or "-"), to_address=to_address,
                                    subject=subject, sent_at=None)
                    session.add(mail)
            pending = mail is not None and mail.sent_at is None
        if pending and to_address:
            outgoing = Outgoing(ctx.idempotency_key, to_address, subject, body, html_to_text(body))
            send(self._host, self._port, self._timeout, build_message(outgoing, self._sender, now), self._sender,
                 to_address)
            with self._sessions() as session, session.begin():
                session.execute(update(SentMail).where(SentMail.idempotency_key == ctx.idempotency_key)
                                .values(sent_at=now))
        return {"reminded": audiences, "emailed": bool(to_address)}


def register(registry: HandlerRegistry, reminders: StaffReminders) -> None:
    """notify.task_reminder, remote: called by the engine's reminder job outside any transaction."""
    registry.register(TOPIC, reminders.remind, "remote")
