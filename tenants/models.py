"""Provinces (one PostgreSQL schema each) and what routes traffic to them: hosts, area codes, numbers.

These tables live in the public schema only.
"""

from __future__ import annotations

from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from django_tenants.models import DomainMixin, TenantMixin
from django_tenants.utils import get_public_schema_name


class ProvinceQuerySet(models.QuerySet):
    def provinces(self) -> ProvinceQuerySet:
        """Real provinces: everything but the row that stands for the public (national) schema."""
        return self.exclude(schema_name=get_public_schema_name())


class Province(TenantMixin):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        MERGED = "merged", _("Merged")
        SUSPENDED = "suspended", _("Suspended")

    slug = models.SlugField(_("slug"), max_length=40, unique=True)
    # Short name as people say it ("Bình Dương"); full_name carries the division type.
    name = models.CharField(_("name"), max_length=100)
    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    division_type = models.CharField(_("division type"), max_length=40, blank=True)
    # Official code since the 2025 reorganisation (34 units). Legacy and new codes collide
    # (15, 24, 44, 52, 80, 82, 91 name different provinces), so they are kept apart.
    code = models.PositiveSmallIntegerField(_("official code"), null=True, blank=True, unique=True)
    # Code of the pre-2025 unit (63 units) this tenant stands for, if any.
    legacy_code = models.PositiveSmallIntegerField(_("legacy code"), null=True, blank=True, unique=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.ACTIVE)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_units",
    )
    # While suspended: what callers hear and visitors read, and where the menu transfers calls.
    suspension_notice = models.TextField(_("suspension notice"), blank=True)
    fallback_number = models.CharField(
        _("fallback number"), max_length=16, blank=True, validators=[RegexValidator(r"^\+[1-9]\d{6,14}$")]
    )
    status_changed_at = models.DateTimeField(_("status changed at"), null=True, blank=True)
    # After a merger: where the unit's public pages live on its successor's site ("/binh-duong/").
    merged_section_path = models.CharField(_("section on the successor's site"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # The schema is created and migrated when the row is first saved.
    auto_create_schema = True
    auto_drop_schema = False

    objects = ProvinceQuerySet.as_manager()

    class Meta:
        verbose_name = _("province")
        verbose_name_plural = _("provinces")
        ordering = ["name"]
        permissions = [("view_national_reports", _("Can view national reports"))]
        constraints = [
            models.CheckConstraint(
                name="province_merged_iff_successor",
                condition=(Q(status="merged") & Q(merged_into__isnull=False))
                | (~Q(status="merged") & Q(merged_into__isnull=True)),
            ),
            models.CheckConstraint(name="province_not_merged_into_itself", condition=~Q(merged_into=models.F("pk"))),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_public(self) -> bool:
        return self.schema_name == get_public_schema_name()

    @property
    def primary_host(self) -> str | None:
        domain = self.domains.filter(is_primary=True).first()
        return domain.domain if domain else None

    def trunk_prefixes(self) -> list[str]:
        """Area codes as dialled from a mobile or another province, e.g. ['0274']."""
        return [prefix.trunk_form for prefix in self.dialing_prefixes.all()]


class Domain(DomainMixin):
    class Meta:
        verbose_name = _("domain")
        verbose_name_plural = _("domains")

    def __str__(self) -> str:
        return self.domain


area_code_validator = RegexValidator(
    r"^2\d{1,2}$", _("A Vietnamese landline area code without the leading 0, e.g. 274 or 28.")
)
e164_validator = RegexValidator(r"^\+[1-9]\d{6,14}$", _("A phone number in E.164 form, e.g. +842741022."))


class DialingPrefix(models.Model):
    """A landline area code. A province owns a set of them; a merger moves them to the successor."""

    province = models.ForeignKey(
        Province, verbose_name=_("province"), on_delete=models.CASCADE, related_name="dialing_prefixes"
    )
    # Stored without the trunk 0 ("274"), as in the national numbering plan.
    area_code = models.CharField(_("area code"), max_length=3, unique=True, validators=[area_code_validator])
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("dialing prefix")
        verbose_name_plural = _("dialing prefixes")
        ordering = ["created_at", "area_code"]

    def __str__(self) -> str:
        return self.trunk_form

    @property
    def trunk_form(self) -> str:
        return f"0{self.area_code}"


class PhoneNumber(models.Model):
    """A number that reaches a province's hotline (e.g. +842741022 for 0274 1022, or a provider DID)."""

    province = models.ForeignKey(
        Province, verbose_name=_("province"), on_delete=models.CASCADE, related_name="phone_numbers"
    )
    number = models.CharField(_("number"), max_length=16, unique=True, validators=[e164_validator])
    label = models.CharField(_("label"), max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("hotline number")
        verbose_name_plural = _("hotline numbers")
        ordering = ["created_at", "number"]

    def __str__(self) -> str:
        return self.number


class MergeRun(models.Model):
    """One merger of a province into its successor (`tenants.merge`), or its dry run.

    The data moves in one transaction: a run that fails or is interrupted leaves nothing
    half-moved, and its row says so; running the merger again starts it afresh. Files are copied
    before that transaction, so a committed merger never lacks them.
    """

    class State(models.TextChoices):
        PLANNED = "planned", _("Planned")
        RUNNING = "running", _("Running")
        DONE = "done", _("Completed")
        FAILED = "failed", _("Failed, rolled back")

    class Users(models.TextChoices):
        MOVE = "move", _("Move the accounts to the successor")
        DISABLE = "disable", _("Disable the accounts")

    source = models.ForeignKey(
        Province, verbose_name=_("merged province"), on_delete=models.PROTECT, related_name="merge_runs"
    )
    target = models.ForeignKey(Province, verbose_name=_("successor"), on_delete=models.PROTECT, related_name="+")
    users = models.CharField(_("accounts"), max_length=10, choices=Users.choices, default=Users.MOVE)
    dry_run = models.BooleanField(_("dry run"), default=False)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.PLANNED)
    # What moved (or would move), table by table, and what the admin should review.
    report = models.JSONField(_("report"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)
    requested_by = models.CharField(_("requested by"), max_length=150, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("merger")
        verbose_name_plural = _("mergers")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.source} → {self.target}"
