"""Dates as Japanese notices print them: 和暦 (令和8年7月12日), with the weekday when asked."""
from __future__ import annotations

from datetime import date, datetime

# (first day, era, its 元年). 明治 only from the switch to the solar calendar; earlier days print 西暦.
_ERAS: tuple[tuple[date, str, int], ...] = (
    (date(2019, 5, 1), "令和", 2019),
    (date(1989, 1, 8), "平成", 1989),
    (date(1926, 12, 25), "昭和", 1926),
    (date(1912, 7, 30), "大正", 1912),
    (date(1873, 1, 1), "明治", 1868),
)
_WEEKDAYS = "月火水木金土日"


def as_date(value: object) -> date | None:
    """A date from a date, datetime or ISO text (2026-07-12, 2026-07-12T09:00); None for anything else."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value.strip()).date()
        except ValueError:
            return None
    return None


def wareki(value: object, weekday: bool = False) -> str:
    """令和8年7月12日 (and （日） with weekday); text that is not a date is returned unchanged."""
    day = as_date(value)
    if day is None:
        return str(value)
    for start, era, first_year in _ERAS:
        if day >= start:
            year = day.year - first_year + 1
            text = f"{era}{'元' if year == 1 else year}年{day.month}月{day.day}日"
            break
    else:
        text = f"{day.year}年{day.month}月{day.day}日"
    return f"{text}（{_WEEKDAYS[day.weekday()]}）" if weekday else text
