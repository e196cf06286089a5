"""When a timer start event is due: a literal date, a duration from the deployment, an ISO 8601
repeating interval or a cron expression (APScheduler's CronTrigger computes cron times)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone, tzinfo

from apscheduler.triggers.cron import CronTrigger

from engine.expr import ExpressionError, parse_cycle, parse_datetime, parse_duration

_MICRO = timedelta(microseconds=1)


@dataclass(frozen=True)
class StartSchedule:
    """When a timer start event is due: first, and after each firing."""

    kind: str  # timeDate | timeDuration | timeCycle
    value: str
    tz: tzinfo

    def is_cron(self) -> bool:
        return self.kind == "timeCycle" and not self.value.upper().startswith("R")

    def cron(self) -> CronTrigger:
        fields = self.value.replace("?", "*").split()
        if len(fields) == 5:
            return CronTrigger.from_crontab(" ".join(fields), timezone=self.tz)
        if len(fields) in (6, 7):  # Quartz: seconds first, an optional year last; day-of-week 1 = Sunday
            names = ["second", "minute", "hour", "day", "month", "day_of_week", "year"]
            parts = dict(zip(names, fields))
            parts["day_of_week"] = _quartz_weekdays(parts["day_of_week"])
            return CronTrigger(timezone=self.tz, **parts)
        raise ExpressionError(f"'{self.value}' is neither an ISO 8601 repeating interval nor a cron expression")

    def first(self, now: datetime) -> tuple[datetime | None, datetime | None]:
        """(the first due time, the origin cycles count from) for a schedule deployed at `now`."""
        if self.kind == "timeDate":
            return parse_datetime(self.value, self.tz), None
        if self.kind == "timeDuration":
            return parse_duration(self.value).add_to(now), None
        if self.is_cron():
            return _utc(self.cron().get_next_fire_time(None, now)), None
        cycle = parse_cycle(self.value, self.tz)
        origin = cycle.start or cycle.duration.add_to(now.astimezone(self.tz))
        return origin.astimezone(timezone.utc), origin

    def following(self, due: datetime, slot: int, origin: datetime | None, now: datetime) -> tuple[datetime | None, int]:
        """After firing slot `slot` due at `due`: the next due time after `now` and its slot (None: finished)."""
        if self.kind != "timeCycle":
            return None, slot + 1
        if self.is_cron():
            after = max(due, now) + _MICRO
            return _utc(self.cron().get_next_fire_time(None, after)), slot + 1
        cycle = parse_cycle(self.value, self.tz)
        assert origin is not None
        k = slot + 1
        while True:
            if cycle.repetitions is not None and k >= cycle.repetitions:
                return None, k
            nxt = cycle.duration.times(k).add_to(origin)
            if cycle.end is not None and nxt > cycle.end:
                return None, k
            if nxt > now:
                return nxt.astimezone(timezone.utc), k
            k += 1  # a slot missed while nothing ran: skipped, the late firing stood for it


def _quartz_weekdays(field: str) -> str:
    """Quartz numbers days 1 (Sunday) to 7 (Saturday); APScheduler 0 (Monday) to 6 (Sunday)."""
    def one(token: str) -> str:
        return str((int(token) - 2) % 7) if token.isdigit() else token.lower()
    out = []
    for part in field.split(","):
        step = ""
        if "/" in part:
            part, step = part.split("/", 1)
            step = "/" + step
        if "-" in part:
            a, b = part.split("-", 1)
            out.append(f"{one(a)}-{one(b)}{step}")
        else:
            out.append(one(part) + step)
    return ",".join(out)


def _utc(moment: datetime | None) -> datetime | None:
    return None if moment is None else moment.astimezone(timezone.utc)


def check(kind: str, value: str, tz: tzinfo) -> None:
    """Raise ExpressionError when a timer start event's value cannot be scheduled."""
    if "${" in value or "#{" in value:
        raise ExpressionError("a timer start event needs a literal value: there is no process data before the start")
    schedule = StartSchedule(kind, value, tz)
    due, _ = schedule.first(datetime(2100, 1, 1, tzinfo=timezone.utc))
    if due is None:
        raise ExpressionError(f"'{value}' never fires")
