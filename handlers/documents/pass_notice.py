"""合格通知書: from the 合格発表日 on, for an application whose result is a pass (and not revoked)."""
from __future__ import annotations

from datetime import date

from handlers.notify.wareki import wareki

from .facts import Facts
from .letter import letter

KIND = "pass_notice"
TITLE = "合格通知書"


def announced(facts: Facts, today: date) -> str | None:
    """Why no result can be told yet: not decided, or before the 合格発表日."""
    if facts.result is None or facts.announcement_date is None:
        return f"application {facts.application_no} has no result yet"
    if today < facts.announcement_date:
        return (f"the result of application {facts.application_no} is announced on "
                f"{facts.announcement_date.isoformat()}; its notice is issued from then")
    return None


def missing(facts: Facts, today: date) -> str | None:
    if (why := announced(facts, today)) is not None:
        return why
    if facts.result != "pass":
        return f"application {facts.application_no} did not pass, so it has no pass notice"
    if facts.revoked_on is not None:
        return f"the pass of application {facts.application_no} was revoked on {facts.revoked_on.isoformat()}"
    return None


def render(facts: Facts, today: date) -> bytes:
    assert facts.announcement_date is not None
    body = (f"{facts.exam_round}技能検定の結果、あなたは下記の試験に合格されましたので通知します。"
            "合格証書は別途交付します。")
    rows = [("受検番号", facts.examinee_no or "—"), ("等級・職種（作業）", facts.exam_label),
            ("合格発表日", wareki(facts.announcement_date))]
    if facts.ginoshi_no:
        rows.append(("技能士番号", facts.ginoshi_no))
    closing = ("合格者は、職業能力開発促進法により「" + f"{facts.grade}{facts.trade_name}技能士" + "」と称することができます。",)
    return letter(facts, KIND, TITLE, facts.announcement_date, body, rows, closing)
