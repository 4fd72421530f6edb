"""The province's daily call-centre measures, computed from its call records.

`measures_compute` turns one local (Asia/Ho_Chi_Minh) day of `Call` and `CallTransfer` rows
into a `VoiceDay` and its `TransferDay` rows, which supervisors read and national oversight
rolls up. It is a pure function of the records, so running it again (beat does, every few
minutes, for today and yesterday) gives the same rows.

Which calls count: inbound calls (citizens calling the hotline, not the callbacks operators
place) that *started* on the day, without the simulator's test calls. A call is counted once,
on the day it started, even when it ends after midnight.

The definitions follow the standard call-centre ones (shared FACTS, "Call-centre measures"):

- service level = answered within 20 s ÷ (answered + abandoned), among calls queued for an
  operator, short abandons (< 5 s) left out of both;
- average speed of answer = total queue wait of the calls answered from the queue ÷ those calls;
- abandonment rate = abandoned in the queue ÷ (answered from the queue + abandoned);
- transfer answer rate = transfers an agency answered ÷ transfers to it, per menu key and
  agency: the measure that would have shown Cà Mau's CDC not picking up on key 2.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from cases.models import Callback
from cases.sla import VN_TZ
from channels.voice.models import Call, CallTransfer, TransferDay, VoiceDay

# The target of the service level: answered within this many seconds of joining the queue.
SERVICE_LEVEL_SECONDS = 20
# A caller who hangs up this soon after joining the queue changed their mind or misdialled;
# counting them as abandoned would blame the operators for calls they never had a chance at.
SHORT_ABANDON_SECONDS = 5
# Outcomes where a person (agency, operator or 115) spoke with the caller.
PERSON_OUTCOMES = (Call.Outcome.AGENCY, Call.Outcome.OPERATOR, Call.Outcome.EMERGENCY)

QUEUED = Q(queued_at__isnull=False)
# Answered from the queue: an operator took the call (bridged, or picked from the console and connected).
QUEUE_ANSWERED = QUEUED & Q(outcome=Call.Outcome.OPERATOR)
SHORT_ABANDON = Q(queue_result="hangup", queue_wait__lt=SHORT_ABANDON_SECONDS)
# Left the queue without an operator: hung up (after the short-abandon threshold), sent on to
# voicemail after the longest wait ("leave"), a queue error, or an operator who took the call but
# never picked up. The longest-wait ones count too: leaving them out would flatter the service level.
QUEUE_ABANDONED = (
    QUEUED & ~Q(queue_result="") & ~Q(outcome__in=(Call.Outcome.OPERATOR, Call.Outcome.IN_PROGRESS)) & ~SHORT_ABANDON
)
ANSWERED_WITHIN_TARGET = QUEUE_ANSWERED & Q(queue_wait__lte=SERVICE_LEVEL_SECONDS)
# A callback the call opened, as opposed to a pending one it joined (one per number, `missed_call_callback`).
OPENED_CALLBACK = Q(callback__reason=Callback.Reason.MISSED_CALL, callback__created_at__gte=F("started_at"))


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """The local day as an aware half-open interval [start, end)."""
    start = datetime.combine(day, time.min, tzinfo=VN_TZ)
    return start, datetime.combine(day + timedelta(days=1), time.min, tzinfo=VN_TZ)


def measured_calls(day: date) -> QuerySet[Call]:
    """The calls the measures of `day` count: inbound, real (not simulated), started that local day."""
    start, end = day_bounds(day)
    return Call.objects.filter(
        direction=Call.Direction.INBOUND,
        simulated=False,
        legacy_unit="",
        started_at__gte=start,
        started_at__lt=end,
    ).order_by()


def measures_compute(*, day: date) -> VoiceDay:
    """Compute and store the measures of one local day; its transfer rows are replaced as a whole.

    VoiceDay fields:

    - offered: every measured call, whatever became of it (still in progress included);
    - answered: a person spoke with the caller: an agency, an operator, or 115;
    - self_service: the menu answered (an announcement, a report's status) and no person was needed;
    - missed: the call ended without a person: voicemail, hung up, nobody answered (each owes a callback);
    - queued: the call joined the operators' queue at least once;
    - queue_answered: queued, then answered by an operator;
    - queue_abandoned: queued, then left the queue without an operator (see `QUEUE_ABANDONED`),
      short abandons (hung up within 5 s) excluded;
    - answered_within_target: answered from the queue with a queue wait of at most 20 s;
    - queue_wait_answered: the queue waits (s) of the calls answered from the queue, summed
      (÷ queue_answered gives the average speed of answer);
    - callbacks_created: missed-call callbacks these calls opened (a missed call from a number that
      is already owed one joins it and opens none).
    """
    calls = measured_calls(day)
    figures = calls.aggregate(
        offered=Count("pk"),
        answered=Count("pk", filter=Q(outcome__in=PERSON_OUTCOMES)),
        self_service=Count("pk", filter=Q(outcome=Call.Outcome.SELF_SERVICE)),
        missed=Count("pk", filter=Q(outcome__in=Call.UNANSWERED)),
        queued=Count("pk", filter=QUEUED),
        queue_answered=Count("pk", filter=QUEUE_ANSWERED),
        queue_abandoned=Count("pk", filter=QUEUE_ABANDONED),
        answered_within_target=Count("pk", filter=ANSWERED_WITHIN_TARGET),
        queue_wait_answered=Coalesce(Sum("queue_wait", filter=QUEUE_ANSWERED), 0),
        callbacks_created=Count("callback", distinct=True, filter=OPENED_CALLBACK),
    )
    transfer_days = _transfer_days(day, calls)
    with transaction.atomic():
        # The VoiceDay row is locked until commit, so two runs for the same day replace its
        # transfer rows one after the other instead of colliding on their unique key.
        voice_day, _created = VoiceDay.objects.update_or_create(date=day, defaults=figures)
        TransferDay.objects.filter(date=day).delete()
        TransferDay.objects.bulk_create(transfer_days)
    return voice_day


def _transfer_days(day: date, calls: QuerySet[Call]) -> list[TransferDay]:
    """Transfers to agencies per (menu key, agency).

    The key is the call's first menu key (`Call.ivr_key`), so a transfer from a sub-menu counts
    under the key that led there. Each number rung is one transfer: a main number that rings out
    and a backup that answers are two transfers, one answered. A transfer still ringing is not
    counted until it has a result (or its call has ended without one).
    """
    rows = (
        CallTransfer.objects.filter(call__in=calls, kind=CallTransfer.Kind.AGENCY, agency__isnull=False)
        .filter(~Q(dial_status="") | Q(call__ended_at__isnull=False))
        .order_by()
        .values("call__ivr_key", "agency_id")
        .annotate(
            attempted=Count("pk"),
            answered=Count("pk", filter=Q(dial_status__in=CallTransfer.ANSWERED_STATUSES)),
        )
    )
    return [
        TransferDay(
            date=day,
            ivr_key=row["call__ivr_key"],
            agency_id=row["agency_id"],
            attempted=row["attempted"],
            answered=row["answered"],
        )
        for row in rows
    ]


def measures_recent(*, today: date, days: int) -> list[VoiceDay]:
    """Recompute the last `days` days up to and including `today`, oldest first."""
    return [measures_compute(day=today - timedelta(days=offset)) for offset in reversed(range(days))]
