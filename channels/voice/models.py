"""The phone channel of a province: its menu, its settings, and a record of every call.

Everything here lives in the province's schema. The province's admin edits the menu and
the settings in the Wagtail admin; webhooks (`channels.voice.views`) write the call records.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting
from wagtail.models import Orderable

from cases.models import E164, Agency, BusinessCalendar, Callback, Case, Category
from channels.voice.admin_forms import IvrMenuForm, VoiceSettingsForm


class Voice(models.TextChoices):
    """Google's Vietnamese voices on Twilio (`<Say language="vi-VN" voice=…>`)."""

    STANDARD_A = "Google.vi-VN-Standard-A", _("Standard A (female)")
    STANDARD_B = "Google.vi-VN-Standard-B", _("Standard B (male)")
    STANDARD_C = "Google.vi-VN-Standard-C", _("Standard C (female)")
    STANDARD_D = "Google.vi-VN-Standard-D", _("Standard D (male)")
    WAVENET_A = "Google.vi-VN-Wavenet-A", _("WaveNet A (female)")
    WAVENET_B = "Google.vi-VN-Wavenet-B", _("WaveNet B (male)")
    WAVENET_C = "Google.vi-VN-Wavenet-C", _("WaveNet C (female)")
    WAVENET_D = "Google.vi-VN-Wavenet-D", _("WaveNet D (male)")


def _recording_field(verbose_name):
    # An uploaded recording (a Wagtail document: mp3 or wav) is played instead of the text.
    return models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name=verbose_name,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Optional. An MP3 or WAV file played instead of reading the text aloud."),
    )


