"""A case's deadlines from its category's policy and calendar (the arithmetic is in `cases.sla`)."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import connection

from cases import sla
from cases.models import BusinessCalendar, CalendarOverride, SlaPolicy


@dataclass(frozen=True)
class Targets:
    response: timedelta
    resolution: timedelta
    at_risk_fraction: float


@dataclass(frozen=True)
class Clock:
    """When a clock started, is due, and turns "at risk"."""

    due_at: datetime
    risk_at: datetime


_lock = threading.Lock()
# Specs are rebuilt when the calendar row changes; keys carry the schema so provinces never share one.
_specs: dict[tuple[str, int], tuple[datetime, sla.CalendarSpec]] = {}


def calendar_spec(calendar: BusinessCalendar) -> sla.CalendarSpec:
    key = (connection.schema_name, calendar.pk)
    cached = _specs.get(key)
    if cached and cached[0] == calendar.updated_at:
        return cached[1]
    spec = _spec_build(calendar)
    with _lock:
        _specs[key] = (calendar.updated_at, spec)
    return spec


def _spec_build(calendar: BusinessCalendar) -> sla.CalendarSpec:
    if calendar.always_open:
        return sla.ALWAYS_OPEN
    weekly: dict[int, list[sla.Period]] = {}
    for period in calendar.periods.order_by("weekday", "start"):
        weekly.setdefault(period.weekday, []).append(sla.Period(period.start, period.end))
    days_off, working_days = set(), set()
    for override in calendar.overrides.all():
        (days_off if override.kind == CalendarOverride.Kind.DAY_OFF else working_days).add(override.date)
    # A working Saturday follows the first working weekday's hours (Monday's, normally).
    first_working = next((weekly[d] for d in range(7) if weekly.get(d)), [])
    return sla.CalendarSpec(
        always_open=False,
        weekly={day: tuple(periods) for day, periods in weekly.items()},
        public_holidays=calendar.public_holidays,
        extra_days_off=frozenset(days_off),
        extra_working_days=frozenset(working_days),
        working_day_periods=tuple(first_working),
    )


def targets_for(policy: SlaPolicy, priority: str) -> Targets:
    response, resolution = policy.response_minutes, policy.resolution_minutes
    for target in policy.priority_targets.all():
        if target.priority == priority:
            response, resolution = target.response_minutes, target.resolution_minutes
            break
    return Targets(timedelta(minutes=response), timedelta(minutes=resolution), policy.at_risk_percent / 100)


def clock_start(*, spec: sla.CalendarSpec, start: datetime, target: timedelta, at_risk_fraction: float) -> Clock:
    due = sla.add_business_time(spec, start, target)
    risk = sla.add_business_time(spec, start, _fraction(target, at_risk_fraction))
    return Clock(due_at=due, risk_at=risk)


def clock_resume(*, spec: sla.CalendarSpec, paused_at: datetime, resumed_at: datetime, clock: Clock) -> Clock:
    """The clock after a wait on the reporter: the business time left at the pause counts from the resume.

    An instant already passed at the pause stays where it was (an overdue case stays overdue).
    """

    def moved(instant: datetime) -> datetime:
        if instant <= paused_at:
            return instant
        return sla.add_business_time(spec, resumed_at, sla.business_time_between(spec, paused_at, instant))

    return Clock(due_at=moved(clock.due_at), risk_at=moved(clock.risk_at))


def _fraction(target: timedelta, fraction: float) -> timedelta:
    return timedelta(seconds=round(target.total_seconds() * fraction))
