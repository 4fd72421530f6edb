"""Business-time deadlines: nights, lunch breaks, weekends, Tết and province overrides."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cases.sla import (
    ALWAYS_OPEN,
    OFFICE_HOURS,
    VN_TZ,
    CalendarSpec,
    Period,
    add_business_time,
    business_time_between,
    office_hours_spec,
    point_at_fraction,
)

PROPERTIES = settings(max_examples=200, deadline=None)

OFFICE = office_hours_spec()
VN_HOLIDAYS = holidays.country_holidays("VN")
# Every boundary of the calendars under test falls on a half hour, so half-hour slots are exact.
HALF_HOUR = timedelta(minutes=30)
NIGHT_SHIFT = CalendarSpec(
    always_open=False,
    weekly=dict.fromkeys(range(7), (Period(time(0), time(6)), Period(time(22), time(0)))),
)
BERLIN = ZoneInfo("Europe/Berlin")
BERLIN_OFFICE = office_hours_spec(tz=BERLIN, public_holidays=False)

# Hypothesis wants naive bounds; the strategy attaches the time zone.
starts = st.datetimes(
    min_value=datetime.combine(date(2025, 1, 1), time.min),
    max_value=datetime.combine(date(2028, 12, 31), time.max),
    timezones=st.just(VN_TZ),
)
half_hour_starts = st.builds(
    lambda day, slot: datetime.combine(day, time.min, tzinfo=VN_TZ) + slot * HALF_HOUR,
    st.dates(min_value=date(2025, 1, 1), max_value=date(2028, 12, 31)),
    st.integers(min_value=0, max_value=47),
)
# Half-hour multiples land exactly on period ends often, where off-by-one mistakes hide.
deltas = st.one_of(
    st.timedeltas(min_value=timedelta(0), max_value=timedelta(hours=200)),
    st.integers(min_value=0, max_value=400).map(lambda n: n * HALF_HOUR),
)
positive_deltas = deltas.filter(bool)


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[CalendarSpec, datetime]:
    """A calendar and a start; overrides are drawn near the start so the walk actually meets them."""
    start = draw(st.one_of(starts, half_hour_starts))
    kind = draw(st.sampled_from(["office", "always_open", "overrides", "night_shift", "berlin"]))
    if kind == "overrides":
        return _overrides_near(draw, start.date()), start
    spec = {"office": OFFICE, "always_open": ALWAYS_OPEN, "night_shift": NIGHT_SHIFT, "berlin": BERLIN_OFFICE}[kind]
    return spec, start


def _overrides_near(draw: st.DrawFn, day: date) -> CalendarSpec:
    offsets = st.frozensets(st.integers(min_value=-1, max_value=45), max_size=8)
    return office_hours_spec(
        extra_working_days=frozenset(day + timedelta(days=n) for n in draw(offsets)),
        extra_days_off=frozenset(day + timedelta(days=n) for n in draw(offsets)),
    )


def _office_open_at(spec: CalendarSpec, instant: datetime) -> bool:
    """Independent oracle: is ``instant`` inside an office period or exactly at its end?"""
    local = instant.astimezone(VN_TZ)
    day, moment = local.date(), local.time()
    if day in spec.extra_working_days:
        working_day = True
    else:
        working_day = day.weekday() < 5 and day not in spec.extra_days_off and day not in VN_HOLIDAYS
    in_hours = time(7, 30) < moment <= time(11, 30) or time(13, 30) < moment <= time(17, 0)
    return working_day and in_hours


def _within_or_at_end(spec: CalendarSpec, instant: datetime) -> bool:
    """Is ``instant`` inside a working period of ``spec`` or exactly at a period's end?"""
    local = instant.astimezone(spec.tz)
    moment = local.time()
    for period in spec.periods_on(local.date()):
        if period.start < moment and (period.end == time.min or moment <= period.end):
            return True
    # A period ending at midnight ends at 00:00 of the next day.
    yesterday = spec.periods_on(local.date() - timedelta(days=1))
    return moment == time.min and any(p.end == time.min for p in yesterday)


