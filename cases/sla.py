"""Business-time arithmetic for case deadlines (SLA).

A ``CalendarSpec`` says when a province's desk works; the functions below add working time to an
instant, measure the working time between two instants, and find the "at risk" point of a deadline.
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from types import MappingProxyType
from typing import Any
from zoneinfo import ZoneInfo

import holidays

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")

_ONE_DAY = timedelta(days=1)
# A calendar with no working time in this many consecutive days is treated as having none at all.
_MAX_IDLE_DAYS = 2 * 366


@dataclass(frozen=True)
class Period:
    """A working interval within one local day; ``end == time(0)`` means midnight at the end of the day."""

    start: time
    end: time

    def __post_init__(self) -> None:
        if self.start.tzinfo is not None or self.end.tzinfo is not None:
            raise ValueError(f"Period times must be naive local times, got {self.start}–{self.end}")
        if self.end != time.min and self.start >= self.end:
            raise ValueError(f"Period must start before it ends, got {self.start}–{self.end}")

    def ends_at_midnight(self) -> bool:
        return self.end == time.min


@dataclass(frozen=True)
class CalendarSpec:
    """When business time runs: weekly periods, Vietnamese public holidays and province overrides."""

    always_open: bool
    weekly: Mapping[int, tuple[Period, ...]]
    public_holidays: bool = True
    extra_days_off: frozenset[date] = frozenset()
    extra_working_days: frozenset[date] = frozenset()
    # Extra working days are usually Saturdays standing in for a bridged weekday, so they follow
    # an ordinary working day's hours rather than whatever the weekly table says for their weekday.
    working_day_periods: tuple[Period, ...] = ()
    tz: ZoneInfo = VN_TZ

    def __post_init__(self) -> None:
        for weekday, periods in self.weekly.items():
            if weekday not in range(7):
                raise ValueError(f"Weekday must be 0 (Monday) to 6 (Sunday), got {weekday!r}")
            _check_sorted(periods, f"weekday {weekday}")
        _check_sorted(self.working_day_periods, "working_day_periods")

    def periods_on(self, day: date) -> tuple[Period, ...]:
        """The working periods of a local day (``always_open`` is handled by the arithmetic, not here)."""
        if day in self.extra_working_days:
            return self.working_day_periods
        if day in self.extra_days_off or (self.public_holidays and _is_vn_holiday(day)):
            return ()
        return self.weekly.get(day.weekday(), ())


def _check_sorted(periods: tuple[Period, ...], label: str) -> None:
    # Touching periods are allowed; overlapping ones would count the same working time twice.
    for before, after in pairwise(periods):
        if before.ends_at_midnight() or after.start < before.end:
            raise ValueError(f"Periods of {label} must be sorted and non-overlapping")


OFFICE_HOURS: tuple[Period, ...] = (Period(time(7, 30), time(11, 30)), Period(time(13, 30), time(17, 0)))


def office_hours_spec(**overrides: Any) -> CalendarSpec:
    """Monday–Friday office hours with a lunch break; keyword arguments replace any field."""
    return dataclasses.replace(_OFFICE_HOURS_SPEC, **overrides)


_OFFICE_HOURS_SPEC = CalendarSpec(
    always_open=False,
    weekly=MappingProxyType(dict.fromkeys(range(5), OFFICE_HOURS)),
    working_day_periods=OFFICE_HOURS,
)
ALWAYS_OPEN = CalendarSpec(always_open=True, weekly=MappingProxyType({}))


# One shared object: it expands years lazily, and building one per call is far slower than a lookup.
_VN_HOLIDAYS = holidays.country_holidays("VN")
# Lazy expansion mutates the object, so it must not run in two request threads at once.
_holidays_lock = threading.Lock()
_holidays_by_year: dict[int, frozenset[date]] = {}


def _is_vn_holiday(day: date) -> bool:
    year_holidays = _holidays_by_year.get(day.year)
    if year_holidays is None:
        with _holidays_lock:
            year_holidays = frozenset(_VN_HOLIDAYS[date(day.year, 1, 1) : date(day.year + 1, 1, 1)])
            _holidays_by_year[day.year] = year_holidays
    return day in year_holidays


def _require_aware(value: datetime, name: str) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be a timezone-aware datetime, got naive {value.isoformat()}")


def _utc_bounds(spec: CalendarSpec, day: date) -> Iterator[tuple[datetime, datetime]]:
    """Each working period of a local day as a (start, end) pair of UTC instants."""
    # Arithmetic runs in UTC so elapsed time stays exact even in zones with DST transitions.
    for period in spec.periods_on(day):
        start = datetime.combine(day, period.start, tzinfo=spec.tz).astimezone(UTC)
        end_day = day + _ONE_DAY if period.ends_at_midnight() else day
        end = datetime.combine(end_day, period.end, tzinfo=spec.tz).astimezone(UTC)
        yield start, end


def add_business_time(spec: CalendarSpec, start: datetime, delta: timedelta) -> datetime:
    """The instant at which ``delta`` of business time has elapsed since ``start``.

    A positive delta lands inside a working period or exactly at its end (never at the next
    period's start), which keeps ``add(add(s, a), b) == add(s, a + b)``.
    """
    _require_aware(start, "start")
    if delta < timedelta(0):
        raise ValueError(f"delta must not be negative, got {delta}")
    if not delta:
        return start
    cursor = start.astimezone(UTC)
    if spec.always_open:
        return (cursor + delta).astimezone(spec.tz)

    remaining = delta
    day = start.astimezone(spec.tz).date()
    last_working_day = day
    while (day - last_working_day).days <= _MAX_IDLE_DAYS:
        for period_start, period_end in _utc_bounds(spec, day):
            last_working_day = day
            begin = max(period_start, cursor)
            available = period_end - begin
            if available <= timedelta(0):
                continue
            if remaining <= available:
                return (begin + remaining).astimezone(spec.tz)
            remaining -= available
        day += _ONE_DAY
    raise ValueError(f"Calendar has no working time in the {_MAX_IDLE_DAYS} days after {last_working_day}")


def business_time_between(spec: CalendarSpec, start: datetime, end: datetime) -> timedelta:
    """Business time in ``[start, end)``; zero when ``end <= start``."""
    _require_aware(start, "start")
    _require_aware(end, "end")
    start_utc = start.astimezone(UTC)
    end_utc = end.astimezone(UTC)
    if end_utc <= start_utc:
        return timedelta(0)
    if spec.always_open:
        return end_utc - start_utc

    total = timedelta(0)
    day = start.astimezone(spec.tz).date()
    last_day = end.astimezone(spec.tz).date()
    while day <= last_day:
        for period_start, period_end in _utc_bounds(spec, day):
            overlap = min(period_end, end_utc) - max(period_start, start_utc)
            if overlap > timedelta(0):
                total += overlap
        day += _ONE_DAY
    return total


def point_at_fraction(spec: CalendarSpec, start: datetime, due: datetime, fraction: float) -> datetime:
    """The instant when ``fraction`` of the business time from ``start`` to ``due`` has elapsed.

    The share is rounded to the microsecond (``timedelta * float`` rounds half to even); a ``due``
    not after ``start`` gives ``start``.
    """
    if not 0 <= fraction <= 1:
        raise ValueError(f"fraction must be between 0 and 1, got {fraction!r}")
    return add_business_time(spec, start, business_time_between(spec, start, due) * fraction)


def is_open(spec: CalendarSpec, instant: datetime) -> bool:
    """Whether business time runs at `instant` (a period's start counts, its end does not)."""
    _require_aware(instant, "instant")
    if spec.always_open:
        return True
    day = instant.astimezone(spec.tz).date()
    return any(start <= instant < end for start, end in _utc_bounds(spec, day))
