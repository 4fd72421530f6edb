"""The national figures, read from the rollups only (`oversight.models`): never from a province's schema.

Every function takes a `Scope` (a range of local days, optionally one national category) and
answers with plain dataclasses the pages, the exports and the benchmark share. A province that
absorbed others in a merger reports their history with its own (`units_of`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db import connection
from django.db.models import Q, Sum

from channels.voice.reports import CallRates
from oversight.models import BUCKET_COUNT, MINUTE_BUCKETS, CallDay, CaseDay, ProvinceDay, TransferRollup
from tenants.models import Province

CASE_SUMS = ("received", "forwarded", "closed", "closed_on_time", "open_overdue", "emergency")
CALL_SUMS = (
    "offered",
    "answered",
    "missed",
    "queued",
    "queue_answered",
    "queue_abandoned",
    "answered_within_target",
    "queue_wait_answered",
)
# A menu key and agency with fewer transfers than this says nothing about the agency.
MIN_TRANSFERS = 5


@dataclass(frozen=True)
class Scope:
    start: date
    end: date  # inclusive
    category: str = ""

    def case_filter(self) -> Q:
        where = Q(day__gte=self.start, day__lte=self.end)
        return where & Q(national_category=self.category) if self.category else where

    def day_filter(self) -> Q:
        return Q(day__gte=self.start, day__lte=self.end)

    def report_rows(self):
        """The rollup rows of the scope: a province's whole days, unless one category is asked for."""
        if self.category:
            return CaseDay.objects.filter(self.case_filter())
        return ProvinceDay.objects.filter(self.day_filter())


def _rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def median_minutes(histogram: list[int]) -> int | None:
    """The upper bound of the bucket holding the middle value (None past the last bound, or with no values)."""
    total = sum(histogram)
    if not total:
        return None
    running = 0
    for index, count in enumerate(histogram):
        running += count
        if running * 2 >= total:
            return MINUTE_BUCKETS[index] if index < len(MINUTE_BUCKETS) else None
    return None


@dataclass
class Figures(CallRates):
    """Reports and calls of one province (or the nation) over a scope."""

    received: int = 0
    forwarded: int = 0
    closed: int = 0
    closed_on_time: int = 0
    open_overdue: int = 0
    emergency: int = 0
    response_histogram: list[int] = field(default_factory=lambda: [0] * BUCKET_COUNT)
    resolution_histogram: list[int] = field(default_factory=lambda: [0] * BUCKET_COUNT)
    offered: int = 0
    answered: int = 0
    missed: int = 0
    queued: int = 0
    queue_answered: int = 0
    queue_abandoned: int = 0
    answered_within_target: int = 0
    queue_wait_answered: int = 0

    @property
    def on_time_rate(self) -> float | None:
        """Closed on time ÷ (closed + open and overdue): not closing cannot make a province look good."""
        return _rate(self.closed_on_time, self.closed + self.open_overdue)

    @property
    def median_response_minutes(self) -> int | None:
        return median_minutes(self.response_histogram)

    @property
    def median_resolution_minutes(self) -> int | None:
        return median_minutes(self.resolution_histogram)


@dataclass(frozen=True)
class ProvinceFigures:
    province: Province
    figures: Figures


@dataclass(frozen=True)
class DayFigures:
    day: date
    received: int
    closed: int
    open_overdue: int
    offered: int
    answered: int


@dataclass(frozen=True)
class TransferRate:
    ivr_key: str
    agency_code: str
    agency_name: str
    attempted: int
    answered: int

    @property
    def answer_rate(self) -> float | None:
        return _rate(self.answered, self.attempted)


def reporting_provinces() -> list[Province]:
    """The provinces that report today: every province but the merged ones, whose history their successor reports."""
    return list(Province.objects.provinces().filter(merged_into__isnull=True).order_by("name"))


def units_of(province: Province) -> list[int]:
    """The province and every unit merged into it, however many mergers ago."""
    units, frontier = [province.pk], [province.pk]
    while frontier:
        frontier = list(Province.objects.filter(merged_into__in=frontier).values_list("pk", flat=True))
        units += frontier
    return units


def _successors() -> dict[int, int]:
    """Each unit's reporting province (itself, or the province its merger chain ends in)."""
    parents = dict(Province.objects.provinces().values_list("pk", "merged_into"))
    reporting = {}
    for pk in parents:
        current = pk
        while parents.get(current):
            current = parents[current]
        reporting[pk] = current
    return reporting


def comparison(scope: Scope) -> list[ProvinceFigures]:
    """Every reporting province's figures over the scope: one grouped query per table."""
    successor = _successors()
    figures: dict[int, Figures] = defaultdict(Figures)
    cases = scope.report_rows().values("province").annotate(**_sums(CASE_SUMS)).order_by()
    for row in cases:
        _add(figures[successor.get(row["province"], row["province"])], row, CASE_SUMS)
    calls = CallDay.objects.filter(scope.day_filter()).values("province").annotate(**_sums(CALL_SUMS)).order_by()
    for row in calls:
        _add(figures[successor.get(row["province"], row["province"])], row, CALL_SUMS)
    for province_id, name, histogram in _histograms(scope):
        target = figures[successor.get(province_id, province_id)]
        current = getattr(target, f"{name}_histogram")
        setattr(target, f"{name}_histogram", [a + b for a, b in zip(current, histogram, strict=True)])
    return [ProvinceFigures(province, figures[province.pk]) for province in reporting_provinces()]


