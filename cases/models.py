"""Cases and everything that decides where they go and by when. Lives in every province schema.

Writes go through `cases.services`; these models hold data and the invariants the
database can enforce.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel

from cases import clock
from cases.national import NATIONAL_CATEGORY_CHOICES

E164 = RegexValidator(r"^\+[1-9]\d{6,14}$", _("Enter the number in international form, e.g. +84912345678."))


class Channel(models.TextChoices):
    """Where a report came in. Also the channel a reply to the reporter goes out on."""

    VOICE = "voice", _("Phone call")
    SMS = "sms", _("SMS")
    ZALO = "zalo", _("Zalo")
    MESSENGER = "messenger", _("Facebook Messenger")
    VIBER = "viber", _("Viber")
    EMAIL = "email", _("E-mail")
    WEB = "web", _("Website")
    APP = "app", _("Mobile app")
    OPEN311 = "open311", _("Open311")
    WALK_IN = "walk_in", _("In person")


class Priority(models.TextChoices):
    LOW = "low", _("Low")
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("High")
    URGENT = "urgent", _("Urgent")


class Ward(models.Model):
    """A commune or ward of the province (official list from `vietnam-provinces`, since 1 July 2025)."""

    code = models.PositiveIntegerField(_("official code"), unique=True)
    name = models.CharField(_("name"), max_length=100)
    division_type = models.CharField(_("division type"), max_length=20)

    class Meta:
        verbose_name = _("ward or commune")
        verbose_name_plural = _("wards and communes")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class BusinessCalendar(ClusterableModel):
    """When deadline clocks run: 24/7, or working periods per weekday minus days off."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    always_open = models.BooleanField(_("24/7"), default=False)
    public_holidays = models.BooleanField(
        _("Vietnamese public holidays are days off"),
        default=True,
        help_text=_("Lunar New Year (Tết) included."),
    )
    # Bumped whenever the calendar, its periods or its overrides change: cached specs key on it.
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("business calendar")
        verbose_name_plural = _("business calendars")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class CalendarPeriod(models.Model):
    """A working interval on one weekday, e.g. Monday 07:30–11:30."""

    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("Monday")
        TUESDAY = 1, _("Tuesday")
        WEDNESDAY = 2, _("Wednesday")
        THURSDAY = 3, _("Thursday")
        FRIDAY = 4, _("Friday")
        SATURDAY = 5, _("Saturday")
        SUNDAY = 6, _("Sunday")

    calendar = ParentalKey(BusinessCalendar, on_delete=models.CASCADE, related_name="periods")
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    start = models.TimeField(_("start"))
    end = models.TimeField(_("end"))

    class Meta:
        verbose_name = _("working period")
        verbose_name_plural = _("working periods")
        ordering = ["calendar", "weekday", "start"]
        constraints = [models.CheckConstraint(condition=Q(start__lt=F("end")), name="calendarperiod_start_before_end")]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.start:%H:%M}–{self.end:%H:%M}"


class CalendarOverride(models.Model):
    """A province's exception to the weekly pattern: an extra day off, or a working Saturday."""

    class Kind(models.TextChoices):
        DAY_OFF = "day_off", _("Day off")
        WORKING_DAY = "working_day", _("Working day")

    calendar = ParentalKey(BusinessCalendar, on_delete=models.CASCADE, related_name="overrides")
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("calendar override")
        verbose_name_plural = _("calendar overrides")
        ordering = ["calendar", "date"]
        constraints = [models.UniqueConstraint(fields=["calendar", "date"], name="calendaroverride_one_per_day")]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} {self.get_kind_display()}"


