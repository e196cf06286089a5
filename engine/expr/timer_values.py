"""ISO 8601 durations, date-times and repeating intervals used by BPMN timer events."""

from __future__ import annotations

import calendar
import math
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone, tzinfo
from decimal import Decimal

from .errors import EvaluationError, ExpressionError

_NUMBER = r"([0-9]+(?:[.,][0-9]+)?)"
_DURATION = re.compile(
    rf"P(?:{_NUMBER}Y)?(?:{_NUMBER}M)?(?:{_NUMBER}W)?(?:{_NUMBER}D)?"
    rf"(?:T(?:{_NUMBER}H)?(?:{_NUMBER}M)?(?:{_NUMBER}S)?)?"
)
# Seconds per unit for the components that have a fixed length (W and D are handled as days).
_UNIT_SECONDS = {4: 3600, 5: 60, 6: 1}
_AVERAGE_MONTH_SECONDS = 365.2425 / 12 * 86400
_CRON_FIELD = re.compile(r"[0-9A-Za-z*?/,#-]+")
CRON_MESSAGE = "cron timer cycles are not supported; use an ISO 8601 repeating interval like R/P1D"


@dataclass(frozen=True, slots=True)
class Duration:
    """A calendar-aware ISO 8601 duration: years, months, days and exact seconds."""

    years: int = 0
    months: int = 0
    days: int = 0
    seconds: float = 0

    @property
    def is_zero(self) -> bool:
        """True when adding this duration changes nothing."""
        return not (self.years or self.months or self.days or self.seconds)

    def times(self, factor: int) -> Duration:
        """Return this duration multiplied by a whole ``factor``."""
        return Duration(self.years * factor, self.months * factor, self.days * factor, self.seconds * factor)

    def approximate_seconds(self) -> float:
        """Length in seconds using average month/year lengths (for estimates only)."""
        months = self.years * 12 + self.months
        return months * _AVERAGE_MONTH_SECONDS + self.days * 86400 + self.seconds

    def add_to(self, dt: datetime) -> datetime:
        """Add to ``dt``: years/months/days on its local calendar (clamping month ends), seconds as elapsed time."""
        try:
            month_index = dt.month - 1 + self.months + 12 * self.years
            year, month = dt.year + month_index // 12, month_index % 12 + 1
            day = min(dt.day, calendar.monthrange(year, month)[1])
            shifted = dt.replace(year=year, month=month, day=day) + timedelta(days=self.days)
            if not self.seconds:
                return shifted
            elapsed = timedelta(seconds=self.seconds)
            if shifted.tzinfo is None:
                return shifted + elapsed
            return (shifted.astimezone(timezone.utc) + elapsed).astimezone(shifted.tzinfo)
        except (OverflowError, ValueError):
            raise EvaluationError(f"adding {self} to {dt.isoformat()} goes beyond the supported date range") from None

    def __str__(self) -> str:
        """Render as an ISO 8601 duration string."""
        date_part = "".join(f"{v}{u}" for v, u in ((self.years, "Y"), (self.months, "M"), (self.days, "D")) if v)
        if self.seconds == int(self.seconds):
            hours, rest = divmod(int(self.seconds), 3600)
            minutes, seconds = divmod(rest, 60)
            time_part = "".join(f"{v}{u}" for v, u in ((hours, "H"), (minutes, "M"), (seconds, "S")) if v)
        else:
            time_part = f"{self.seconds}S"
        if not date_part and not time_part:
            return "PT0S"
        return "P" + date_part + (f"T{time_part}" if time_part else "")


def parse_duration(text: str) -> Duration:
    """Parse ``PnYnMnWnDTnHnMnS``; only the last component given may have a fraction."""
    source = text.strip()
    match = _DURATION.fullmatch(source.upper())
    if not match or source.upper() in ("P", "PT") or source.upper().endswith("T"):
        raise ExpressionError(f"'{source}' is not an ISO 8601 duration (for example PT5M, P1D or P1DT2H)")
    values = [Decimal(v.replace(",", ".")) if v is not None else None for v in match.groups()]
    present = [i for i, v in enumerate(values) if v is not None]
    for i in present[:-1]:
        if values[i] != int(values[i]):  # type: ignore[arg-type]
            raise ExpressionError(f"only the last component of '{source}' may have a fraction")
    years, months, weeks, days = (values[i] or Decimal(0) for i in range(4))
    if years != int(years) or months != int(months):
        raise ExpressionError(f"fractional years or months are not supported in '{source}'")
    total_days = weeks * 7 + days
    whole_days = int(total_days)
    seconds = (total_days - whole_days) * 86400
    for index, unit in _UNIT_SECONDS.items():
        seconds += (values[index] or Decimal(0)) * unit
    exact = int(seconds) if seconds == int(seconds) else float(seconds)
    return Duration(int(years), int(months), whole_days, exact)


