"""National rollups: per province and local day, counts only. They live in the public schema.

No field here can hold a person: no name, number, address, description or free text, only
codes (national category, channel, menu key, agency code and name) and numbers. A national
report over every province reads these tables with one indexed query, never a province's schema.

Rows stay with the province whose schema the records are in: after a merger the legacy unit
keeps its history, and reports for the successor add its merged units' rows (`oversight.selectors`).
"""

from __future__ import annotations

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils.translation import gettext_lazy as _

from tenants.models import Province

# Upper bounds (minutes, inclusive) of the buckets response and resolution times are counted in;
# a last bucket takes everything longer. Medians over any range add the buckets up.
MINUTE_BUCKETS = (15, 30, 60, 120, 180, 300, 480, 720, 1440, 2880, 4320, 7200, 10080, 20160, 43200)
BUCKET_COUNT = len(MINUTE_BUCKETS) + 1


def empty_histogram() -> list[int]:
    return [0] * BUCKET_COUNT


class ReportCounts(models.Model):
    """What is counted of a group of reports: "closed" and "open and overdue" are as of `updated_at`.

    On-time rate = closed on time ÷ (closed + open and overdue).
    """

    province = models.ForeignKey(Province, verbose_name=_("province"), on_delete=models.PROTECT, related_name="+")
    day = models.DateField(_("day received"))
    received = models.PositiveIntegerField(_("received"), default=0)
    forwarded = models.PositiveIntegerField(_("forwarded to an agency"), default=0)
    closed = models.PositiveIntegerField(_("closed"), default=0)
    closed_on_time = models.PositiveIntegerField(_("closed on time"), default=0)
    open_overdue = models.PositiveIntegerField(_("open and overdue"), default=0)
    emergency = models.PositiveIntegerField(_("emergencies"), default=0)
    # Counts per MINUTE_BUCKETS bucket of the minutes from receipt to the first response, and to the resolution.
    response_minutes = ArrayField(models.PositiveIntegerField(), size=BUCKET_COUNT, default=empty_histogram)
    resolution_minutes = ArrayField(models.PositiveIntegerField(), size=BUCKET_COUNT, default=empty_histogram)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class CaseDay(ReportCounts):
    """The reports one province received on one local day, in one national category, on one channel.

    Counted again whenever those reports change (`oversight.rollups`). Fine-grained: a category or
    channel breakdown reads it; the national overview reads `ProvinceDay`, the same counts summed.
    """

    national_category = models.CharField(_("national category"), max_length=40)
    channel = models.CharField(_("channel"), max_length=12)

    class Meta:
        verbose_name = _("reports of a day")
        verbose_name_plural = _("reports by day")
        constraints = [
            models.UniqueConstraint(
                fields=["province", "day", "national_category", "channel"], name="caseday_one_per_group"
            )
        ]
        # National reports filter by dates first; a province's drill-down by province first.
        indexes = [models.Index(fields=["day", "province"], name="caseday_day_province")]

    def __str__(self) -> str:
        return f"{self.province_id} {self.day} {self.national_category} {self.channel}"


class ProvinceDay(ReportCounts):
    """All the reports one province received on one local day: its `CaseDay` rows summed.

    A year of the nation is 34 by 365 of these, where the rows by category and channel are nearly as
    many as the reports themselves; the overview reads these unless a category is chosen.
    """

    class Meta:
        verbose_name = _("province's reports of a day")
        verbose_name_plural = _("provinces' reports by day")
        constraints = [models.UniqueConstraint(fields=["province", "day"], name="provinceday_one_per_day")]
        indexes = [models.Index(fields=["day", "province"], name="provinceday_day_province")]

    def __str__(self) -> str:
        return f"{self.province_id} {self.day}"


class CallDay(models.Model):
    """One province's calls of one local day (its `channels.voice.VoiceDay`, copied here)."""

    province = models.ForeignKey(Province, verbose_name=_("province"), on_delete=models.PROTECT, related_name="+")
    day = models.DateField(_("day"))
    offered = models.PositiveIntegerField(_("calls offered"), default=0)
    answered = models.PositiveIntegerField(_("answered by a person"), default=0)
    self_service = models.PositiveIntegerField(_("answered by the menu"), default=0)
    missed = models.PositiveIntegerField(_("ended without a person"), default=0)
    queued = models.PositiveIntegerField(_("queued for an operator"), default=0)
    queue_answered = models.PositiveIntegerField(_("answered from the queue"), default=0)
    queue_abandoned = models.PositiveIntegerField(_("abandoned in the queue"), default=0)
    answered_within_target = models.PositiveIntegerField(_("answered within 20 s"), default=0)
    queue_wait_answered = models.PositiveIntegerField(_("total wait of answered calls (s)"), default=0)
    callbacks_created = models.PositiveIntegerField(_("callbacks created"), default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("calls of a day")
        verbose_name_plural = _("calls by day")
        constraints = [models.UniqueConstraint(fields=["province", "day"], name="callday_one_per_day")]
        indexes = [models.Index(fields=["day", "province"], name="callday_day_province")]

    def __str__(self) -> str:
        return f"{self.province_id} {self.day}"


class TransferRollup(models.Model):
    """Transfers to one agency from one menu key on one local day (`channels.voice.TransferDay`).

    The agency is named by its code and name, not a key: agencies live in the province's schema.
    """

    province = models.ForeignKey(Province, verbose_name=_("province"), on_delete=models.PROTECT, related_name="+")
    day = models.DateField(_("day"))
    ivr_key = models.CharField(_("menu key"), max_length=1, blank=True)
    agency_code = models.CharField(_("agency code"), max_length=40)
    agency_name = models.CharField(_("agency"), max_length=200)
    attempted = models.PositiveIntegerField(_("transfers"), default=0)
    answered = models.PositiveIntegerField(_("answered"), default=0)

    class Meta:
        verbose_name = _("transfers of a day")
        verbose_name_plural = _("transfers by day")
        constraints = [
            models.UniqueConstraint(
                fields=["province", "day", "ivr_key", "agency_code"], name="transferrollup_one_per_key_agency"
            )
        ]
        indexes = [models.Index(fields=["day", "province"], name="transferrollup_day_province")]

    def __str__(self) -> str:
        return f"{self.province_id} {self.day} {self.ivr_key} {self.agency_code}"


class RollupState(models.Model):
    """How far a province's rollups are: reports changed after `cases_through` are counted next time."""

    province = models.OneToOneField(
        Province, verbose_name=_("province"), on_delete=models.CASCADE, related_name="rollup_state"
    )
    cases_through = models.DateTimeField(_("reports counted through"), null=True, blank=True)
    refreshed_at = models.DateTimeField(_("refreshed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("rollup state")
        verbose_name_plural = _("rollup states")

    def __str__(self) -> str:
        return f"{self.province_id} {self.cases_through}"
