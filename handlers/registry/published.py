"""合格者受検番号の公表: the passers' 受検番号 of a prefecture's round, per trade, task and grade, from the 合格発表日.

What is published is the number and nothing else about the person: the queries read only the exam's labels, the
受検番号 and the 合格発表日. A pass counts when it is a full pass (合格; not 一部合格) that has not been revoked
(合格取消), and only from its 合格発表日 (the prefecture's day, JST) on. A round is published once any of its
exams has been announced; before that it does not exist for the public, whatever it holds.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session

from handlers.registry.models import Application, ExamRecord, Passer

ROUNDS = ("前期", "後期")
# the order associations list grades in; a grade not named here comes after these, by name
GRADE_ORDER = ("特級", "1級", "準1級", "2級", "準2級", "3級", "単一等級", "基礎級", "基礎1級", "基礎2級")


@dataclass(frozen=True)
class PublishedRound:
    """A round whose results are out: its year, 前期/後期, the first 合格発表日 and the number of passers."""

    fiscal_year: int
    round: str
    announced_on: date
    passers: int


@dataclass(frozen=True)
class PassList:
    """One trade, task and grade of a round: its passers' 受検番号, ascending."""

    trade_code: str
    trade_name: str
    task_code: str | None
    task_name: str | None
    grade: str
    announced_on: date
    examinee_nos: tuple[str, ...]


def _announced(tenant: str, today: date) -> list:  # type: ignore[type-arg]
    """The prefecture's exam records whose 合格発表日 has come (both tables in the tenant: no cross-prefecture join)."""
    return [ExamRecord.tenant == tenant, Application.tenant == tenant, ExamRecord.announcement_date.is_not(None),
            ExamRecord.announcement_date <= today]


def _passed() -> object:
    """A full pass, not revoked: the application's status and the record's result both say 合格, no 合格取消日."""
    return and_(Application.status == "pass", ExamRecord.result == "pass", Passer.revoked_on.is_(None))


def _records() -> object:
    return (ExamRecord.__table__.join(Application.__table__, Application.id == ExamRecord.application_id)
            .outerjoin(Passer.__table__, Passer.application_id == Application.id))


def published_rounds(session: Session, tenant: str, today: date) -> list[PublishedRound]:
    """The prefecture's announced rounds, newest first (one query)."""
    passers = func.coalesce(func.sum(case((_passed(), 1), else_=0)), 0)
    rows = session.execute(
        select(Application.fiscal_year, Application.round, func.min(ExamRecord.announcement_date), passers)
        .select_from(_records()).where(*_announced(tenant, today), Application.round.in_(ROUNDS))
        .group_by(Application.fiscal_year, Application.round)).all()
    found = [PublishedRound(int(year), half, day, int(count)) for year, half, day, count in rows]
    return sorted(found, key=lambda r: (-r.fiscal_year, ROUNDS.index(r.round)))


def _grade_rank(grade: str) -> tuple[int, str]:
    return (GRADE_ORDER.index(grade) if grade in GRADE_ORDER else len(GRADE_ORDER), grade)


def pass_lists(session: Session, tenant: str, fiscal_year: int, round: str, today: date) -> list[PassList] | None:
    """The round's passers by trade, task and grade (trade code, task, then grade order); None when the round is
    not published (not announced yet, or no such round: the same answer). One query for the lists; a second one,
    only when there is no passer, tells an announced round without passers from one that is not published."""
    if round not in ROUNDS:
        return None
    where = [*_announced(tenant, today), Application.fiscal_year == fiscal_year, Application.round == round]
    rows = session.execute(
        select(Application.trade_code, Application.trade_name, Application.task_code, Application.task_name,
               Application.grade, ExamRecord.announcement_date, ExamRecord.examinee_no)
        .select_from(_records()).where(*where, _passed())
        .order_by(Application.trade_code, Application.task_code, Application.grade, ExamRecord.examinee_no)).all()
    if not rows:
        announced = session.scalar(select(ExamRecord.id).select_from(_records()).where(*where).limit(1))
        return [] if announced is not None else None
    groups: dict[tuple[str, str | None, str], list] = {}  # type: ignore[type-arg]
    for row in rows:
        groups.setdefault((row.trade_code, row.task_code, row.grade), []).append(row)
    lists = [PassList(trade_code=code, trade_name=members[0].trade_name, task_code=task,
                      task_name=members[0].task_name, grade=grade,
                      announced_on=min(m.announcement_date for m in members),
                      examinee_nos=tuple(sorted(m.examinee_no for m in members)))
             for (code, task, grade), members in groups.items()]
    return sorted(lists, key=lambda g: (g.trade_code, g.task_code or "", _grade_rank(g.grade)))
