"""The shape of a notice (通知書): addressee, date and issuer, title, body, a table of the facts, a closing."""
from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from reportlab.lib.units import mm

from handlers.notify.wareki import wareki

from .facts import Facts
from .fonts import GOTHIC, MINCHO
from .layout import Sheet


def letter(facts: Facts, kind: str, title: str, dated: date, body: str, rows: Sequence[tuple[str, str]],
           closing: Sequence[str] = ()) -> bytes:
    """An A4 letter in 明朝, the table in ゴシック, numbered by the 受検番号."""
    sheet = Sheet(f"{title} {facts.examinee_no or facts.application_no}", facts.issuer(kind))
    w, h = sheet.width, sheet.height
    left, right = 25 * mm, w - 25 * mm
    sheet.text(right, h - 25 * mm, f"受検番号 {facts.examinee_no or '—'}", GOTHIC, 10, align="right")
    sheet.text(right, h - 31 * mm, wareki(dated), MINCHO, 11, align="right")
    sheet.text(left, h - 42 * mm, f"{facts.name}　様", MINCHO, 15, width=right - left - 60 * mm)
    sheet.rule(left, h - 44.5 * mm, left + 80 * mm, h - 44.5 * mm, 0.6)
    sheet.text(right, h - 54 * mm, facts.issuer(kind), MINCHO, 12, align="right", width=90 * mm)
    sheet.text(w / 2, h - 76 * mm, title, MINCHO, 22, align="center", spacing=5)
    y = sheet.paragraph(left + 4 * mm, h - 92 * mm, body, MINCHO, 12, right - left - 8 * mm, leading=21)
    sheet.text(w / 2, y - 4 * mm, "記", MINCHO, 12, align="center")
    y = sheet.table(left + 8 * mm, y - 12 * mm, rows, GOTHIC, 11, 44 * mm, right - left - 60 * mm, 10 * mm)
    y -= 10 * mm
    for line in closing:
        y = sheet.paragraph(left + 4 * mm, y, line, MINCHO, 11, right - left - 8 * mm, leading=18)
    sheet.text(right, 30 * mm, "以上", MINCHO, 12, align="right")
    sheet.text(left, 18 * mm, f"申請受付ID {facts.application_no}", GOTHIC, 8)
    return sheet.finish()