def _slot_working(spec: CalendarSpec, slot_start: datetime) -> bool:
    middle = (slot_start + HALF_HOUR / 2).astimezone(spec.tz)
    moment = middle.time()
    return any(p.start <= moment and (p.end == time.min or moment < p.end) for p in spec.periods_on(middle.date()))


def vn(*args: int) -> datetime:
    return datetime(*args, tzinfo=VN_TZ)


# --- properties -------------------------------------------------------------------------------


@PROPERTIES
@given(scenarios(), deltas)
def test_round_trip(scenario: tuple[CalendarSpec, datetime], delta: timedelta) -> None:
    spec, start = scenario
    assert business_time_between(spec, start, add_business_time(spec, start, delta)) == delta


@PROPERTIES
@given(scenarios(), deltas, deltas)
def test_monotonic_in_delta(scenario: tuple[CalendarSpec, datetime], a: timedelta, b: timedelta) -> None:
    spec, start = scenario
    shorter, longer = sorted((a, b))
    assert add_business_time(spec, start, shorter) <= add_business_time(spec, start, longer)


@PROPERTIES
@given(scenarios(), positive_deltas, positive_deltas)
def test_additive(scenario: tuple[CalendarSpec, datetime], a: timedelta, b: timedelta) -> None:
    spec, start = scenario
    stepwise = add_business_time(spec, add_business_time(spec, start, a), b)
    assert stepwise == add_business_time(spec, start, a + b)


@PROPERTIES
@given(scenarios(), positive_deltas)
def test_positive_delta_lands_in_working_time(scenario: tuple[CalendarSpec, datetime], delta: timedelta) -> None:
    spec, start = scenario
    due = add_business_time(spec, start, delta)
    assert due > start
    assert due.tzinfo is spec.tz
    assert spec.always_open or _within_or_at_end(spec, due)


@PROPERTIES
@given(st.one_of(starts, half_hour_starts), positive_deltas, st.data())
def test_office_result_never_in_night_lunch_weekend_or_holiday(
    start: datetime, delta: timedelta, data: st.DataObject
) -> None:
    spec = data.draw(st.sampled_from([OFFICE, None])) or _overrides_near(data.draw, start.date())
    assert _office_open_at(spec, add_business_time(spec, start, delta))


@PROPERTIES
@given(starts, deltas)
def test_always_open_is_plain_addition(start: datetime, delta: timedelta) -> None:
    assert add_business_time(ALWAYS_OPEN, start, delta) == start + delta
    assert business_time_between(ALWAYS_OPEN, start, start + delta) == delta


@settings(max_examples=100, deadline=None)
@given(
    st.sampled_from([OFFICE, NIGHT_SHIFT, office_hours_spec(extra_working_days=frozenset({date(2026, 2, 17)}))]),
    half_hour_starts,
    st.integers(min_value=0, max_value=10 * 48),
)
def test_between_matches_half_hour_count(spec: CalendarSpec, start: datetime, slots: int) -> None:
    expected = sum(_slot_working(spec, start + n * HALF_HOUR) for n in range(slots)) * HALF_HOUR
    assert business_time_between(spec, start, start + slots * HALF_HOUR) == expected


@PROPERTIES
@given(scenarios(), positive_deltas)
def test_point_at_eighty_percent(scenario: tuple[CalendarSpec, datetime], delta: timedelta) -> None:
    spec, start = scenario
    due = add_business_time(spec, start, delta)
    at_risk = point_at_fraction(spec, start, due, 0.8)
    assert start <= at_risk <= due
    assert business_time_between(spec, start, at_risk) == delta * 0.8


@PROPERTIES
@given(scenarios(), starts)
def test_between_is_zero_when_end_not_after_start(scenario: tuple[CalendarSpec, datetime], end: datetime) -> None:
    spec, start = scenario
    if end <= start:
        assert business_time_between(spec, start, end) == timedelta(0)
    else:
        assert business_time_between(spec, start, end) <= end - start


# --- concrete examples ------------------------------------------------------------------------


