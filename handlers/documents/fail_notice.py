"""不合格通知: from the 合格発表日 on, for a fail or a partial pass (the part passed is named: it is exempt later)."""
from __future__ import annotations

from datetime import date

from handlers.notify.wareki import wareki

from .facts import Facts
from .letter import letter
from .pass_notice import announced

KIND = "fail_notice"
TITLE = "不合格通知"
FAILED = ("fail", "partial_written", "partial_practical")


def missing(facts: Facts, today: date) -> str | None:
    if (why := announced(facts, today)) is not None:
        return why
    if facts.result not in FAILED:
        return f"application {facts.application_no} did not fail (its result is {facts.result}), so it has no fail notice"
    return None


def _part(passed: bool | None) -> str:
    return "合格" if passed else "不合格"


def render(facts: Facts, today: date) -> bytes:
    assert facts.announcement_date is not None
    body = (f"{facts.exam_round}技能検定の結果、残念ながら下記の試験は不合格となりましたので通知します。")
    rows = [("受検番号", facts.examinee_no or "—"), ("等級・職種（作業）", facts.exam_label),
            ("学科試験", _part(facts.written_passed)), ("実技試験", _part(facts.practical_passed)),
            ("合格発表日", wareki(facts.announcement_date))]
    closing: list[str] = []
    passed = [p for p, ok in (("学科試験", facts.written_passed), ("実技試験", facts.practical_passed)) if ok]
    if passed:
        closing.append(f"{passed[0]}には合格しています。次回以降の受検では、申請の際に{passed[0]}の免除を申請できます。")
    closing.append("次回の試験の日程は、当協会のお知らせでご確認ください。")
    return letter(facts, KIND, TITLE, facts.announcement_date, body, rows, closing)
