"""受検票 (admission ticket): issued once the exam is scheduled (受検番号, 実技番号, 座席番号, 試験場, 試験日)."""
from __future__ import annotations

from datetime import date

from reportlab.lib.units import mm

from handlers.notify.wareki import wareki

from .facts import Facts
from .fonts import GOTHIC
from .layout import Sheet

KIND = "admission_ticket"
TITLE = "受検票"


def missing(facts: Facts, today: date) -> str | None:
    """Why there is no ticket yet (None when there is one)."""
    if not facts.examinee_no:
        return f"application {facts.application_no} has no admission ticket yet: its exam is not scheduled"
    return None


def _period(start: date, end: date | None) -> str:
    """実技試験の期間: one day, or from … to … (和暦)."""
    return wareki(start) if end is None or end == start else f"{wareki(start)} 〜 {wareki(end)}"


def render(facts: Facts, today: date) -> bytes:
    sheet = Sheet(f"{TITLE} {facts.examinee_no}", facts.issuer(KIND))
    w, h = sheet.width, sheet.height
    left, right = 20 * mm, w - 20 * mm
    sheet.frame(12 * mm, 1.2)
    sheet.text(w / 2, h - 36 * mm, TITLE, GOTHIC, 30, align="center", spacing=7)
    sheet.text(w / 2, h - 46 * mm, f"{facts.exam_round} 技能検定", GOTHIC, 13, align="center")

    # the number the examinee writes on every answer sheet, large; the photo box beside it
    top = h - 58 * mm
    box_w = right - left - 36 * mm
    sheet.canvas.setLineWidth(1.2)
    sheet.canvas.rect(left, top - 40 * mm, box_w, 40 * mm)
    sheet.text(left + 5 * mm, top - 9 * mm, "受検番号", GOTHIC, 11)
    sheet.text(left + box_w / 2, top - 27 * mm, facts.examinee_no or "", GOTHIC, 32, align="center",
               width=box_w - 10 * mm, spacing=3)
    sheet.text(left + 5 * mm, top - 36 * mm, f"実技番号 {facts.practical_no or '—'}　　座席番号 {facts.seat_no or '—'}",
               GOTHIC, 11, width=box_w - 10 * mm)
    photo_x = right - 30 * mm
    sheet.canvas.setDash(3, 2)
    sheet.canvas.rect(photo_x, top - 40 * mm, 30 * mm, 40 * mm)
    sheet.canvas.setDash()
    for i, line in enumerate(("写真貼付欄", "縦4cm×横3cm", "正面・上半身", "無帽・無背景")):
        sheet.text(photo_x + 15 * mm, top - 14 * mm - i * 5 * mm, line, GOTHIC, 7.5, align="center")

    rows = [("氏名", facts.name), ("ふりがな", facts.name_kana or ""), ("生年月日", wareki(facts.birth_date)),
            ("等級・職種（作業）", facts.exam_label),
            ("試験日（学科）", wareki(facts.exam_date, weekday=True) if facts.exam_date else "追って通知します"),
            *([("実技試験期間", _period(facts.practical_start, facts.practical_end))] if facts.practical_start else []),
            ("試験場", facts.venue or "追って通知します"),
            *([("所在地", facts.venue_address)] if facts.venue_address else []),
            *([("試験室", facts.room)] if facts.room else []), ("実技番号", facts.practical_no or "—"),
            ("座席番号", facts.seat_no or "—"), ("申請受付ID", facts.application_no)]
    bottom = sheet.table(left, top - 48 * mm, rows, GOTHIC, 11, 42 * mm, right - left - 42 * mm, 10 * mm)

    notes = ("・試験当日は本票を必ず持参し、試験官の指示に従ってください。",
             "・試験開始時刻に遅れた場合は受検できないことがあります。",
             "・実技試験の日時・集合時刻は、試験場からの案内に従ってください。",
             "・本票を紛失したときは、試験日の前日までに下記へお申し出ください。")
    y = bottom - 10 * mm
    for note in notes:
        y = sheet.paragraph(left, y, note, GOTHIC, 10, right - left, leading=15)
    sheet.text(right, 24 * mm, facts.issuer(KIND), GOTHIC, 13, align="right")
    sheet.text(right, 18 * mm, f"発行日 {wareki(today)}", GOTHIC, 9, align="right")
    return sheet.finish()
