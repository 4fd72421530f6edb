"""The phone figures supervisors read: call measures and transfer answer rates, from the daily rows.

Everything here reads `VoiceDay` and `TransferDay` (kept fresh by the `voice_measures` task), never
the call records themselves, so the supervision page costs a few small queries however busy the line.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Max, Sum

from cases.models import Agency
from channels.voice.measures import SERVICE_LEVEL_SECONDS
from channels.voice.models import IvrOption, TransferDay, VoiceDay, VoiceSettings

# The short view of call handling: this many days up to the last day of the span.
WEEK_DAYS = 7
# Transfer answer rates look back this far on the supervision page: enough transfers per key to judge.
TRANSFER_DAYS = 30
# A transfer answer rate below this is flagged: the agency leaves callers unanswered too often.
TRANSFER_RATE_ALERT = 0.6
TOTAL_FIELDS = (
    "offered",
    "answered",
    "self_service",
    "missed",
    "queued",
    "queue_answered",
    "queue_abandoned",
    "answered_within_target",
    "queue_wait_answered",
)


class CallRates:
    """The call-centre rates of summed call measures (`channels.voice.measures` defines each count).

    Shared by the province's supervision figures and the national ones (`oversight.selectors.Figures`).
    """

    offered: int
    answered: int
    queue_answered: int
    queue_abandoned: int
    answered_within_target: int
    queue_wait_answered: int

    @property
    def answer_rate(self) -> float | None:
        """Calls a person answered ÷ calls offered."""
        return self.answered / self.offered if self.offered else None

    @property
    def service_level(self) -> float | None:
        """Answered within 20 s ÷ (answered + abandoned), among queued calls, short abandons excluded."""
        handled = self.queue_answered + self.queue_abandoned
        return self.answered_within_target / handled if handled else None

    @property
    def abandonment_rate(self) -> float | None:
        """Abandoned in the queue ÷ (answered from the queue + abandoned)."""
        handled = self.queue_answered + self.queue_abandoned
        return self.queue_abandoned / handled if handled else None

    @property
    def average_speed_of_answer(self) -> float | None:
        """Seconds a caller answered from the queue waited, on average."""
        return self.queue_wait_answered / self.queue_answered if self.queue_answered else None


@dataclass(frozen=True)
class CallTotals(CallRates):
    """The call measures of some days, summed."""

    offered: int = 0
    answered: int = 0
    self_service: int = 0
    missed: int = 0
    queued: int = 0
    queue_answered: int = 0
    queue_abandoned: int = 0
    answered_within_target: int = 0
    queue_wait_answered: int = 0


@dataclass(frozen=True)
class TransferRate:
    """Transfers of one menu key to one agency over the span."""

    ivr_key: str
    label: str
    agency: Agency
    attempted: int
    answered: int

    @property
    def rate(self) -> float | None:
        """Transfers the agency answered ÷ transfers to it."""
        return self.answered / self.attempted if self.attempted else None

    @property
    def alert(self) -> bool:
        return self.rate is not None and self.rate < TRANSFER_RATE_ALERT


@dataclass(frozen=True)
class VoiceFigures:
    since: date
    until: date
    # The last day of the span (today, on the supervision page), and the WEEK_DAYS days up to it.
    today: CallTotals
    week: CallTotals
    week_since: date
    # When the measures were last computed: the page is as fresh as the last `voice_measures` run.
    updated_at: datetime | None
    # Over the whole span, worst answer rate first.
    transfers: list[TransferRate]
    target_seconds: int = SERVICE_LEVEL_SECONDS
    alert_below: float = TRANSFER_RATE_ALERT

    @property
    def columns(self) -> tuple[CallTotals, CallTotals]:
        """Today, then the week: the columns of the measures table."""
        return self.today, self.week


def voice_figures(*, since: date, until: date) -> VoiceFigures:
    """Call measures of `until` and of the week up to it; transfer answer rates from `since` to `until` (inclusive)."""
    week_since = max(since, until - timedelta(days=WEEK_DAYS - 1))
    return VoiceFigures(
        since=since,
        until=until,
        today=_totals(until, until),
        week=_totals(week_since, until),
        week_since=week_since,
        updated_at=VoiceDay.objects.filter(date=until).aggregate(at=Max("updated_at"))["at"],
        transfers=_transfer_rates(since, until),
    )


def _totals(since: date, until: date) -> CallTotals:
    sums = VoiceDay.objects.filter(date__gte=since, date__lte=until).aggregate(
        **{field: Sum(field) for field in TOTAL_FIELDS}
    )
    return CallTotals(**{field: value or 0 for field, value in sums.items()})


def _transfer_rates(since: date, until: date) -> list[TransferRate]:
    rows = (
        TransferDay.objects.filter(date__gte=since, date__lte=until)
        .order_by()
        .values("ivr_key", "agency_id")
        .annotate(attempted=Sum("attempted"), answered=Sum("answered"))
    )
    agencies = Agency.objects.in_bulk({row["agency_id"] for row in rows})
    labels = _key_labels()
    rates = [
        TransferRate(
            ivr_key=row["ivr_key"],
            label=labels.get(row["ivr_key"], ""),
            agency=agencies[row["agency_id"]],
            attempted=row["attempted"],
            answered=row["answered"],
        )
        for row in rows
        if row["attempted"]
    ]
    # Worst first, then the busiest: that is the agency the supervisor calls.
    return sorted(rates, key=lambda r: (r.rate, -r.attempted, r.ivr_key, r.agency.name))


def _key_labels() -> dict[str, str]:
    """What each first key means today: the working-hours menu's label, else the night menu's."""
    line = VoiceSettings.load()
    labels: dict[str, str] = {}
    for menu_id in (line.night_menu_id, line.day_menu_id):
        if menu_id is not None:
            labels.update(IvrOption.objects.filter(menu_id=menu_id).values_list("key", "label"))
    return labels
