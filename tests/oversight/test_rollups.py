"""National rollups equal direct counts in each province, after intake, forwards, closes, sweeps,
missed calls and a rebuild; they hold no personal data."""

from __future__ import annotations

import uuid
from collections import Counter
from datetime import timedelta
from io import StringIO

from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import models

import pytest
from django_tenants.utils import tenant_context

from cases import clock, services
from cases.models import OPEN_STATES, Agency, Case, CaseStatus
from cases.services import ReporterInput
from cases.sla import VN_TZ
from cases.sweeper import sla_sweep
from channels.voice.measures import measures_compute
from channels.voice.models import TransferDay, VoiceDay
from oversight.models import CallDay, CaseDay, ProvinceDay, RollupState, TransferRollup
from oversight.rollups import bucket_of, rollups_refresh
from oversight.tasks import rollups_refresh_task
from tests.channels.test_measures import AGENCY, Outcome, call_make
from tests.conftest import PROVINCE_A, province


def direct_case_counts(tenant) -> dict[tuple, Counter]:
    """What the rollups should say, counted straight from the province's cases."""
    counts: dict[tuple, Counter] = {}
    with tenant_context(tenant):
        for case in Case.objects.select_related("category"):
            key = (case.received_at.astimezone(VN_TZ).date(), case.category.national_code, case.channel)
            count = counts.setdefault(key, Counter())
            count["received"] += 1
            count["forwarded"] += case.forwarded_at is not None
            count["emergency"] += case.is_emergency
            if case.status == CaseStatus.CLOSED:
                count["closed"] += 1
                count["closed_on_time"] += bool(case.resolved_at and case.resolved_at <= case.resolution_due_at)
            elif case.status in OPEN_STATES and case.is_overdue:
                count["open_overdue"] += 1
            count["responded"] += case.responded_at is not None
    return counts


def rolled_case_counts(tenant) -> dict[tuple, Counter]:
    counts = {}
    for row in CaseDay.objects.filter(province=tenant):
        counts[(row.day, row.national_category, row.channel)] = Counter(
            {
                name: getattr(row, name)
                for name in ("received", "forwarded", "emergency", "closed", "closed_on_time", "open_overdue")
            }
            | {"responded": sum(row.response_minutes)}
        )
    return {key: +count for key, count in counts.items()}


VOICE = ("offered", "answered", "missed", "queue_abandoned", "answered_within_target")


def assert_rollups_equal_direct_counts(tenant) -> None:
    assert rolled_case_counts(tenant) == {key: +count for key, count in direct_case_counts(tenant).items()}
    # The whole days the overview reads are the same rows summed.
    by_day: dict = {}
    for (day, _category, _channel), count in rolled_case_counts(tenant).items():
        by_day[day] = by_day.get(day, Counter()) + count
    summed = {
        row.day: +Counter(
            {name: getattr(row, name) for name in ("received", "forwarded", "emergency", "closed", "closed_on_time")}
            | {"open_overdue": row.open_overdue, "responded": sum(row.response_minutes)}
        )
        for row in ProvinceDay.objects.filter(province=tenant)
    }
    assert summed == by_day
    with tenant_context(tenant):
        calls = {day.date: [getattr(day, name) for name in VOICE] for day in VoiceDay.objects.all()}
        transfers = Counter()
        for transfer in TransferDay.objects.select_related("agency"):
            key = (transfer.date, transfer.ivr_key, transfer.agency.code)
            transfers[key, "attempted"] += transfer.attempted
            transfers[key, "answered"] += transfer.answered
    rolled_calls = CallDay.objects.filter(province=tenant)
    assert {row.day: [getattr(row, name) for name in VOICE] for row in rolled_calls} == calls
    rolled_transfers = Counter()
    for row in TransferRollup.objects.filter(province=tenant):
        rolled_transfers[(row.day, row.ivr_key, row.agency_code), "attempted"] += row.attempted
        rolled_transfers[(row.day, row.ivr_key, row.agency_code), "answered"] += row.answered
    assert rolled_transfers == transfers


def intake(channel: str = "zalo", category: str = "tu-van-y-te", **fields) -> Case:
    return services.case_intake(
        channel=channel,
        provider_id=f"{channel}-{uuid.uuid4().hex}",
        description="Hỏi lịch tiêm vắc-xin cho trẻ tại trạm y tế phường.",
        category=category,
        reporter=ReporterInput(name="Nguyễn Văn Bình", phone="0912 345 678"),
        **fields,
    ).case


@pytest.fixture
def operator(province_b):
    with tenant_context(province_b):
        return get_user_model().objects.get(username="operator.camau")


def test_the_first_refresh_counts_every_day_of_the_province(province_a, province_b):
    for tenant in (province_a, province_b):
        # As on a deployment where the rollups are new (the demo seed has counted already).
        RollupState.objects.filter(province=tenant).delete()
        CaseDay.objects.filter(province=tenant).delete()
        with tenant_context(tenant):
            result = rollups_refresh()
        assert result.case_days > 0 and result.call_days > 0
        assert_rollups_equal_direct_counts(tenant)