def test_friday_afternoon_rolls_over_the_weekend() -> None:
    assert date(2026, 3, 9) not in VN_HOLIDAYS
    assert add_business_time(OFFICE, vn(2026, 3, 6, 16), timedelta(hours=2)) == vn(2026, 3, 9, 8, 30)
    assert add_business_time(OFFICE, vn(2026, 3, 6, 15), timedelta(hours=4)) == vn(2026, 3, 9, 9, 30)


def test_lunch_break_is_skipped() -> None:
    assert add_business_time(OFFICE, vn(2026, 3, 4, 11), timedelta(hours=1)) == vn(2026, 3, 4, 14)


def test_exactly_used_up_at_period_end_stays_there() -> None:
    at_lunch = add_business_time(OFFICE, vn(2026, 3, 4, 10), timedelta(minutes=90))
    assert at_lunch == vn(2026, 3, 4, 11, 30)
    assert add_business_time(OFFICE, at_lunch, timedelta(hours=1)) == vn(2026, 3, 4, 14, 30)


def test_start_in_the_night_begins_next_morning() -> None:
    assert add_business_time(OFFICE, vn(2026, 3, 4, 21), timedelta(hours=1)) == vn(2026, 3, 5, 8, 30)


def test_tet_2026_is_skipped() -> None:
    assert add_business_time(OFFICE, vn(2026, 2, 13, 16), timedelta(hours=2)) == vn(2026, 2, 23, 8, 30)
    assert business_time_between(OFFICE, vn(2026, 2, 13, 17), vn(2026, 2, 23, 7, 30)) == timedelta(0)


def test_forty_working_hours_is_a_week_and_a_bit() -> None:
    assert add_business_time(OFFICE, vn(2026, 3, 9, 7, 30), timedelta(hours=40)) == vn(2026, 3, 16, 10)


def test_extra_working_saturday_is_counted() -> None:
    spec = office_hours_spec(extra_working_days=frozenset({date(2026, 3, 7)}))
    assert spec.periods_on(date(2026, 3, 7)) == OFFICE_HOURS
    assert add_business_time(spec, vn(2026, 3, 6, 16), timedelta(hours=2)) == vn(2026, 3, 7, 8, 30)
    assert business_time_between(spec, vn(2026, 3, 6, 17), vn(2026, 3, 9)) == timedelta(hours=7, minutes=30)


def test_extra_day_off_is_skipped() -> None:
    spec = office_hours_spec(extra_days_off=frozenset({date(2026, 3, 5)}))
    assert spec.periods_on(date(2026, 3, 5)) == ()
    assert add_business_time(spec, vn(2026, 3, 4, 16), timedelta(hours=2)) == vn(2026, 3, 6, 8, 30)


def test_holiday_overridden_by_extra_working_day_is_worked() -> None:
    spec = office_hours_spec(extra_working_days=frozenset({date(2026, 2, 16)}))
    assert add_business_time(spec, vn(2026, 2, 13, 16), timedelta(hours=2)) == vn(2026, 2, 16, 8, 30)


def test_extra_working_day_wins_over_extra_day_off() -> None:
    day = date(2026, 3, 5)
    spec = office_hours_spec(extra_working_days=frozenset({day}), extra_days_off=frozenset({day}))
    assert spec.periods_on(day) == OFFICE_HOURS


def test_public_holidays_can_be_ignored() -> None:
    spec = office_hours_spec(public_holidays=False)
    assert add_business_time(spec, vn(2026, 2, 13, 16), timedelta(hours=2)) == vn(2026, 2, 16, 8, 30)


def test_period_ending_at_midnight() -> None:
    assert add_business_time(NIGHT_SHIFT, vn(2026, 3, 4, 22), timedelta(hours=2)) == vn(2026, 3, 5)
    assert add_business_time(NIGHT_SHIFT, vn(2026, 3, 4, 23), timedelta(hours=2)) == vn(2026, 3, 5, 1)
    assert business_time_between(NIGHT_SHIFT, vn(2026, 3, 4, 12), vn(2026, 3, 5, 12)) == timedelta(hours=8)