class SlaPolicy(ClusterableModel):
    """Deadline targets for the categories that use it, in business minutes on its calendar."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    calendar = models.ForeignKey(
        BusinessCalendar, verbose_name=_("calendar"), on_delete=models.PROTECT, related_name="policies"
    )
    # First response: the case is forwarded to an agency or answered by the operator.
    response_minutes = models.PositiveIntegerField(
        _("first response target (minutes)"), validators=[MinValueValidator(1)]
    )
    # Resolution: the agency's answer (or the operator's) reaches the case.
    resolution_minutes = models.PositiveIntegerField(
        _("resolution target (minutes)"), validators=[MinValueValidator(1)]
    )
    at_risk_percent = models.PositiveSmallIntegerField(
        # xgettext:no-python-format
        _("at risk from (% of the time used)"),
        default=80,
        validators=[MinValueValidator(1), MaxValueValidator(99)],
    )
    # Bumped whenever the policy or its per-priority targets change: cached targets key on it.
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("deadline policy")
        verbose_name_plural = _("deadline policies")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(response_minutes__lte=F("resolution_minutes")), name="slapolicy_order"),
            models.CheckConstraint(
                condition=Q(at_risk_percent__gte=1, at_risk_percent__lte=99), name="slapolicy_at_risk_percent"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class SlaPriorityTarget(models.Model):
    """Tighter (or looser) targets of a policy for one priority."""

    policy = ParentalKey(SlaPolicy, on_delete=models.CASCADE, related_name="priority_targets")
    priority = models.CharField(_("priority"), max_length=10, choices=Priority.choices)
    response_minutes = models.PositiveIntegerField(
        _("first response target (minutes)"), validators=[MinValueValidator(1)]
    )
    resolution_minutes = models.PositiveIntegerField(
        _("resolution target (minutes)"), validators=[MinValueValidator(1)]
    )

    class Meta:
        verbose_name = _("priority target")
        verbose_name_plural = _("priority targets")
        constraints = [
            models.UniqueConstraint(fields=["policy", "priority"], name="slaprioritytarget_one_per_priority"),
            models.CheckConstraint(
                condition=Q(response_minutes__lte=F("resolution_minutes")), name="slaprioritytarget_order"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.policy} · {self.get_priority_display()}"


class Agency(ClusterableModel):
    """A body the hotline forwards reports to: a department, a commune committee, a utility, 115."""

    class Kind(models.TextChoices):
        DEPARTMENT = "department", _("Provincial department")
        COMMUNE = "commune", _("Commune or ward")
        UTILITY = "utility", _("Utility")
        EMERGENCY = "emergency", _("Emergency service")

    # Short, stable identifier used in configuration and imports (e.g. "SYT", "CDC", "X26734-UBND").
    code = models.SlugField(_("code"), max_length=40, unique=True, allow_unicode=False)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.DEPARTMENT)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    email = models.EmailField(_("e-mail"), blank=True)
    # The wards a commune-level agency serves; routing of local matters follows it.
    wards = models.ManyToManyField(Ward, verbose_name=_("wards served"), blank=True, related_name="agencies")
    categories = models.ManyToManyField(
        "Category", verbose_name=_("categories handled"), blank=True, related_name="handling_agencies"
    )
    is_active = models.BooleanField(_("active"), default=True)
    # Set by a merger when an agency of the merged province looks like one of the successor's.
    review_note = models.CharField(_("to review"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class AgencyPhone(models.Model):
    """A number calls to the agency are transferred to; lower `order` rings first, the rest are backups."""

    agency = ParentalKey(Agency, on_delete=models.CASCADE, related_name="phones")
    number = models.CharField(
        _("number"), max_length=16, validators=[E164], help_text=_("In international form, e.g. +842903831234.")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    label = models.CharField(_("label"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("transfer number")
        verbose_name_plural = _("transfer numbers")
        ordering = ["agency", "order", "pk"]
        constraints = [models.UniqueConstraint(fields=["agency", "number"], name="agencyphone_unique_number")]

    def __str__(self) -> str:
        return self.number


class AgencyMember(models.Model):
    """Links an agency-staff account to the one agency whose forwarded cases it may see."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="agency_membership"
    )
    agency = models.ForeignKey(Agency, verbose_name=_("agency"), on_delete=models.PROTECT, related_name="members")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("agency member")
        verbose_name_plural = _("agency members")

    def __str__(self) -> str:
        return f"{self.user} @ {self.agency}"


