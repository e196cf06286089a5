"""合格証書 (DOMAIN.md step 9): certificate number, name, birth date, grade, trade and task, the title 技能士,
技能士番号, the date of pass, and the signatory (都道府県知事 for 2級・3級, 厚生労働大臣 for 特級・1級・単一等級)."""
from __future__ import annotations

from datetime import date

from reportlab.lib.units import mm

from handlers.notify.wareki import wareki

from .facts import Facts
from .fonts import MINCHO
from .layout import Sheet

KIND = "certificate"
TITLE = "合格証書"


def passed(facts: Facts, what: str) -> str | None:
    """Why there is no certificate: no pass registered yet, or the pass revoked."""
    if facts.ginoshi_no is None or facts.passed_on is None:
        return f"application {facts.application_no} has no {what} yet: no pass is registered for it"
    if facts.revoked_on is not None:
        return (f"application {facts.application_no} has no {what}: its pass was revoked on "
                f"{facts.revoked_on.isoformat()}")
    return None


def missing(facts: Facts, today: date) -> str | None:
    return passed(facts, "certificate")


def render(facts: Facts, today: date) -> bytes:
    assert facts.passed_on is not None
    sheet = Sheet(f"{TITLE} {facts.certificate_no}", facts.issuer(KIND), wide=True)
    w, h = sheet.width, sheet.height
    sheet.frame(10 * mm, 2.4, gap=2.2 * mm)
    left, right = 34 * mm, w - 34 * mm
    sheet.text(left, h - 28 * mm, facts.certificate_no or "", MINCHO, 12)
    sheet.text(w / 2, h - 50 * mm, TITLE, MINCHO, 38, align="center", spacing=9)
    sheet.text(w / 2, h - 70 * mm, facts.name, MINCHO, 24, align="center", width=150 * mm, spacing=4)
    sheet.text(w / 2, h - 79 * mm, f"{wareki(facts.birth_date)}生", MINCHO, 12, align="center")

    fields = [("等級", facts.grade), ("職種", facts.trade_name)]
    if facts.task_name:
        fields.append(("作業", facts.task_name))
    fields.append(("技能士番号", facts.ginoshi_no or ""))
    y = h - 92 * mm
    for label, value in fields:
        sheet.text(w / 2 - 6 * mm, y, label, MINCHO, 13, align="right")
        sheet.text(w / 2 + 4 * mm, y, value, MINCHO, 13, width=right - w / 2 - 4 * mm)
        y -= 7 * mm
    title = f"{facts.grade}{facts.trade_name}技能士"
    statement = (f"あなたは職業能力開発促進法による{facts.grade}{facts.trade_name}技能検定に合格したので"
                 f"これを証します　あなたは{title}と称することができます")
    sheet.paragraph(left + 16 * mm, y - 10 * mm, statement, MINCHO, 14, right - left - 32 * mm, leading=26)
    sheet.text(left + 16 * mm, 34 * mm, wareki(facts.passed_on), MINCHO, 14)
    if facts.reissued_on is not None:  # 再交付: the mark beside the number, and the day of the reissue
        sheet.text(right, h - 28 * mm, "再交付", MINCHO, 14, align="right", spacing=3)
        sheet.text(left + 16 * mm, 26 * mm, f"{wareki(facts.reissued_on)}再交付", MINCHO, 11)
    sheet.text(right - 6 * mm, 26 * mm, facts.issuer(KIND), MINCHO, 20, align="right", spacing=6)
    return sheet.finish()
