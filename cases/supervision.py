"""The province's figures for supervisors: today's volume, open work, deadlines, agencies, operators.

Every figure is a grouped count over one province's cases; nothing here crosses schemas.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.db.models import Count, F, Q

from cases import clock
from cases.inbox import AT_RISK_MARKS, OVERDUE_MARKS
from cases.models import OPEN_STATES, Agency, Case, CaseEvent, CaseStatus, Category, Channel
from cases.sla import VN_TZ

LIST_SIZE = 20
# On-time rates look back this far by default: long enough to be fair to slow agencies.
DEFAULT_WINDOW = timedelta(days=30)


@dataclass(frozen=True)
class Tally:
    label: str
    count: int


@dataclass(frozen=True)
class AgencyRate:
    agency: Agency
    closed: int
    closed_on_time: int
    open_overdue: int

    @property
    def rate(self) -> float | None:
        """Closed on time ÷ (closed + open and overdue): an agency cannot look good by not closing."""
        denominator = self.closed + self.open_overdue
        return self.closed_on_time / denominator if denominator else None


@dataclass(frozen=True)
class OperatorLoad:
    username: str
    name: str
    open_assigned: int
    actions_today: int


@dataclass(frozen=True)
class Figures:
    day_start: datetime
    since: datetime
    received_today: int
    by_channel: list[Tally]
    by_category: list[Tally]
    by_status: list[Tally]
    at_risk_count: int
    overdue_count: int
    at_risk: list[Case]
    overdue: list[Case]
    agencies: list[AgencyRate]
    operators: list[OperatorLoad]


def province_figures(*, now: datetime | None = None, window: timedelta = DEFAULT_WINDOW) -> Figures:
    now = now or clock.now()
    day_start = datetime.combine(now.astimezone(VN_TZ).date(), time.min, tzinfo=VN_TZ)
    since = now - window
    today = Case.objects.filter(received_at__gte=day_start).order_by()
    open_cases = Case.objects.filter(status__in=OPEN_STATES).order_by()
    at_risk = open_cases.filter(AT_RISK_MARKS & ~OVERDUE_MARKS)
    overdue = open_cases.filter(OVERDUE_MARKS)
    return Figures(
        day_start=day_start,
        since=since,
        received_today=today.count(),
        by_channel=_by_channel(today),
        by_category=_by_category(today),
        by_status=_by_status(open_cases),
        at_risk_count=at_risk.count(),
        overdue_count=overdue.count(),
        at_risk=_listed(at_risk),
        overdue=_listed(overdue),
        agencies=_agency_rates(since),
        operators=_operator_loads(day_start),
    )


def _by_channel(cases) -> list[Tally]:
    labels = dict(Channel.choices)
    rows = cases.values("channel").annotate(n=Count("pk")).order_by("-n")
    return [Tally(str(labels.get(row["channel"], row["channel"])), row["n"]) for row in rows]


def _by_category(cases) -> list[Tally]:
    names = dict(Category.objects.values_list("pk", "name"))
    rows = cases.values("category_id").annotate(n=Count("pk")).order_by("-n")
    return [Tally(names.get(row["category_id"], "—"), row["n"]) for row in rows]


def _by_status(cases) -> list[Tally]:
    counts = dict(cases.values_list("status").annotate(n=Count("pk")))
    return [Tally(str(status.label), counts.get(status, 0)) for status in CaseStatus if status in OPEN_STATES]


def _listed(cases) -> list[Case]:
    return list(cases.select_related("category", "agency").order_by("next_due_at", "pk")[:LIST_SIZE])


def _agency_rates(since: datetime) -> list[AgencyRate]:
    """Per agency, over the cases received in the window and forwarded to it."""
    rows = (
        Case.objects.filter(received_at__gte=since, agency__isnull=False, forwarded_at__isnull=False)
        .order_by()
        .values("agency_id")
        .annotate(
            closed=Count("pk", filter=Q(status=CaseStatus.CLOSED)),
            on_time=Count("pk", filter=Q(status=CaseStatus.CLOSED, resolved_at__lte=F("resolution_due_at"))),
            open_overdue=Count("pk", filter=Q(status__in=OPEN_STATES) & OVERDUE_MARKS),
        )
    )
    agencies = Agency.objects.in_bulk([row["agency_id"] for row in rows])
    rates = [AgencyRate(agencies[row["agency_id"]], row["closed"], row["on_time"], row["open_overdue"]) for row in rows]
    # Worst first: that is who the supervisor calls.
    return sorted(rates, key=lambda r: (r.rate is None, r.rate if r.rate is not None else 0, r.agency.name))


def _operator_loads(day_start: datetime) -> list[OperatorLoad]:
    users = (
        get_user_model()
        .objects.filter(
            Q(groups__permissions__codename="work_case") | Q(user_permissions__codename="work_case"), is_active=True
        )
        .distinct()
    )
    assigned = dict(
        Case.objects.filter(status__in=OPEN_STATES, assignee__isnull=False)
        .order_by()
        .values_list("assignee_id")
        .annotate(n=Count("pk"))
    )
    actions = dict(
        CaseEvent.objects.filter(created_at__gte=day_start, actor__isnull=False)
        .order_by()
        .values_list("actor_id")
        .annotate(n=Count("pk"))
    )
    loads = [
        OperatorLoad(user.get_username(), user.get_full_name(), assigned.get(user.pk, 0), actions.get(user.pk, 0))
        for user in users
    ]
    return sorted(loads, key=lambda load: (-load.open_assigned, -load.actions_today, load.username))
