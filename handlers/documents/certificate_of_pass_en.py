"""Certificate of Pass (合格証明書, English): the same facts as the Japanese one, in English.

The name is the ふりがな in passport Hepburn (romaji.py), the registry keeping no romanised name; with no
ふりがな that can be spelled, the name as registered (in Japanese) is printed. Trades and tasks without an
English name here are printed in Japanese (the embedded font has the glyphs), with the trade code.
"""
from __future__ import annotations

from datetime import date

from reportlab.lib.units import mm

from handlers.notify.issuers import MINISTER_GRADES, PREFECTURES

from .certificate import passed
from .facts import Facts
from .fonts import MINCHO
from .layout import Sheet
from .romaji import latin_name

KIND = "certificate_of_pass_en"
TITLE = "Certificate of Pass"
ACT = "the Human Resources Development Promotion Act (Act No. 64 of 1969)"
GRADES = {"特級": "Special Grade", "1級": "Grade 1", "１級": "Grade 1", "2級": "Grade 2", "3級": "Grade 3",
          "単一等級": "Single Grade", "基礎級": "Basic Grade"}
TRADES = {"機械加工": "Machining", "建築大工": "Carpentry"}
TASKS = {"普通旋盤作業": "Lathe Operation", "大工工事作業": "Carpentry Work"}
PREFECTURES_EN = dict(zip(PREFECTURES, (
    "Hokkaido Aomori Iwate Miyagi Akita Yamagata Fukushima Ibaraki Tochigi Gunma Saitama Chiba Tokyo Kanagawa "
    "Niigata Toyama Ishikawa Fukui Yamanashi Nagano Gifu Shizuoka Aichi Mie Shiga Kyoto Osaka Hyogo Nara Wakayama "
    "Tottori Shimane Okayama Hiroshima Yamaguchi Tokushima Kagawa Ehime Kochi Fukuoka Saga Nagasaki Kumamoto Oita "
    "Miyazaki Kagoshima Okinawa").split(), strict=True))
MONTHS = "January February March April May June July August September October November December".split()


def english_date(day: date) -> str:
    """20 March 1994."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def issuer(facts: Facts) -> str:
    """Minister of Health, Labour and Welfare (特級・1級・単一等級), else the prefecture's governor."""
    if facts.grade in MINISTER_GRADES:
        return "Minister of Health, Labour and Welfare"
    prefecture = PREFECTURES_EN.get(facts.tenant)
    if prefecture is None:
        return "The Trade Skill Test Body"
    suffix = {"Tokyo": "", "Hokkaido": "", "Kyoto": " Prefecture", "Osaka": " Prefecture"}
    return f"Governor of {prefecture}{suffix.get(prefecture, ' Prefecture')}"


def in_english(table: dict[str, str], value: str | None, code: str | None = None) -> str:
    if not value:
        return "—"
    if value in table:
        return table[value]
    return f"{value} (code {code})" if code else value


def missing(facts: Facts, today: date) -> str | None:
    return passed(facts, "certificate of pass")


def render(facts: Facts, today: date) -> bytes:
    assert facts.passed_on is not None
    sheet = Sheet(f"{TITLE} {facts.ginoshi_no}", issuer(facts), lang="en")
    w, h = sheet.width, sheet.height
    left, right = 25 * mm, w - 25 * mm
    sheet.frame(14 * mm, 1.0)
    sheet.text(w / 2, h - 42 * mm, TITLE.upper(), MINCHO, 26, align="center", spacing=3)
    sheet.text(w / 2, h - 52 * mm, "National Trade Skill Test of Japan (Gino Kentei)", MINCHO, 12, align="center")
    grade = GRADES.get(facts.grade, facts.grade)
    trade = in_english(TRADES, facts.trade_name, facts.trade_code)
    certificate_no = (facts.certificate_no or "").removeprefix("第").removesuffix("号")
    rows = [("Name", latin_name(facts.name_kana) or facts.name), ("Date of birth", english_date(facts.birth_date)),
            ("Grade", grade), ("Trade", trade), ("Task", in_english(TASKS, facts.task_name)),
            ("Date of pass", english_date(facts.passed_on)), ("Certified skilled worker No.", facts.ginoshi_no or ""),
            ("Certificate No.", certificate_no)]
    y = sheet.table(left + 5 * mm, h - 65 * mm, rows, MINCHO, 12, 58 * mm, right - left - 68 * mm, 12 * mm)
    statement = (f"This is to certify that the person named above passed the {grade} Trade Skill Test in {trade} "
                 f"under {ACT}, and may use the title of {grade} Certified Skilled Worker (Ginoshi) in {trade}.")
    y = sheet.paragraph(left + 5 * mm, y - 16 * mm, statement, MINCHO, 12.5, right - left - 10 * mm, leading=21)
    sheet.text(left + 5 * mm, y - 14 * mm, f"Issued on {english_date(today)}", MINCHO, 12.5)
    sheet.text(right - 5 * mm, y - 34 * mm, issuer(facts), MINCHO, 16, align="right", width=right - left - 10 * mm)
    return sheet.finish()