class IvrMenu(ClusterableModel):
    """One level of the phone menu: a prompt, then one option per key."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    prompt = models.TextField(_("prompt"), help_text=_("Read to the caller, e.g. “Bấm phím 1 để …, bấm phím 2 để …”."))
    prompt_recording = _recording_field(_("prompt recording"))
    timeout = models.PositiveSmallIntegerField(
        _("seconds to wait for a key"), default=6, validators=[MinValueValidator(2), MaxValueValidator(30)]
    )
    # After this many prompts without a valid key the caller goes to an operator, never to a dead end.
    attempts = models.PositiveSmallIntegerField(
        _("prompts before handing over to an operator"),
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    updated_at = models.DateTimeField(auto_now=True)

    panels = [
        FieldPanel("name"),
        FieldPanel("prompt"),
        FieldPanel("prompt_recording"),
        FieldRowPanel([FieldPanel("timeout"), FieldPanel("attempts")]),
        InlinePanel("options", label=_("Keys"), min_num=1),
    ]
    base_form_class = IvrMenuForm

    class Meta:
        verbose_name = _("phone menu")
        verbose_name_plural = _("phone menus")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


KEY_VALIDATOR = RegexValidator(r"^[0-9*#]$", _("One key: 0–9, * or #."))


class IvrOption(Orderable):
    """What one key does in a menu."""

    class Action(models.TextChoices):
        SUBMENU = "submenu", _("Go to another menu")
        TRANSFER = "transfer", _("Transfer to an agency")
        OPERATOR = "operator", _("Talk to an operator")
        ANNOUNCEMENT = "announcement", _("Play an announcement")
        VOICEMAIL = "voicemail", _("Leave a voice message")
        STATUS = "status", _("Hear the status of a report")
        EMERGENCY = "emergency", _("Emergency: transfer to 115")
        REPEAT = "repeat", _("Repeat the menu")

    menu = ParentalKey(IvrMenu, on_delete=models.CASCADE, related_name="options")
    key = models.CharField(_("key"), max_length=1, validators=[KEY_VALIDATOR])
    label = models.CharField(_("label"), max_length=100, help_text=_("Shown in reports, e.g. “Phòng chống dịch”."))
    action = models.CharField(_("action"), max_length=12, choices=Action.choices)
    submenu = models.ForeignKey(
        IvrMenu, verbose_name=_("menu"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    agency = models.ForeignKey(
        Agency,
        verbose_name=_("agency"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ivr_options",
        help_text=_("Its numbers ring in order: the first, then each backup."),
    )
    text = models.TextField(
        _("text"), blank=True, help_text=_("What the caller hears first (for an announcement, the announcement).")
    )
    recording = _recording_field(_("recording"))
    category = models.ForeignKey(
        Category,
        verbose_name=_("category"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Given to cases and callbacks that come from this key."),
    )
    # The chain after an agency that does not answer: its backups, then (if set) the operators, then voicemail.
    fallback_to_operators = models.BooleanField(_("if nobody answers, queue for an operator"), default=True)

    panels = [
        FieldRowPanel([FieldPanel("key"), FieldPanel("label"), FieldPanel("action")]),
        FieldRowPanel([FieldPanel("submenu"), FieldPanel("agency"), FieldPanel("category")]),
        FieldPanel("text"),
        FieldPanel("recording"),
        FieldPanel("fallback_to_operators"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("key")
        verbose_name_plural = _("keys")
        constraints = [models.UniqueConstraint(fields=["menu", "key"], name="ivroption_one_action_per_key")]

    def __str__(self) -> str:
        return f"{self.key}: {self.label}"

    def clean(self) -> None:
        """Each action needs its target: a key that leads nowhere would drop the caller."""
        super().clean()
        if self.action == self.Action.SUBMENU and self.submenu_id is None:
            raise ValidationError({"submenu": _("Choose the menu this key opens.")})
        if self.action == self.Action.SUBMENU and self.menu_id and self.submenu_id == self.menu_id:
            raise ValidationError({"submenu": _("A key cannot open its own menu; use “Repeat the menu” instead.")})
        if self.action == self.Action.TRANSFER and self.agency_id is None:
            raise ValidationError({"agency": _("Choose the agency this key transfers to.")})
        if self.action == self.Action.ANNOUNCEMENT and not (self.text.strip() or self.recording_id):
            raise ValidationError({"text": _("Write the announcement, or upload its recording.")})


class VoiceSettings(BaseGenericSetting):
    """The province's phone line: Twilio account, menus by time of day, surge mode, fallbacks."""

    # Every incoming call reads the menus and the calendar: one query, not four.
    select_related = ["day_menu", "night_menu", "calendar"]

    account_sid = models.CharField(_("Twilio account SID"), max_length=64, blank=True)
    # Never shown again once saved (the admin form leaves it blank to keep it).
    auth_token = models.CharField(_("Twilio auth token"), max_length=128, blank=True)
    voice = models.CharField(_("voice"), max_length=40, choices=Voice.choices, default=Voice.WAVENET_A)
    greeting = models.TextField(
        _("greeting"), default="Tổng đài 1022 xin kính chào quý vị.", help_text=_("Played before the menu.")
    )
    greeting_recording = _recording_field(_("greeting recording"))
    day_menu = models.ForeignKey(
        IvrMenu,
        verbose_name=_("menu in working hours"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    night_menu = models.ForeignKey(
        IvrMenu,
        verbose_name=_("menu outside working hours"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Leave empty to use the same menu day and night."),
    )
    calendar = models.ForeignKey(
        BusinessCalendar,
        verbose_name=_("working hours"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Decides which menu plays. Leave empty for the working-hours menu at all times."),
    )
    surge_enabled = models.BooleanField(_("surge announcement on"), default=False)
    surge_text = models.TextField(
        _("surge announcement"), blank=True, help_text=_("Played before the menu while on (epidemic mode).")
    )
    surge_recording = _recording_field(_("surge recording"))
    dial_timeout = models.PositiveSmallIntegerField(
        _("seconds an agency's number rings"), default=20, validators=[MinValueValidator(5), MaxValueValidator(60)]
    )
    queue_max_wait = models.PositiveSmallIntegerField(
        _("longest wait for an operator (seconds)"),
        default=120,
        validators=[MinValueValidator(15), MaxValueValidator(900)],
    )
    callback_minutes = models.PositiveSmallIntegerField(
        _("call back a missed caller within (minutes)"),
        default=30,
        validators=[MinValueValidator(5), MaxValueValidator(24 * 60)],
    )
    voicemail_prompt = models.TextField(
        _("voicemail prompt"),
        default="Hiện chưa có cán bộ nghe máy. Xin quý vị để lại lời nhắn sau tiếng bíp, tổng đài sẽ gọi lại sớm.",
    )
    fallback_number = models.CharField(
        _("fallback number"),
        max_length=16,
        blank=True,
        validators=[E164],
        help_text=_("Rings when this system cannot answer (database down) and the line is suspended."),
    )
    emergency_number = models.CharField(_("emergency number"), max_length=16, default="115")
    caller_id = models.CharField(
        _("number shown on callbacks"),
        max_length=16,
        blank=True,
        validators=[E164],
        help_text=_("A number of this account; the first hotline number when empty."),
    )

    panels = [
        MultiFieldPanel([FieldPanel("account_sid"), FieldPanel("auth_token")], heading=_("Twilio account")),
        MultiFieldPanel(
            [
                FieldPanel("voice"),
                FieldPanel("greeting"),
                FieldPanel("greeting_recording"),
                FieldPanel("calendar"),
                FieldPanel("day_menu"),
                FieldPanel("night_menu"),
            ],
            heading=_("Menu"),
        ),
        MultiFieldPanel(
            [FieldPanel("surge_enabled"), FieldPanel("surge_text"), FieldPanel("surge_recording")],
            heading=_("Surge (epidemic mode)"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("dial_timeout"),
                FieldPanel("queue_max_wait"),
                FieldPanel("voicemail_prompt"),
                FieldPanel("callback_minutes"),
                FieldPanel("fallback_number"),
                FieldPanel("emergency_number"),
                FieldPanel("caller_id"),
            ],
            heading=_("When nobody answers"),
        ),
    ]
    # Keeps the auth token out of the page: a password field, blank to keep the stored token.
    base_form_class = VoiceSettingsForm

    class Meta:
        verbose_name = _("phone line")
        verbose_name_plural = _("phone lines")


class OperatorLine(models.Model):
    """The phone an operator answers: queued calls and callbacks are connected to it."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("operator"), on_delete=models.CASCADE, related_name="operator_line"
    )
    number = models.CharField(
        _("number"), max_length=64, help_text=_("A phone number in international form, or a SIP address.")
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("operator line")
        verbose_name_plural = _("operator lines")

    def __str__(self) -> str:
        return str(self.user)


class Call(models.Model):
    """One call, in or out, from its first webhook to its last status callback."""

    class Direction(models.TextChoices):
        INBOUND = "inbound", _("Incoming")
        CALLBACK = "callback", _("Callback")

    class Outcome(models.TextChoices):
        IN_PROGRESS = "in_progress", _("In progress")
        AGENCY = "agency", _("Answered by an agency")
        OPERATOR = "operator", _("Answered by an operator")
        SELF_SERVICE = "self_service", _("Answered by the menu")
        EMERGENCY = "emergency", _("Transferred to 115")
        VOICEMAIL = "voicemail", _("Left a voice message")
        ABANDONED = "abandoned", _("Hung up while waiting")
        MISSED = "missed", _("Nobody answered")

    # Outcomes where no person spoke with the caller: each becomes a callback.
    UNANSWERED = (Outcome.VOICEMAIL, Outcome.ABANDONED, Outcome.MISSED)

    call_sid = models.CharField(_("call SID"), max_length=64, unique=True)
    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices, default=Direction.INBOUND)
    from_number = models.CharField(_("from"), max_length=64)
    to_number = models.CharField(_("to"), max_length=64)
    status = models.CharField(_("Twilio status"), max_length=20, blank=True)
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices, default=Outcome.IN_PROGRESS)
    # Every key pressed, in order ("2", "31", "4#482913075#").
    digits = models.CharField(_("keys pressed"), max_length=100, blank=True)
    # The first menu key chosen: what the per-key measures group by.
    ivr_key = models.CharField(_("menu key"), max_length=1, blank=True)
    option = models.ForeignKey(
        IvrOption, verbose_name=_("menu choice"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    night = models.BooleanField(_("outside working hours"), default=False)
    surge = models.BooleanField(_("surge announcement played"), default=False)
    # A call walked by the simulator ("Thử tổng đài"): kept, but left out of the measures.
    simulated = models.BooleanField(_("test call"), default=False)
    # The slug of the province that took the call, when a merger brought it here: its measures stay
    # with that unit's frozen national figures and are left out of this province's.
    legacy_unit = models.CharField(_("taken by"), max_length=40, blank=True)
    started_at = models.DateTimeField(_("started at"))
    answered_at = models.DateTimeField(_("answered by a person at"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    duration = models.PositiveIntegerField(_("duration (s)"), null=True, blank=True)
    queued_at = models.DateTimeField(_("queued for an operator at"), null=True, blank=True)
    queue_wait = models.PositiveIntegerField(_("queue wait (s)"), null=True, blank=True)
    queue_result = models.CharField(_("queue result"), max_length=20, blank=True)
    operator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("operator"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recording_sid = models.CharField(_("recording SID"), max_length=64, blank=True)
    recording_url = models.URLField(_("recording"), max_length=500, blank=True)
    recording_duration = models.PositiveIntegerField(_("recording length (s)"), null=True, blank=True)
    case = models.ForeignKey(
        Case, verbose_name=_("case"), null=True, blank=True, on_delete=models.SET_NULL, related_name="calls"
    )
    callback = models.ForeignKey(
        Callback,
        verbose_name=_("callback"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="calls",
        help_text=_("For a missed call, the callback it created; for a callback call, the one it works."),
    )
    # The Twilio status callback's highest SequenceNumber seen: a replay or a late, older one changes nothing.
    status_sequence = models.IntegerField(default=-1)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("call")
        verbose_name_plural = _("calls")
        ordering = ["-started_at"]
        indexes = [
            models.Index(fields=["started_at"], name="call_started"),
            models.Index(fields=["from_number", "-started_at"], name="call_caller"),
            # The operators' "waiting for an operator" list.
            models.Index(
                fields=["queued_at"], name="call_waiting", condition=Q(queued_at__isnull=False, queue_result="")
            ),
        ]

    def __str__(self) -> str:
        return self.call_sid

    @property
    def is_waiting(self) -> bool:
        return self.queued_at is not None and not self.queue_result and self.ended_at is None


class CallTransfer(models.Model):
    """One `<Dial>` of a call: to an agency's number, a backup, an operator, or 115."""

    class Kind(models.TextChoices):
        AGENCY = "agency", _("Agency")
        OPERATOR = "operator", _("Operator")
        EMERGENCY = "emergency", _("Emergency")
        CITIZEN = "citizen", _("Citizen (callback)")

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="transfers")
    # Position in the call's chain: 0, 1, 2… (the webhook that reports it carries it, so retries are harmless).
    leg = models.PositiveSmallIntegerField(_("leg"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    ivr_key = models.CharField(_("menu key"), max_length=1, blank=True)
    number = models.CharField(_("number"), max_length=64)
    started_at = models.DateTimeField(_("started at"))
    # DialCallStatus: completed, answered, busy, no-answer, failed, canceled; empty while ringing.
    dial_status = models.CharField(_("result"), max_length=12, blank=True)
    dial_call_sid = models.CharField(max_length=64, blank=True)
    dial_duration = models.PositiveIntegerField(_("talk time (s)"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)

    ANSWERED_STATUSES = ("completed", "answered")

    class Meta:
        verbose_name = _("transfer")
        verbose_name_plural = _("transfers")
        ordering = ["call", "leg"]
        constraints = [models.UniqueConstraint(fields=["call", "leg"], name="calltransfer_one_per_leg")]
        indexes = [models.Index(fields=["started_at"], name="calltransfer_started")]

    def __str__(self) -> str:
        return f"{self.call_id}/{self.leg}"

    @property
    def answered(self) -> bool:
        return self.dial_status in self.ANSWERED_STATUSES


class VoiceEvent(models.Model):
    """Every webhook request, stored before it is acted on, with the TwiML it was answered.

    `step` identifies the request within its call (the URL of each step carries it), so a
    request Twilio retries finds its row and gets the same answer, without acting twice.
    """

    call_sid = models.CharField(max_length=64)
    step = models.CharField(max_length=200)
    params = models.JSONField()
    twiml = models.TextField(blank=True)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("webhook request")
        verbose_name_plural = _("webhook requests")
        constraints = [models.UniqueConstraint(fields=["call_sid", "step"], name="voiceevent_once_per_step")]

    def __str__(self) -> str:
        return f"{self.call_sid} {self.step}"


class VoiceDay(models.Model):
    """One day's call-centre measures of the province (national oversight rolls these up)."""

    date = models.DateField(_("date"), unique=True)
    offered = models.PositiveIntegerField(_("calls offered"), default=0)
    answered = models.PositiveIntegerField(_("answered by a person"), default=0)
    self_service = models.PositiveIntegerField(_("answered by the menu"), default=0)
    missed = models.PositiveIntegerField(_("ended without a person"), default=0)
    queued = models.PositiveIntegerField(_("queued for an operator"), default=0)
    queue_answered = models.PositiveIntegerField(_("answered from the queue"), default=0)
    # Abandoned in the queue after the short-abandon threshold (5 s); short ones are not counted.
    queue_abandoned = models.PositiveIntegerField(_("abandoned in the queue"), default=0)
    answered_within_target = models.PositiveIntegerField(_("answered within 20 s"), default=0)
    queue_wait_answered = models.PositiveIntegerField(_("total wait of answered calls (s)"), default=0)
    callbacks_created = models.PositiveIntegerField(_("callbacks created"), default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("daily call measures")
        verbose_name_plural = _("daily call measures")
        ordering = ["-date"]

    def __str__(self) -> str:
        return str(self.date)

    @property
    def service_level(self) -> float | None:
        """Answered within 20 s ÷ (answered + abandoned) among queued calls."""
        handled = self.queue_answered + self.queue_abandoned
        return self.answered_within_target / handled if handled else None

    @property
    def average_speed_of_answer(self) -> float | None:
        return self.queue_wait_answered / self.queue_answered if self.queue_answered else None


class TransferDay(models.Model):
    """One day's transfers per menu key and agency: the Cà Mau measure."""

    date = models.DateField(_("date"))
    ivr_key = models.CharField(_("menu key"), max_length=1, blank=True)
    agency = models.ForeignKey(Agency, verbose_name=_("agency"), on_delete=models.CASCADE, related_name="+")
    attempted = models.PositiveIntegerField(_("transfers"), default=0)
    answered = models.PositiveIntegerField(_("answered"), default=0)

    class Meta:
        verbose_name = _("daily transfer measures")
        verbose_name_plural = _("daily transfer measures")
        ordering = ["-date", "ivr_key"]
        constraints = [
            models.UniqueConstraint(fields=["date", "ivr_key", "agency"], name="transferday_one_per_key_agency")
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.ivr_key} {self.agency_id}"

    @property
    def answer_rate(self) -> float | None:
        return self.answered / self.attempted if self.attempted else None