def test_a_mix_of_changes_is_counted_by_the_next_refresh_only_where_they_happened(province_a, province_b, operator):
    for tenant in (province_a, province_b):
        with tenant_context(tenant):
            rollups_refresh()
    before_a = rolled_case_counts(province_a)
    with tenant_context(province_b):
        cdc = Agency.objects.get(code="CDC")
        intake()
        forwarded = intake(channel="voice", category="phong-chong-dich")
        services.case_forward(case=forwarded, actor=operator, agency=cdc, note="")
        on_time = intake(channel="sms")
        services.case_close(case=on_time, actor=operator, resolution="Đã hướng dẫn.", notify_reporter=False)
        # Received a week ago, closed today: late, and counted on the day it was received.
        week_ago = clock.now() - timedelta(days=7)
        with clock.at(week_ago):
            late = intake(channel="web", category="giao-thong")
        services.case_close(case=late, actor=operator, resolution="Đã xử lý.", notify_reporter=False)
        with clock.at(week_ago):
            overdue = intake(channel="email", category="moi-truong")
        sla_sweep()
        assert Case.objects.get(pk=overdue.pk).is_overdue
        # A missed transfer on key 2: the CDC did not pick up.
        today = clock.now().astimezone(VN_TZ).date()
        call_make(
            0,
            outcome=Outcome.MISSED,
            key="2",
            legs=[(AGENCY, cdc, "no-answer")],
            at=clock.now() - timedelta(minutes=5),
        )
        measures_compute(day=today)

        result = rollups_refresh()

    assert result.days == sorted({today, week_ago.astimezone(VN_TZ).date()})
    assert_rollups_equal_direct_counts(province_b)
    assert rolled_case_counts(province_a) == before_a
    late_day = CaseDay.objects.get(
        province=province_b, day=week_ago.astimezone(VN_TZ).date(), national_category="giao-thong", channel="web"
    )
    assert (late_day.closed, late_day.closed_on_time) >= (1, 0)
    missed = TransferRollup.objects.get(province=province_b, day=today, ivr_key="2", agency_code="CDC")
    assert missed.attempted >= missed.answered + 1
    assert missed.agency_name == "Trung tâm Kiểm soát bệnh tật tỉnh Cà Mau"


def test_a_refresh_with_nothing_changed_recounts_nothing(province_b):
    with tenant_context(province_b):
        rollups_refresh()
        again = rollups_refresh()
    assert (again.case_days, again.call_days, again.rows) == (0, 0, 0)
    assert_rollups_equal_direct_counts(province_b)


def test_a_rebuild_gives_the_same_rows_as_the_incremental_refreshes(province_b, operator):
    with tenant_context(province_b):
        rollups_refresh()
        case = intake(channel="messenger")
        services.case_close(case=case, actor=operator, resolution="Đã trả lời.", notify_reporter=False)
        rollups_refresh()
    incremental = rolled_case_counts(province_b)
    out = StringIO()

    call_command("rollups_rebuild", "camau", stdout=out)

    assert out.getvalue().startswith("camau: ")
    assert rolled_case_counts(province_b) == incremental
    assert_rollups_equal_direct_counts(province_b)
    with pytest.raises(CommandError, match="hanoi"):
        call_command("rollups_rebuild", "hanoi")


def test_response_times_fall_in_their_buckets(province_b, operator):
    with tenant_context(province_b):
        rollups_refresh()
        case = intake(channel="viber", category="dien")
        services.case_close(case=case, actor=operator, resolution="Đã có điện lại.", notify_reporter=False)
        rollups_refresh()
        case.refresh_from_db()
    row = CaseDay.objects.get(
        province=province_b, day=case.received_at.astimezone(VN_TZ).date(), national_category="dien", channel="viber"
    )
    minutes = (case.responded_at - case.received_at).total_seconds() / 60
    assert row.response_minutes[bucket_of(minutes)] >= 1
    assert (
        bucket_of(0) == 0
        and bucket_of(15) == 0
        and bucket_of(16) == 1
        and bucket_of(10**6) == len(row.response_minutes) - 1
    )


def test_the_rollups_hold_no_personal_data():
    """Only codes, days and numbers: no field where a name, number, address or text could go."""
    allowed_text = {"national_category", "channel", "ivr_key", "agency_code", "agency_name"}
    for model in (CaseDay, CallDay, TransferRollup, RollupState):
        for model_field in model._meta.get_fields():
            if isinstance(model_field, models.CharField | models.TextField):
                assert model_field.name in allowed_text, f"{model.__name__}.{model_field.name}"


def test_the_beat_task_refreshes_each_province_in_its_own_schema(province_b):
    elsewhere = RollupState.objects.get(province=province(PROVINCE_A)).cases_through
    before = RollupState.objects.get(province=province_b).cases_through

    with tenant_context(province_b):
        rollups_refresh_task()

    assert RollupState.objects.get(province=province_b).cases_through > before
    assert RollupState.objects.get(province=province(PROVINCE_A)).cases_through == elsewhere


def test_a_deadline_the_sweeper_marks_missed_is_counted_as_overdue_by_the_next_refresh(province_b):
    with tenant_context(province_b):
        with clock.at(clock.now() - timedelta(days=3)):
            case = intake(channel="app", category="nuoc")
        day = case.received_at.astimezone(VN_TZ).date()
        rollups_refresh()
        assert (
            CaseDay.objects.get(province=province_b, day=day, national_category="nuoc", channel="app").open_overdue == 0
        )

        assert sla_sweep().breached >= 1
        rollups_refresh()

    row = CaseDay.objects.get(province=province_b, day=day, national_category="nuoc", channel="app")
    assert row.open_overdue == 1
    assert_rollups_equal_direct_counts(province_b)
