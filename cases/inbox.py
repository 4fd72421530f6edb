"""The inbox: queues, filters, search and sorting over the cases a user may see.

Every queue is answered from an index (see `Case.Meta.indexes`); pages are fetched with one
row more than shown instead of counting every match, so the first page of a million cases
costs what the page costs. Queue sizes are counted up to a cap, separately, for the tabs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from functools import partial

from django import forms
from django.db.models import F, Q, QuerySet, TextChoices
from django.utils.translation import gettext_lazy as _

from cases import clock, display
from cases.models import OPEN_STATES, Agency, Case, CaseStatus, Category, Channel, Ward
from cases.search import search_filter
from cases.selectors import cases_visible_to
from cases.sla import VN_TZ
from cases.widgets import QuickSelect

PAGE_SIZE = 25
SUMMARY_CHARS = 90
# What a row of the list shows and its deadline badge needs; the rest of a case stays in the database.
LIST_COLUMNS = (
    "tracking_code",
    "channel",
    "status",
    "is_emergency",
    "description",
    "received_at",
    "responded_at",
    "next_due_at",
    "response_risk_at",
    "resolution_risk_at",
    "response_at_risk_since",
    "resolution_at_risk_since",
    "response_breached_since",
    "resolution_breached_since",
    "category__name",
    "agency__name",
)
# Tabs show "99+" rather than counting a large queue to the end.
COUNT_CAP = 100


class Queue(TextChoices):
    NEW = "new", _("New")
    MINE = "mine", _("Mine")
    FORWARDED = "forwarded", _("Forwarded")
    IN_PROGRESS = "in_progress", _("Waiting on the agency")
    WAITING_REPORTER = "waiting_reporter", _("Waiting on the reporter")
    ANSWERED = "answered", _("Answered, to close")
    AT_RISK = "at_risk", _("At risk")
    OVERDUE = "overdue", _("Overdue")
    OPEN = "open", _("All open")
    ALL = "all", _("All")


class Sort(TextChoices):
    DUE = "due", _("Deadline, soonest first")
    NEWEST = "newest", _("Newest first")
    OLDEST = "oldest", _("Oldest first")


OPERATOR_QUEUES = (
    Queue.NEW,
    Queue.MINE,
    Queue.FORWARDED,
    Queue.IN_PROGRESS,
    Queue.ANSWERED,
    Queue.WAITING_REPORTER,
    Queue.AT_RISK,
    Queue.OVERDUE,
    Queue.OPEN,
    Queue.ALL,
)
# Agency staff see only what was forwarded to them: nothing is "new" or "mine" for them.
AGENCY_QUEUES = (
    Queue.FORWARDED,
    Queue.IN_PROGRESS,
    Queue.WAITING_REPORTER,
    Queue.AT_RISK,
    Queue.OVERDUE,
    Queue.ANSWERED,
    Queue.ALL,
)

AT_RISK_MARKS = Q(response_at_risk_since__isnull=False) | Q(resolution_at_risk_since__isnull=False)
OVERDUE_MARKS = Q(response_breached_since__isnull=False) | Q(resolution_breached_since__isnull=False)


def queue_filter(queue: str, user) -> Q:
    match queue:
        case Queue.MINE:
            return Q(assignee=user, status__in=OPEN_STATES)
        case Queue.AT_RISK:
            return Q(status__in=OPEN_STATES) & AT_RISK_MARKS & ~OVERDUE_MARKS
        case Queue.OVERDUE:
            return Q(status__in=OPEN_STATES) & OVERDUE_MARKS
        case Queue.OPEN:
            return Q(status__in=OPEN_STATES)
        case Queue.ALL:
            return Q()
        case _:
            return Q(status=queue)


_ORDER = {
    Sort.DUE: (F("next_due_at").asc(nulls_last=True), "pk"),
    Sort.NEWEST: ("-received_at", "-pk"),
    Sort.OLDEST: ("received_at", "pk"),
}


# A browser's date picker sends ISO dates; people typing write them the Vietnamese way.
DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]
_DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class InboxForm(forms.Form):
    """The inbox's query string. Unknown or malformed values are reported, never a server error."""

    q = forms.CharField(
        label=_("Tracking code, phone number or words"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search", "data-shortcut": "/", "aria-keyshortcuts": "/"}),
    )
    queue = forms.ChoiceField(label=_("Queue"), choices=Queue.choices, required=False, widget=QuickSelect)
    status = forms.ChoiceField(label=_("Status"), choices=[("", _("Any status")), *CaseStatus.choices], required=False)
    category = forms.ModelChoiceField(
        label=_("Category"),
        queryset=Category.objects.none(),
        required=False,
        empty_label=_("Any category"),
        widget=QuickSelect,
    )
    channel = forms.ChoiceField(
        label=_("Channel"), choices=[("", _("Any channel")), *Channel.choices], required=False, widget=QuickSelect
    )
    agency = forms.ModelChoiceField(
        label=_("Agency"),
        queryset=Agency.objects.none(),
        required=False,
        empty_label=_("Any agency"),
        widget=QuickSelect,
    )
    ward = forms.ModelChoiceField(
        label=_("Ward or commune"),
        queryset=Ward.objects.none(),
        required=False,
        empty_label=_("Any ward"),
        widget=QuickSelect,
    )
    received_from = forms.DateField(
        label=_("Received from"), required=False, input_formats=DATE_FORMATS, widget=_DATE_INPUT
    )
    received_to = forms.DateField(
        label=_("Received until"), required=False, input_formats=DATE_FORMATS, widget=_DATE_INPUT
    )
    sort = forms.ChoiceField(
        label=_("Sort"), choices=[("", _("The queue's usual order")), *Sort.choices], required=False, widget=QuickSelect
    )
    page = forms.IntegerField(min_value=1, max_value=10_000, required=False)

    def __init__(self, *args, queues: tuple[str, ...] = OPERATOR_QUEUES, **kwargs):
        super().__init__(*args, **kwargs)
        self.queues = queues
        self.fields["queue"].choices = [(q.value, q.label) for q in queues]
        directory = (
            ("category", Category.objects.order_by("order", "name")),
            ("agency", Agency.objects.filter(is_active=True).order_by("name")),
            ("ward", Ward.objects.order_by("name")),
        )
        for name, queryset in directory:
            field = self.fields[name]
            field.queryset = queryset
            # Plain pairs for the page: model instances for hundreds of options cost more than the search.
            field.widget.choices = partial(_options, field.empty_label, queryset.values_list("pk", "name"))

    def clean(self):
        data = super().clean()
        start, end = data.get("received_from"), data.get("received_to")
        if start and end and start > end:
            self.add_error("received_to", _("The end date is before the start date."))
        return data


def _options(empty, pairs) -> list:
    """Called when the form is drawn (a callable choice list is read lazily); a list refresh draws none."""
    return [("", empty), *pairs]


@dataclass(frozen=True)
class Inbox:
    queue: str
    query: str
    cases: list[Case]
    number: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1


def inbox_cases(user, data: dict, *, queues: tuple[str, ...] = OPERATOR_QUEUES) -> QuerySet[Case]:
    """The user's visible cases narrowed by the cleaned form `data`, in the requested order."""
    queue, sort, query = _chosen(data, queues)
    cases = cases_visible_to(user)
    if query:
        # A search looks through every queue: an operator searching has a case in mind.
        found = search_filter(query)
        cases = cases.filter(found) if found is not None else cases.none()
    else:
        cases = cases.filter(queue_filter(queue, user))
    for field in ("status", "channel", "category", "agency", "ward"):
        if data.get(field):
            cases = cases.filter(**{field: data[field]})
    if data.get("received_from"):
        cases = cases.filter(received_at__gte=_day_start(data["received_from"]))
    if data.get("received_to"):
        cases = cases.filter(received_at__lt=_day_start(data["received_to"] + timedelta(days=1)))
    return cases.order_by(*_ORDER[sort])


def inbox_page(user, data: dict, *, queues: tuple[str, ...] = OPERATOR_QUEUES) -> Inbox:
    number = data.get("page") or 1
    start = (number - 1) * PAGE_SIZE
    cases = inbox_cases(user, data, queues=queues).select_related(None).select_related("category", "agency")
    rows = list(cases.only(*LIST_COLUMNS)[start : start + PAGE_SIZE + 1])
    _rows_prepare(rows)
    queue, _sort, query = _chosen(data, queues)
    return Inbox(queue=queue, query=query, cases=rows[:PAGE_SIZE], number=number, has_next=len(rows) > PAGE_SIZE)


def _rows_prepare(cases: list[Case]) -> None:
    """What each row shows, worked out once per page: labels translated once, not per row, and no
    template filter per cell (the list is fetched on every keystroke of a search and every refresh)."""
    statuses = {key: str(label) for key, label in CaseStatus.choices}
    channels = {key: str(label) for key, label in Channel.choices}
    now = clock.now()
    for case in cases:
        received = case.received_at.astimezone(VN_TZ)
        case.status_label = statuses.get(case.status, case.status)
        case.channel_label = channels.get(case.channel, case.channel)
        case.received_short = received.strftime("%H:%M %d/%m")
        case.received_iso = received.isoformat()
        text = case.description
        case.summary = text if len(text) <= SUMMARY_CHARS else text[: SUMMARY_CHARS - 1].rstrip() + "…"
        case.badge = display.deadline_badge(case, now)


def _chosen(data: dict, queues: tuple[str, ...]) -> tuple[str, str, str]:
    """Queue, order and search text: a queue is worked by deadline; a search or "all" reads newest first."""
    queue = data.get("queue") or queues[0]
    query = (data.get("q") or "").strip()
    sort = data.get("sort") or (Sort.NEWEST if query or queue == Queue.ALL else Sort.DUE)
    return queue, sort, query


def queue_counts(user, queues: tuple[str, ...]) -> dict[str, int]:
    """How many cases each queue holds, counted up to COUNT_CAP (the "all" queue is not counted)."""
    visible = cases_visible_to(user).select_related(None).order_by()
    return {
        queue: visible.filter(queue_filter(queue, user))[:COUNT_CAP].count()
        for queue in queues
        if queue not in (Queue.ALL, Queue.OPEN)
    }


def _day_start(day) -> datetime:
    return datetime.combine(day, time.min, tzinfo=VN_TZ)