class Category(models.Model):
    """What a report is about. Decides the default agency and the deadlines."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name (Vietnamese)"), max_length=150)
    name_en = models.CharField(_("name (English)"), max_length=150)
    # The platform-wide category it counts as in national reports, whatever the province calls it.
    national_code = models.CharField(_("national category"), max_length=40, choices=NATIONAL_CATEGORY_CHOICES)
    default_agency = models.ForeignKey(
        Agency,
        verbose_name=_("default agency"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="default_for",
    )
    sla_policy = models.ForeignKey(
        SlaPolicy, verbose_name=_("deadline policy"), on_delete=models.PROTECT, related_name="categories"
    )
    # Local matters go to the commune serving the ward; province-wide ones to the default agency.
    is_local = models.BooleanField(_("handled by the commune"), default=False)
    # Emergencies are transferred to 115 at once, never just queued.
    is_emergency = models.BooleanField(_("emergency"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=100)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class Reporter(models.Model):
    """A citizen who reported something. Confidential: see `cases.selectors.reporter_view`."""

    name = models.CharField(_("name"), max_length=150, blank=True)
    # E.164, parsed with `phonenumbers`; one reporter per number.
    phone = models.CharField(_("phone"), max_length=16, blank=True, validators=[E164])
    email = models.EmailField(_("e-mail"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("reporter")
        verbose_name_plural = _("reporters")
        constraints = [
            models.UniqueConstraint(fields=["phone"], condition=~Q(phone=""), name="reporter_unique_phone"),
        ]

    def __str__(self) -> str:
        return f"Reporter #{self.pk}"


class ReporterIdentity(models.Model):
    """The id a channel knows the reporter by (Zalo user id, Messenger PSID, Viber id, e-mail address)."""

    reporter = models.ForeignKey(Reporter, on_delete=models.CASCADE, related_name="identities")
    channel = models.CharField(_("channel"), max_length=12, choices=Channel.choices)
    external_id = models.CharField(_("id on the channel"), max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("reporter identity")
        verbose_name_plural = _("reporter identities")
        constraints = [
            models.UniqueConstraint(fields=["channel", "external_id"], name="reporteridentity_unique_per_channel")
        ]

    def __str__(self) -> str:
        return f"{self.channel}:{self.pk}"


class CaseStatus(models.TextChoices):
    NEW = "new", _("New")
    FORWARDED = "forwarded", _("Forwarded")
    IN_PROGRESS = "in_progress", _("In progress")
    WAITING_REPORTER = "waiting_reporter", _("Waiting for the reporter")
    ANSWERED = "answered", _("Answered")
    CLOSED = "closed", _("Closed")
    REJECTED = "rejected", _("Rejected")
    DUPLICATE = "duplicate", _("Duplicate")


# The resolution clock runs in these states; waiting on the reporter pauses it.
RESOLUTION_CLOCK_STATES = (CaseStatus.NEW, CaseStatus.FORWARDED, CaseStatus.IN_PROGRESS)
FINAL_STATES = (CaseStatus.CLOSED, CaseStatus.REJECTED, CaseStatus.DUPLICATE)
OPEN_STATES = tuple(status for status in CaseStatus if status not in FINAL_STATES)


class CaseQuerySet(models.QuerySet):
    def with_code(self, code: str) -> CaseQuerySet:
        """The report with this tracking code, or that had it before a merger (its own code first)."""
        aliased = TrackingCodeAlias.objects.filter(code=code).values("case_id")
        return self.filter(Q(tracking_code=code) | Q(pk__in=aliased)).order_by(
            models.Case(models.When(tracking_code=code, then=0), default=1), "-received_at"
        )


class Case(models.Model):
    """One report from one citizen, from receipt to closure."""

    Status = CaseStatus

    # Nine digits, the last a check digit, read out as "482 913 075" and keyed in on a phone.
    # Unique through Meta.constraints (no pattern-ops index: codes are looked up whole).
    tracking_code = models.CharField(_("tracking code"), max_length=9)
    channel = models.CharField(_("channel"), max_length=12, choices=Channel.choices)
    # The provider's id for the call or message (CallSid, Zalo msg_id, ...); retries carry the same one.
    provider_id = models.CharField(_("provider id"), max_length=200, blank=True)
    # Indexed by case_reporter_received (reporter first), as agency is by case_agency_status.
    reporter = models.ForeignKey(
        Reporter,
        verbose_name=_("reporter"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
        db_index=False,
    )
    # Not indexed: every intake would pay for an index that only reports (full scans anyway) and
    # the rare deletion of a category would use. Same for ward, assignee and duplicate_of below,
    # which have partial or composite indexes in Meta where a screen needs them.
    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.PROTECT, related_name="cases", db_index=False
    )
    priority = models.CharField(_("priority"), max_length=10, choices=Priority.choices, default=Priority.NORMAL)
    is_emergency = models.BooleanField(_("emergency"), default=False)
    description = models.TextField(_("description"))
    ward = models.ForeignKey(
        Ward,
        verbose_name=_("ward or commune"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
        db_index=False,
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=CaseStatus.choices, default=CaseStatus.NEW)
    # The competent agency: chosen by routing at intake, confirmed or changed when forwarded.
    agency = models.ForeignKey(
        Agency,
        verbose_name=_("agency"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
        db_index=False,
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assignee"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_cases",
        db_index=False,
    )
    duplicate_of = models.ForeignKey(
        "self",
        verbose_name=_("duplicate of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="duplicates",
        db_index=False,
    )
    resolution = models.TextField(_("resolution"), blank=True)
    # The slug of the province that received the report, when a merger brought it here: national
    # reports keep counting it under that unit.
    legacy_unit = models.CharField(_("received by"), max_length=40, blank=True)

    received_at = models.DateTimeField(_("received at"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    forwarded_at = models.DateTimeField(_("forwarded at"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # Set while the case waits on the reporter; the clocks resume from here.
    paused_at = models.DateTimeField(_("paused at"), null=True, blank=True)

    # Deadlines: the first response (forwarded, or answered by the operator) and the resolution.
    response_due_at = models.DateTimeField(_("first response due"), null=True, blank=True)
    resolution_due_at = models.DateTimeField(_("resolution due"), null=True, blank=True)
    # The instants at which the policy's at-risk share of each target is used up.
    response_risk_at = models.DateTimeField(null=True, blank=True)
    resolution_risk_at = models.DateTimeField(null=True, blank=True)
    responded_at = models.DateTimeField(_("first responded at"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    # Set once by the sweeper; each marks a crossing that has been recorded and escalated.
    response_at_risk_since = models.DateTimeField(null=True, blank=True)
    response_breached_since = models.DateTimeField(null=True, blank=True)
    resolution_at_risk_since = models.DateTimeField(null=True, blank=True)
    resolution_breached_since = models.DateTimeField(null=True, blank=True)
    # The deadline that matters next: the first response until there is one, then the resolution.
    # Stored by the database, so the inbox sorts on one indexed column.
    next_due_at = models.GeneratedField(
        expression=models.Case(
            models.When(responded_at__isnull=True, then=F("response_due_at")), default=F("resolution_due_at")
        ),
        output_field=models.DateTimeField(),
        db_persist=True,
        verbose_name=_("next deadline"),
    )

    # Description and address folded to lower case without diacritics (`cases.search`), set at intake.
    search_text = models.TextField(blank=True, editable=False)
    search_vector = models.GeneratedField(
        expression=SearchVector("search_text", config="simple"),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-received_at"]
        permissions = [
            ("work_case", _("Can take, forward and close cases")),
            ("see_reporter", _("Can see reporters' names and masked numbers")),
            ("reveal_reporter", _("Can reveal a reporter's full contact details (logged)")),
            ("view_supervision", _("Can see the province's supervision figures")),
        ]
        constraints = [
            models.UniqueConstraint(fields=["tracking_code"], name="case_unique_tracking_code"),
            models.UniqueConstraint(
                fields=["channel", "provider_id"], condition=~Q(provider_id=""), name="case_unique_provider_id"
            ),
            models.CheckConstraint(condition=Q(tracking_code__regex=r"^\d{9}$"), name="case_tracking_code_digits"),
            models.CheckConstraint(
                condition=~Q(status=CaseStatus.DUPLICATE) | Q(duplicate_of__isnull=False),
                name="case_duplicate_has_original",
            ),
            models.CheckConstraint(condition=~Q(duplicate_of=F("pk")), name="case_not_duplicate_of_itself"),
        ]
        indexes = [
            models.Index(fields=["status", "-received_at"], name="case_status_received"),
            models.Index(fields=["agency", "status"], name="case_agency_status"),
            models.Index(fields=["reporter", "-received_at"], name="case_reporter_received"),
            models.Index(fields=["ward", "-received_at"], name="case_ward_received", condition=Q(ward__isnull=False)),
            models.Index(fields=["assignee", "status"], name="case_assignee", condition=Q(assignee__isnull=False)),
            models.Index(fields=["duplicate_of"], name="case_duplicates", condition=Q(duplicate_of__isnull=False)),
            # The inbox: every queue is one state sorted by deadline or by receipt, or the open
            # cases (at risk and overdue lead the deadline order); "all" sorts by receipt.
            models.Index(fields=["status", "next_due_at"], name="case_status_due"),
            models.Index(fields=["next_due_at"], name="case_open_due", condition=Q(status__in=OPEN_STATES)),
            models.Index(fields=["-received_at"], name="case_received"),
            # National rollups recount the days of the reports changed since their last run.
            models.Index(fields=["updated_at"], name="case_updated"),
            GinIndex(fields=["search_vector"], name="case_search"),
            # The sweeper's four questions, each answered from a small partial index.
            models.Index(
                fields=["response_risk_at"],
                name="case_sweep_response_risk",
                condition=Q(status=CaseStatus.NEW, responded_at__isnull=True, response_at_risk_since__isnull=True),
            ),
            models.Index(
                fields=["response_due_at"],
                name="case_sweep_response_due",
                condition=Q(status=CaseStatus.NEW, responded_at__isnull=True, response_breached_since__isnull=True),
            ),
            models.Index(
                fields=["resolution_risk_at"],
                name="case_sweep_resolution_risk",
                condition=Q(status__in=RESOLUTION_CLOCK_STATES, resolution_at_risk_since__isnull=True),
            ),
            models.Index(
                fields=["resolution_due_at"],
                name="case_sweep_resolution_due",
                condition=Q(status__in=RESOLUTION_CLOCK_STATES, resolution_breached_since__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return self.display_code

    @property
    def display_code(self) -> str:
        code = self.tracking_code
        return f"{code[0:3]} {code[3:6]} {code[6:9]}"

    @property
    def is_open(self) -> bool:
        return self.status not in FINAL_STATES

    @property
    def is_overdue(self) -> bool:
        return bool(self.response_breached_since or self.resolution_breached_since)

    @property
    def is_at_risk(self) -> bool:
        return not self.is_overdue and bool(self.response_at_risk_since or self.resolution_at_risk_since)

    @property
    def closed_on_time(self) -> bool | None:
        if self.resolved_at is None or self.resolution_due_at is None:
            return None
        return self.resolved_at <= self.resolution_due_at


class TrackingCodeAlias(models.Model):
    """A tracking code a report had in the province that received it, before a merger gave it a new one.

    A merger keeps every code; only a code the successor already used is replaced, and the old
    one stays findable through this row. New codes never take an alias's digits.
    """

    code = models.CharField(_("tracking code"), max_length=9)
    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="code_aliases")
    unit = models.CharField(_("received by"), max_length=40)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("former tracking code")
        verbose_name_plural = _("former tracking codes")
        constraints = [models.UniqueConstraint(fields=["code", "unit"], name="trackingcodealias_once_per_unit")]

    def __str__(self) -> str:
        return self.code


class CaseEvent(models.Model):
    """Append-only audit of a case: who did what, from which value to which, and why.

    A database trigger (migration 0003) refuses UPDATE and DELETE on this table.
    """

    class Action(models.TextChoices):
        RECEIVED = "received", _("Received")
        RECEIVED_AGAIN = "received_again", _("Contacted again")
        CLASSIFIED = "classified", _("Classified")
        EMERGENCY = "emergency", _("Flagged as emergency")
        FORWARDED = "forwarded", _("Forwarded")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged by the agency")
        ANSWERED = "answered", _("Answered by the agency")
        RETURNED = "returned", _("Returned to the operators")
        INFO_REQUESTED = "info_requested", _("More information requested")
        INFO_RECEIVED = "info_received", _("Information received")
        CLOSED = "closed", _("Closed")
        REOPENED = "reopened", _("Reopened")
        REJECTED = "rejected", _("Rejected")
        DUPLICATE = "duplicate", _("Marked as duplicate")
        NOTE = "note", _("Internal note")
        REPLY = "reply", _("Reply to the reporter")
        REVEALED = "revealed", _("Reporter's identity revealed")
        ASSIGNED = "assigned", _("Assigned")
        CALLBACK = "callback", _("Callback")
        AT_RISK = "at_risk", _("Deadline at risk")
        BREACHED = "breached", _("Deadline missed")

    # Indexed by caseevent_case_time (case first).
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="events", db_index=False)
    # Null for the system (a channel, the sweeper).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="case_events"
    )
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    # Which field or clock changed ("status", "agency", "resolution"), with its old and new values.
    field = models.CharField(_("field"), max_length=40, blank=True)
    old_value = models.CharField(_("old value"), max_length=200, blank=True)
    new_value = models.CharField(_("new value"), max_length=200, blank=True)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("time"))

    class Meta:
        verbose_name = _("case event")
        verbose_name_plural = _("case events")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["case", "created_at"], name="caseevent_case_time")]

    def __str__(self) -> str:
        return f"{self.get_action_display()} @ {self.created_at:%d/%m/%Y %H:%M}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise ValidationError(_("Case events cannot be changed."))
        super().save(*args, **kwargs)


class OutboxMessage(models.Model):
    """A notification to deliver, written in the same transaction as the change that caused it."""

    class Kind(models.TextChoices):
        ACKNOWLEDGEMENT = "acknowledgement", _("Acknowledgement to the reporter")
        REPLY = "reply", _("Reply to the reporter")
        AGENCY_NOTICE = "agency_notice", _("Notice to the agency")
        ESCALATION = "escalation", _("Escalation to the supervisors")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        RETRYING = "retrying", _("Failed, will retry")
        DEAD = "dead", _("Failed, gave up")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    # The channel it goes out on: the case's channel for replies, e-mail for agencies and supervisors.
    channel = models.CharField(_("channel"), max_length=12, choices=Channel.choices)
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.PROTECT, related_name="outbox_messages")
    # Address on the channel; empty means "resolve at delivery" (the reporter's identity, the supervisors).
    recipient = models.CharField(_("recipient"), max_length=254, blank=True)
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    body = models.TextField(_("body"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"))
    last_error = models.TextField(_("last error"), blank=True)
    # The provider's id for the sent message, for support and delivery receipts.
    provider_id = models.CharField(_("provider id"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"))
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("outgoing message")
        verbose_name_plural = _("outgoing messages")
        ordering = ["-created_at"]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                name="outbox_due",
                condition=Q(status__in=["pending", "retrying", "sending"]),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"


class CaseAttachment(models.Model):
    """A file the reporter sent with the case (a photo from the web form).

    Confidential like the reporter: stored under the province's media directory with a random
    name and served only through a view that checks access to the case, never from MEDIA_URL.
    """

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="attachments")
    file = models.FileField(_("file"), max_length=200)
    # As re-encoded by the project (image/jpeg, image/png, image/webp), not as the browser claimed.
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.content_type} #{self.pk}"


class Callback(models.Model):
    """A call the hotline owes a citizen: a missed call, a promised call back, a follow-up.

    Operators work them from the "callbacks" queue, soonest due first, and record how each went.
    """

    class Reason(models.TextChoices):
        MISSED_CALL = "missed_call", _("Missed call")
        REQUESTED = "requested", _("Asked to be called back")
        FOLLOW_UP = "follow_up", _("Follow-up on a case")

    class Outcome(models.TextChoices):
        REACHED = "reached", _("Reached the caller")
        NO_ANSWER = "no_answer", _("No answer")
        BUSY = "busy", _("Busy")
        WRONG_NUMBER = "wrong_number", _("Wrong number")

    # Outcomes after which the callback is done; the others leave it in the queue for another try.
    FINAL_OUTCOMES = (Outcome.REACHED, Outcome.WRONG_NUMBER)

    phone = models.CharField(_("phone"), max_length=16, validators=[E164])
    reporter = models.ForeignKey(
        Reporter, verbose_name=_("reporter"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    case = models.ForeignKey(
        Case, verbose_name=_("case"), null=True, blank=True, on_delete=models.PROTECT, related_name="callbacks"
    )
    reason = models.CharField(_("reason"), max_length=12, choices=Reason.choices)
    note = models.TextField(_("note"), blank=True)
    due_at = models.DateTimeField(_("call back by"))
    created_at = models.DateTimeField(_("created at"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_outcome = models.CharField(_("last outcome"), max_length=12, choices=Outcome.choices, blank=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("callback")
        verbose_name_plural = _("callbacks")
        ordering = ["due_at"]
        indexes = [models.Index(fields=["due_at"], name="callback_pending", condition=Q(done_at__isnull=True))]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} #{self.pk}"

    @property
    def is_overdue(self) -> bool:
        return self.done_at is None and self.due_at < clock.now()