def _parse_local(text: str | date, default_tz: tzinfo) -> datetime:
    """Parse an ISO 8601 date-time keeping its own offset; naive values get ``default_tz``."""
    if isinstance(text, datetime):
        parsed = text
    elif isinstance(text, date):
        parsed = datetime(text.year, text.month, text.day)
    else:
        source = text.strip()
        try:
            if not re.match(r"[0-9]{4}", source):
                raise ValueError(source)
            parsed = datetime.fromisoformat(source[:-1] + "Z" if source.endswith("z") else source)
        except ValueError:
            raise ExpressionError(
                f"'{source}' is not an ISO 8601 date-time (for example 2026-03-14T09:00:00+09:00)"
            ) from None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=default_tz)


def parse_datetime(text: str | date, default_tz: tzinfo) -> datetime:
    """Parse an ISO 8601 date-time or date (naive -> ``default_tz``) and return it as aware UTC."""
    return _parse_local(text, default_tz).astimezone(timezone.utc)


@dataclass(frozen=True, slots=True)
class Cycle:
    """An ISO 8601 repeating interval ``R[n]/[start/]duration[/end]``."""

    repetitions: int | None
    start: datetime | None
    duration: Duration
    end: datetime | None
    zone: tzinfo

    def occurrence(self, index: int) -> datetime:
        """The ``index``-th (0-based) firing time of a cycle with a start, in UTC."""
        if self.start is None:
            raise ValueError("occurrence() needs a cycle with a start date-time")
        local = self.start.astimezone(self.zone)
        return self.duration.times(index).add_to(local).astimezone(timezone.utc)

    def next_after(self, prev: datetime, *, fired: int = 0) -> datetime | None:
        """Next firing time strictly after ``prev`` (UTC), or None when the cycle is exhausted.

        With a start the firings are start, start+d, start+2d, ...; without one the next firing
        is ``prev + d`` and ``fired`` (firings so far) enforces the repetition count.
        """
        if prev.tzinfo is None:
            raise ValueError("next_after() needs a timezone-aware datetime")
        if self.start is None:
            if self.repetitions is not None and fired >= self.repetitions:
                return None
            candidate = self.duration.add_to(prev.astimezone(self.zone)).astimezone(timezone.utc)
        else:
            index = self._first_index_after(prev)
            if self.repetitions is not None and index >= self.repetitions:
                return None
            candidate = self.occurrence(index)
        if self.end is not None and candidate > self.end:
            return None
        return candidate

    def _first_index_after(self, prev: datetime) -> int:
        """Smallest k with occurrence(k) > prev, jumping close by an estimate first."""
        assert self.start is not None
        elapsed = (prev - self.start).total_seconds()
        index = max(0, math.floor(elapsed / self.duration.approximate_seconds()) - 1)
        while index > 0 and self.occurrence(index) > prev:
            index -= 1
        while self.occurrence(index) <= prev:
            index += 1
        return index


def _looks_like_cron(text: str) -> bool:
    """True for Quartz/Unix cron strings: 5 to 7 space-separated cron fields."""
    fields = text.split()
    return 5 <= len(fields) <= 7 and all(_CRON_FIELD.fullmatch(f) for f in fields)


def parse_cycle(text: str, default_tz: tzinfo) -> Cycle:
    """Parse ``R[n]/duration``, ``R[n]/start/duration`` or ``R[n]/duration/end``; cron is refused."""
    source = text.strip()
    if _looks_like_cron(source):
        raise ExpressionError(CRON_MESSAGE)
    fields = source.split("/")
    head = fields[0].upper()
    if not head.startswith("R") or len(fields) not in (2, 3):
        raise ExpressionError(
            f"'{source}' is not an ISO 8601 repeating interval (use R[n]/duration, "
            "R[n]/start/duration or R[n]/duration/end, for example R/P1D)"
        )
    count = head[1:]
    if count and not (count.isascii() and count.isdigit()):
        raise ExpressionError(f"'{fields[0]}' in '{source}' is not a repetition count like R or R5")
    repetitions = int(count) if count else None
    if repetitions == 0:
        raise ExpressionError(f"the repetition count in '{source}' must be at least 1")
    start = end = None
    zone = default_tz
    if len(fields) == 2:
        duration = parse_duration(fields[1])
    elif fields[1].strip().upper().startswith("P"):
        duration = parse_duration(fields[1])
        end = parse_datetime(fields[2], default_tz)
    else:
        local_start = _parse_local(fields[1], default_tz)
        start, zone = local_start.astimezone(timezone.utc), local_start.tzinfo or default_tz
        duration = parse_duration(fields[2])
    if duration.is_zero:
        raise ExpressionError(f"the interval in '{source}' must be longer than zero")
    return Cycle(repetitions, start, duration, end, zone)