def test_other_time_zones_and_utc_input() -> None:
    assert add_business_time(OFFICE, datetime(2026, 3, 6, 9, tzinfo=UTC), timedelta(hours=2)) == vn(2026, 3, 9, 8, 30)
    # 2026-03-29 02:00 does not exist in Berlin: one elapsed hour crosses it.
    berlin_open = CalendarSpec(always_open=True, weekly={}, tz=BERLIN)
    before = datetime(2026, 3, 29, 1, 30, tzinfo=BERLIN)
    assert add_business_time(berlin_open, before, timedelta(hours=1)) == datetime(2026, 3, 29, 3, 30, tzinfo=BERLIN)


def test_zero_delta_returns_start_unchanged() -> None:
    sunday_night = vn(2026, 3, 8, 23)
    assert add_business_time(OFFICE, sunday_night, timedelta(0)) is sunday_night
    assert point_at_fraction(OFFICE, sunday_night, vn(2026, 3, 9, 17), 0) is sunday_night


def test_point_at_fraction_over_lunch() -> None:
    # 10:00 -> 15:00 holds 3h of work; 80 % of it is 2h24m, i.e. 55 minutes after lunch.
    assert point_at_fraction(OFFICE, vn(2026, 3, 4, 10), vn(2026, 3, 4, 15), 0.8) == vn(2026, 3, 4, 14, 24)


# --- rejected input ---------------------------------------------------------------------------


def test_naive_datetimes_are_rejected() -> None:
    naive = vn(2026, 3, 4, 9).replace(tzinfo=None)
    with pytest.raises(ValueError, match="timezone-aware"):
        add_business_time(OFFICE, naive, timedelta(hours=1))
    with pytest.raises(ValueError, match="timezone-aware"):
        business_time_between(OFFICE, naive, vn(2026, 3, 5))
    with pytest.raises(ValueError, match="timezone-aware"):
        business_time_between(OFFICE, vn(2026, 3, 4), naive)
    with pytest.raises(ValueError, match="timezone-aware"):
        point_at_fraction(OFFICE, naive, vn(2026, 3, 5), 0.8)


def test_negative_delta_is_rejected() -> None:
    with pytest.raises(ValueError, match="negative"):
        add_business_time(OFFICE, vn(2026, 3, 4, 9), timedelta(seconds=-1))


@pytest.mark.parametrize("fraction", [-0.1, 1.5, float("nan")])
def test_fraction_outside_zero_to_one_is_rejected(fraction: float) -> None:
    with pytest.raises(ValueError, match="fraction"):
        point_at_fraction(OFFICE, vn(2026, 3, 4, 9), vn(2026, 3, 5, 9), fraction)


@pytest.mark.parametrize(
    "spec",
    [
        CalendarSpec(always_open=False, weekly={}),
        CalendarSpec(always_open=False, weekly=dict.fromkeys(range(7), ())),
        office_hours_spec(extra_days_off=frozenset(date(2026, 1, 1) + timedelta(days=n) for n in range(800))),
    ],
)
def test_calendar_without_working_time_raises(spec: CalendarSpec) -> None:
    with pytest.raises(ValueError, match="no working time"):
        add_business_time(spec, vn(2026, 3, 4, 9), timedelta(hours=1))


@pytest.mark.parametrize(
    ("start", "end"),
    [(time(9), time(9)), (time(17), time(8)), (time(9, tzinfo=UTC), time(10))],
)
def test_invalid_period_is_rejected(start: time, end: time) -> None:
    with pytest.raises(ValueError, match="Period"):
        Period(start, end)


@pytest.mark.parametrize(
    "periods",
    [
        (Period(time(8), time(12)), Period(time(11), time(14))),
        (Period(time(13), time(17)), Period(time(8), time(12))),
        (Period(time(22), time(0)), Period(time(23), time(23, 30))),
    ],
)
def test_overlapping_or_unsorted_periods_are_rejected(periods: tuple[Period, ...]) -> None:
    with pytest.raises(ValueError, match="sorted and non-overlapping"):
        CalendarSpec(always_open=False, weekly={0: periods})
    with pytest.raises(ValueError, match="sorted and non-overlapping"):
        office_hours_spec(working_day_periods=periods)


def test_weekday_out_of_range_is_rejected() -> None:
    with pytest.raises(ValueError, match="Weekday"):
        CalendarSpec(always_open=False, weekly={7: OFFICE_HOURS})
