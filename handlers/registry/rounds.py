"""The values an application takes (grades, schooling, earlier passes) and the dates a filing day sets."""
from __future__ import annotations

from datetime import datetime

GRADES = ("基礎級", "3級", "2級", "1級", "単一等級", "特級")
SCHOOLING = ("なし", "専門高校", "短大・高専", "大学")  # the values eligibility.dmn reads
PRIOR_PASSES = ("なし", "3級", "2級", "1級")
SEXES = ("1", "2")  # 男, 女 (住基ネットの性別コード)
FEE_DAYS, EXAM_DAYS, ANNOUNCEMENT_DAYS = 20, 60, 120  # from the filing day, as the lifecycle tests use


def round_of(moment: datetime) -> tuple[int, str]:
    """年度 and 期別 of a filing: April–September 前期; October–March 後期 of the fiscal year (April start)."""
    if 4 <= moment.month <= 9:
        return moment.year, "前期"
    return (moment.year if moment.month >= 10 else moment.year - 1), "後期"
