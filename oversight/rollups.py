"""Counting one province's reports and calls into the national rollups (`oversight.models`).

Runs inside the province's schema (the per-province beat task, or `rollups_rebuild`) and
writes to the public schema. Each run recounts whole days: the local days on which the reports
changed since the last run were received (a report's `updated_at` moves with every change,
the deadline sweeper's marks included), and the days whose call measures were recomputed.
Recounting a day replaces its rows, so running twice, or after a crash, gives the same rows.

After a merger the successor's schema holds the merged unit's reports, each marked with the unit
(`Case.legacy_unit`): they are counted into that unit's rows, so its history stays its own and the
successor's reports add it (`oversight.selectors.units_of`). The unit's call rows were frozen at the
merger (the successor's call measures leave its calls out), and a merged unit's own schema, emptied
of reports, is never counted again.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import reduce
from operator import or_

from django.db import connection, transaction
from django.db.models import Q
from django.db.models.functions import TruncDate

from django_tenants.utils import get_public_schema_name, schema_context

from cases import clock
from cases.models import OPEN_STATES, Case, CaseStatus
from cases.sla import VN_TZ
from channels.voice.measures import day_bounds
from channels.voice.models import TransferDay, VoiceDay
from channels.voice.reports import TOTAL_FIELDS
from oversight.models import (
    MINUTE_BUCKETS,
    CallDay,
    CaseDay,
    ProvinceDay,
    RollupState,
    TransferRollup,
    empty_histogram,
)
from oversight.selectors import units_of
from tenants.models import Province

# What the day's call measures hold (channels.voice.reports sums the same ones for supervisors).
CALL_FIELDS = (*TOTAL_FIELDS, "callbacks_created")


@dataclass
class RefreshResult:
    case_days: int = 0
    call_days: int = 0
    rows: int = 0
    days: list[date] = field(default_factory=list)


def bucket_of(minutes: float) -> int:
    return bisect.bisect_left(MINUTE_BUCKETS, minutes)


@transaction.atomic
def rollups_refresh(*, rebuild: bool = False) -> RefreshResult:
    """Recount the active province's changed days (every day with records, when `rebuild`)."""
    province = connection.tenant
    if province.status == province.Status.MERGED:
        return RefreshResult()
    started = clock.now()
    with schema_context(get_public_schema_name()):
        state, _created = RollupState.objects.select_for_update().get_or_create(province=province)
    since = None if rebuild else state.cases_through
    case_days = _changed_case_days(since)
    call_days = _changed_call_days(since)
    result = RefreshResult(case_days=len(case_days), call_days=len(call_days))
    with schema_context(get_public_schema_name()):
        units = {unit.slug: unit for unit in Province.objects.filter(pk__in=units_of(province))}
    case_rows = _case_rows(province, case_days, units)
    call_rows, transfer_rows = _call_rows(province, call_days)
    with schema_context(get_public_schema_name()):
        if rebuild:
            # Days whose last report is gone (a province's data deleted) must not linger.
            CaseDay.objects.filter(province__in=units.values()).delete()
            ProvinceDay.objects.filter(province__in=units.values()).delete()
            CallDay.objects.filter(province=province).delete()
            TransferRollup.objects.filter(province=province).delete()
        else:
            CaseDay.objects.filter(province__in=units.values(), day__in=case_days).delete()
            ProvinceDay.objects.filter(province__in=units.values(), day__in=case_days).delete()
            CallDay.objects.filter(province=province, day__in=call_days).delete()
            TransferRollup.objects.filter(province=province, day__in=call_days).delete()
        CaseDay.objects.bulk_create(case_rows)
        ProvinceDay.objects.bulk_create(_province_rows(case_rows))
        CallDay.objects.bulk_create(call_rows)
        TransferRollup.objects.bulk_create(transfer_rows)
        state.cases_through, state.refreshed_at = started, clock.now()
        state.save(update_fields=["cases_through", "refreshed_at"])
    result.rows = len(case_rows) + len(call_rows) + len(transfer_rows)
    result.days = sorted(case_days | call_days)
    return result


# --- reports ------------------------------------------------------------------------------------


def _changed_case_days(since: datetime | None) -> set[date]:
    cases = Case.objects.order_by()
    if since is not None:
        cases = cases.filter(updated_at__gte=since)
    days = cases.annotate(day=TruncDate("received_at", tzinfo=VN_TZ)).values_list("day", flat=True).distinct()
    return set(days)


