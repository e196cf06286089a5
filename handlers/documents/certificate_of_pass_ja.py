"""合格証明書 (Japanese): proof of a registered pass, issued on request, dated the day it is made."""
from __future__ import annotations

from datetime import date

from reportlab.lib.units import mm

from handlers.notify.wareki import wareki

from .certificate import passed
from .facts import Facts
from .fonts import MINCHO
from .layout import Sheet

KIND = "certificate_of_pass_ja"
TITLE = "合格証明書"


def missing(facts: Facts, today: date) -> str | None:
    return passed(facts, "certificate of pass")


def render(facts: Facts, today: date) -> bytes:
    assert facts.passed_on is not None
    issuer = facts.issuer("certificate")
    sheet = Sheet(f"{TITLE} {facts.ginoshi_no}", issuer)
    w, h = sheet.width, sheet.height
    left, right = 25 * mm, w - 25 * mm
    sheet.frame(14 * mm, 1.0)
    sheet.text(w / 2, h - 45 * mm, TITLE, MINCHO, 28, align="center", spacing=7)
    rows = [("氏名", facts.name), ("生年月日", wareki(facts.birth_date)), ("等級", facts.grade),
            ("職種", facts.trade_name), ("作業", facts.task_name or "—"), ("合格年月日", wareki(facts.passed_on)),
            ("技能士番号", facts.ginoshi_no or ""), ("合格証書番号", facts.certificate_no or "")]
    y = sheet.table(left + 5 * mm, h - 65 * mm, rows, MINCHO, 12, 45 * mm, right - left - 55 * mm, 12 * mm)
    statement = (f"上記の者は、職業能力開発促進法に基づく{facts.grade}{facts.trade_name}技能検定に合格し、"
                 f"{facts.grade}{facts.trade_name}技能士と称することができる者であることを証明します。")
    y = sheet.paragraph(left + 5 * mm, y - 16 * mm, statement, MINCHO, 13, right - left - 10 * mm, leading=24)
    sheet.text(left + 5 * mm, y - 14 * mm, wareki(today), MINCHO, 13)
    sheet.text(right - 5 * mm, y - 34 * mm, issuer, MINCHO, 18, align="right", spacing=4)
    return sheet.finish()