def national(rows: list[ProvinceFigures]) -> Figures:
    """The nation's figures: the sum of the provinces' (medians from the summed histograms)."""
    total = Figures()
    for row in rows:
        for name in (*CASE_SUMS, *CALL_SUMS):
            setattr(total, name, getattr(total, name) + getattr(row.figures, name))
        for name in ("response_histogram", "resolution_histogram"):
            setattr(total, name, [a + b for a, b in zip(getattr(total, name), getattr(row.figures, name), strict=True)])
    return total


def trend(scope: Scope, province: Province | None = None) -> list[DayFigures]:
    """Day by day over the scope, for the nation or one province (with its merged units)."""
    cases = scope.report_rows()
    calls = CallDay.objects.filter(scope.day_filter())
    if province is not None:
        units = units_of(province)
        cases, calls = cases.filter(province__in=units), calls.filter(province__in=units)
    by_day = {
        row["day"]: row
        for row in cases.values("day").annotate(**_sums(("received", "closed", "open_overdue"))).order_by()
    }
    call_days = {row["day"]: row for row in calls.values("day").annotate(**_sums(("offered", "answered"))).order_by()}
    days = sorted(set(by_day) | set(call_days))
    return [
        DayFigures(
            day=day,
            received=by_day.get(day, {}).get("received", 0),
            closed=by_day.get(day, {}).get("closed", 0),
            open_overdue=by_day.get(day, {}).get("open_overdue", 0),
            offered=call_days.get(day, {}).get("offered", 0),
            answered=call_days.get(day, {}).get("answered", 0),
        )
        for day in days
    ]


def breakdown(scope: Scope, province: Province, by: str) -> list[tuple[str, Figures]]:
    """One province's report figures by national category or by channel, largest first."""
    if by not in ("national_category", "channel"):
        raise ValueError(by)
    rows = (
        CaseDay.objects.filter(scope.case_filter(), province__in=units_of(province))
        .values(by)
        .annotate(**_sums(CASE_SUMS))
        .order_by()
    )
    units = units_of(province)
    found: dict[str, Figures] = {}
    for row in rows:
        figures = found[row[by]] = Figures()
        _add(figures, row, CASE_SUMS)
    for group, name, histogram in _histograms(scope, group_by=by, units=units):
        if group in found:
            setattr(found[group], f"{name}_histogram", histogram)
    return sorted(found.items(), key=lambda item: (-item[1].received, item[0]))


def transfer_rates(scope: Scope, province: Province) -> list[TransferRate]:
    """Transfers per menu key and agency, the worst answered first (those with too few transfers last)."""
    rows = (
        TransferRollup.objects.filter(scope.day_filter(), province__in=units_of(province))
        .values("ivr_key", "agency_code")
        .annotate(attempted=Sum("attempted"), answered=Sum("answered"))
        .order_by()
    )
    names = dict(
        TransferRollup.objects.filter(scope.day_filter(), province__in=units_of(province))
        .order_by("agency_code", "-day")
        .distinct("agency_code")
        .values_list("agency_code", "agency_name")
    )
    rates = [
        TransferRate(row["ivr_key"], row["agency_code"], names[row["agency_code"]], row["attempted"], row["answered"])
        for row in rows
    ]
    return sorted(
        rates, key=lambda rate: (rate.attempted < MIN_TRANSFERS, rate.answer_rate or 0, -rate.attempted, rate.ivr_key)
    )


# --- helpers --------------------------------------------------------------------------------------


def _sums(names) -> dict:
    return {name: Sum(name) for name in names}


def _add(figures: Figures, row: dict, names) -> None:
    for name in names:
        setattr(figures, name, getattr(figures, name) + (row[name] or 0))


def _histograms(scope: Scope, *, group_by: str = "province_id", units: list[int] | None = None):
    """(group value, "response" | "resolution", histogram), summed element by element in the database."""
    if group_by not in ("province_id", "national_category", "channel"):
        raise ValueError(group_by)
    # The summed rows serve whole days of whole provinces; a category or channel needs the fine ones.
    table = CaseDay._meta.db_table
    if group_by == "province_id" and not scope.category:
        table = ProvinceDay._meta.db_table
    where = ["day >= %s", "day <= %s"]
    params: list = [scope.start, scope.end]
    if scope.category:
        where.append("national_category = %s")
        params.append(scope.category)
    if units is not None:
        where.append("province_id = ANY(%s)")
        params.append(units)
    results = []
    with connection.cursor() as cursor:
        for name in ("response", "resolution"):
            # Table and column names come from this function's own lists, never from input.
            cursor.execute(
                f"""
                SELECT {group_by}, bucket, SUM(count)
                FROM {table}, unnest({name}_minutes) WITH ORDINALITY AS h(count, bucket)
                WHERE {" AND ".join(where)}
                GROUP BY {group_by}, bucket
                """,
                params,
            )
            histograms: dict = defaultdict(lambda: [0] * BUCKET_COUNT)
            for group, bucket, count in cursor.fetchall():
                histograms[group][bucket - 1] = int(count)
            results += [(group, name, histogram) for group, histogram in histograms.items()]
    return results