def _received_on(days: set[date]) -> Q:
    """Reports received on these local days, as ranges of received_at (the index's order), one per run of days."""
    runs: list[tuple[date, date]] = []
    for day in sorted(days):
        if runs and runs[-1][1] + timedelta(days=1) == day:
            runs[-1] = (runs[-1][0], day)
        else:
            runs.append((day, day))
    return reduce(
        or_, (Q(received_at__gte=day_bounds(first)[0], received_at__lt=day_bounds(last)[1]) for first, last in runs)
    )


def _case_rows(province, days: set[date], units: dict[str, Province]) -> list[CaseDay]:
    if not days:
        return []
    rows: dict[tuple, CaseDay] = {}
    cases = (
        Case.objects.filter(_received_on(days))
        .order_by()
        .values_list(
            "legacy_unit",
            "received_at",
            "category__national_code",
            "channel",
            "status",
            "is_emergency",
            "forwarded_at",
            "responded_at",
            "resolved_at",
            "resolution_due_at",
            "response_breached_since",
            "resolution_breached_since",
        )
    )
    for (
        legacy_unit,
        received_at,
        national,
        channel,
        status,
        emergency,
        forwarded_at,
        responded_at,
        resolved_at,
        resolution_due_at,
        response_breached,
        resolution_breached,
    ) in cases.iterator(chunk_size=5000):
        day = received_at.astimezone(VN_TZ).date()
        unit = units.get(legacy_unit, province) if legacy_unit else province
        key = (unit.pk, day, national, channel)
        row = rows.get(key)
        if row is None:
            row = rows[key] = CaseDay(
                province=unit,
                day=day,
                national_category=national,
                channel=channel,
                response_minutes=empty_histogram(),
                resolution_minutes=empty_histogram(),
            )
        row.received += 1
        row.emergency += emergency
        row.forwarded += forwarded_at is not None
        if status == CaseStatus.CLOSED:
            row.closed += 1
            row.closed_on_time += bool(resolved_at and resolution_due_at and resolved_at <= resolution_due_at)
        elif status in OPEN_STATES and (response_breached or resolution_breached):
            row.open_overdue += 1
        if responded_at is not None:
            row.response_minutes[bucket_of((responded_at - received_at).total_seconds() / 60)] += 1
        if resolved_at is not None:
            row.resolution_minutes[bucket_of((resolved_at - received_at).total_seconds() / 60)] += 1
    return list(rows.values())


COUNTS = ("received", "forwarded", "closed", "closed_on_time", "open_overdue", "emergency")


def _province_rows(case_rows: list[CaseDay]) -> list[ProvinceDay]:
    """The day's rows by category and channel summed into one row per day."""
    days: dict[tuple[int, date], ProvinceDay] = {}
    for row in case_rows:
        total = days.get((row.province_id, row.day))
        if total is None:
            total = days[(row.province_id, row.day)] = ProvinceDay(
                province=row.province,
                day=row.day,
                response_minutes=empty_histogram(),
                resolution_minutes=empty_histogram(),
            )
        for name in COUNTS:
            setattr(total, name, getattr(total, name) + getattr(row, name))
        total.response_minutes = [a + b for a, b in zip(total.response_minutes, row.response_minutes, strict=True)]
        total.resolution_minutes = [
            a + b for a, b in zip(total.resolution_minutes, row.resolution_minutes, strict=True)
        ]
    return list(days.values())


def _added(histogram: list[int], other: list[int]) -> list[int]:
    return [a + b for a, b in zip(histogram, other, strict=True)]


# --- calls ----------------------------------------------------------------------------------------


def _changed_call_days(since: datetime | None) -> set[date]:
    days = VoiceDay.objects.order_by()
    if since is not None:
        days = days.filter(updated_at__gte=since)
    return set(days.values_list("date", flat=True))


def _call_rows(province, days: set[date]) -> tuple[list[CallDay], list[TransferRollup]]:
    if not days:
        return [], []
    calls = [
        CallDay(province=province, day=voice_day.date, **{name: getattr(voice_day, name) for name in CALL_FIELDS})
        for voice_day in VoiceDay.objects.filter(date__in=days)
    ]
    totals: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
    names: dict[str, str] = {}
    for transfer in TransferDay.objects.filter(date__in=days).select_related("agency"):
        total = totals[(transfer.date, transfer.ivr_key, transfer.agency.code)]
        total[0] += transfer.attempted
        total[1] += transfer.answered
        names[transfer.agency.code] = transfer.agency.name
    transfers = [
        TransferRollup(
            province=province,
            day=day,
            ivr_key=key,
            agency_code=code,
            agency_name=names[code],
            attempted=attempted,
            answered=answered,
        )
        for (day, key, code), (attempted, answered) in totals.items()
    ]
    return calls, transfers
