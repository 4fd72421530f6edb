"""Daily call measures: each figure equals a direct count over a crafted day of calls."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time, timedelta
from io import StringIO

from django.core.management import call_command

import pytest
from django_tenants.utils import tenant_context

from cases.models import Agency, Callback
from cases.sla import VN_TZ
from channels.tasks import voice_measures
from channels.voice.measures import day_bounds, measures_compute
from channels.voice.models import Call, CallTransfer, TransferDay, VoiceDay

# Cà Mau's hotline went live that morning; no demo call is that old.
DAY = date(2021, 10, 18)
OPENED = datetime.combine(DAY, time(7, 0), tzinfo=VN_TZ)


@pytest.fixture
def in_b(province_b):
    with tenant_context(province_b):
        yield province_b


@pytest.fixture
def agencies(in_b) -> dict[str, Agency]:
    return Agency.objects.in_bulk(["SNV", "CDC", "SYT"], field_name="code")


def call_make(minute: int, *, outcome: str, key: str = "", legs=(), at: datetime | None = None, **fields) -> Call:
    """A finished inbound call `minute` minutes after opening, with its transfers (kind, agency, dial status)."""
    started = at or OPENED + timedelta(minutes=minute)
    fields.setdefault("ended_at", started + timedelta(minutes=3))
    call = Call.objects.create(
        call_sid=f"CA{uuid.uuid4().hex}",
        from_number="+84912345678",
        to_number="+842901022",
        started_at=started,
        outcome=outcome,
        ivr_key=key,
        digits=key,
        **fields,
    )
    for leg, (kind, agency, status) in enumerate(legs):
        CallTransfer.objects.create(
            call=call,
            leg=leg,
            kind=kind,
            agency=agency,
            ivr_key=key,
            number=f"+8429038{leg:05d}",
            started_at=started + timedelta(seconds=20 * leg),
            dial_status=status,
        )
    return call


def queued(wait: int, result: str) -> dict:
    return {"queued_at": OPENED, "queue_wait": wait, "queue_result": result}


def missed_callback(*, created_at: datetime) -> Callback:
    return Callback.objects.create(
        phone="+84912345678", reason=Callback.Reason.MISSED_CALL, due_at=created_at, created_at=created_at
    )


AGENCY, OPERATOR, EMERGENCY = CallTransfer.Kind.AGENCY, CallTransfer.Kind.OPERATOR, CallTransfer.Kind.EMERGENCY
Outcome = Call.Outcome


@pytest.fixture
def crafted_day(agencies):
    snv, cdc, syt = agencies["SNV"], agencies["CDC"], agencies["SYT"]
    calls = {
        # Answered by the agency on its first number.
        "snv": call_make(1, outcome=Outcome.AGENCY, key="1", legs=[(AGENCY, snv, "completed")]),
        # The CDC's main number rang out, its backup answered.
        "cdc_backup": call_make(
            2, outcome=Outcome.AGENCY, key="2", legs=[(AGENCY, cdc, "no-answer"), (AGENCY, cdc, "completed")]
        ),
        # The CDC never answered; an operator took the call 12 s into the queue.
        "cdc_operator": call_make(
            3,
            outcome=Outcome.OPERATOR,
            key="2",
            legs=[(AGENCY, cdc, "no-answer"), (AGENCY, cdc, "busy"), (OPERATOR, None, "completed")],
            **queued(12, "redirected"),
        ),
        "operator_slow": call_make(
            4, outcome=Outcome.OPERATOR, key="0", legs=[(OPERATOR, None, "completed")], **queued(35, "redirected")
        ),
        # Exactly at the target still counts as within it.
        "operator_at_target": call_make(5, outcome=Outcome.OPERATOR, key="0", **queued(20, "bridged")),
        "short_abandon": call_make(6, outcome=Outcome.ABANDONED, key="0", **queued(3, "hangup")),
        "long_abandon": call_make(7, outcome=Outcome.ABANDONED, key="0", **queued(40, "hangup")),
        # Waited past the longest wait, then left a message.
        "voicemail": call_make(
            8, outcome=Outcome.VOICEMAIL, key="0", recording_url="https://api.twilio.com/x/RE1", **queued(125, "leave")
        ),
        "status": call_make(9, outcome=Outcome.SELF_SERVICE, key="9"),
        "emergency": call_make(10, outcome=Outcome.EMERGENCY, key="1", legs=[(EMERGENCY, None, "completed")]),
        # The caller hung up while the CDC rang; no dial result ever came.
        "cdc_hung_up": call_make(11, outcome=Outcome.MISSED, key="2", legs=[(AGENCY, cdc, "")]),
        # Still ringing the CDC: offered, but its transfer has no result yet.
        "ringing": call_make(12, outcome=Outcome.IN_PROGRESS, key="2", legs=[(AGENCY, cdc, "")], ended_at=None),
        # A transfer from a sub-menu counts under the first key.
        "submenu": call_make(13, outcome=Outcome.AGENCY, key="3", legs=[(AGENCY, syt, "completed")]),
        # The first second of the local day.
        "midnight": call_make(0, outcome=Outcome.SELF_SERVICE, at=day_bounds(DAY)[0]),
    }
    calls["submenu"].transfers.update(ivr_key="2")
    # Not counted: a test call, a callback placed by an operator, the day before, the day after.
    call_make(14, outcome=Outcome.AGENCY, key="2", legs=[(AGENCY, cdc, "completed")], simulated=True)
    call_make(15, outcome=Outcome.OPERATOR, direction=Call.Direction.CALLBACK)
    start, end = day_bounds(DAY)
    call_make(0, outcome=Outcome.AGENCY, key="1", legs=[(AGENCY, snv, "no-answer")], at=start - timedelta(seconds=1))
    call_make(0, outcome=Outcome.MISSED, key="2", legs=[(AGENCY, cdc, "busy")], at=end)
    # The long abandon opened a callback; the voicemail joined one its number was already owed.
    calls["long_abandon"].callback = missed_callback(created_at=OPENED + timedelta(minutes=10))
    calls["voicemail"].callback = missed_callback(created_at=OPENED - timedelta(hours=1))
    Call.objects.bulk_update([calls["long_abandon"], calls["voicemail"]], ["callback"])
    return calls


def test_each_measure_equals_a_direct_count(crafted_day):
    measures_compute(day=DAY)
    voice_day = VoiceDay.objects.get(date=DAY)
    assert voice_day.offered == len(crafted_day) == 14
    # agency (snv, cdc_backup, submenu) + operator (cdc_operator, operator_slow, operator_at_target) + 115
    assert voice_day.answered == 7
    assert voice_day.self_service == 2  # status, midnight
    assert voice_day.missed == 4  # short_abandon, long_abandon, voicemail, cdc_hung_up
    assert voice_day.queued == 6
    assert voice_day.queue_answered == 3
    # long_abandon and the voicemail after the longest wait; the 3-second hang-up is a short abandon.
    assert voice_day.queue_abandoned == 2
    assert voice_day.answered_within_target == 2  # 12 s and 20 s, not 35 s
    assert voice_day.queue_wait_answered == 12 + 35 + 20
    assert voice_day.callbacks_created == 1
    assert voice_day.service_level == pytest.approx(2 / 5)
    assert voice_day.average_speed_of_answer == pytest.approx(67 / 3)


def test_transfers_are_counted_per_first_key_and_agency(crafted_day, agencies):
    measures_compute(day=DAY)
    rows = {(r.ivr_key, r.agency_id): (r.attempted, r.answered) for r in TransferDay.objects.filter(date=DAY)}
    assert rows == {
        ("1", agencies["SNV"].pk): (1, 1),
        # backup call: 2 rung, 1 answered; operator call: 2 rung; the hung-up ring; not the one still ringing.
        ("2", agencies["CDC"].pk): (5, 1),
        ("3", agencies["SYT"].pk): (1, 1),
    }


def test_running_again_replaces_the_day(crafted_day, agencies):
    measures_compute(day=DAY)
    crafted_day["snv"].delete()
    crafted_day["ringing"].transfers.update(dial_status="completed")
    voice_day = measures_compute(day=DAY)
    assert VoiceDay.objects.filter(date=DAY).count() == 1 and voice_day.offered == 13
    rows = {(r.ivr_key, r.agency_id): (r.attempted, r.answered) for r in TransferDay.objects.filter(date=DAY)}
    assert ("1", agencies["SNV"].pk) not in rows
    assert rows[("2", agencies["CDC"].pk)] == (6, 2)


def test_an_empty_day_has_zero_rows(in_b):
    voice_day = measures_compute(day=date(2021, 1, 1))
    assert voice_day.offered == 0 and voice_day.service_level is None and voice_day.average_speed_of_answer is None
    assert not TransferDay.objects.filter(date=date(2021, 1, 1)).exists()


def test_the_task_computes_today_and_yesterday(in_b):
    days = voice_measures()
    assert len(days) == 2
    assert VoiceDay.objects.filter(date__in=days).count() == 2


def test_the_rebuild_command_goes_through_the_named_province(province_b):
    out = StringIO()
    call_command("voice_measures_rebuild", "--days", "2", "--province", "camau", stdout=out)
    assert "Cà Mau: 2 ngày" in out.getvalue()
