"""The platform admins' page of provinces, at <BASE_DOMAIN>/platform/ (public schema).

Each province's registry data (codes, hosts, numbers, status) and its lifecycle actions:
suspend, resume, export. The writes are `tenants.lifecycle`'s; the export runs in a Celery
worker (`tenants.tasks.province_export`) and its archives are listed and served here.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from tenants.lifecycle import NOTICE_MAX_LENGTH, province_resume, province_suspend
from tenants.merge_views import merge_context
from tenants.models import Province
from tenants.tasks import province_export

logger = logging.getLogger(__name__)

platform_admin_required = permission_required("tenants.change_province", raise_exception=True)
ARCHIVE_SUFFIX = ".tar.gz"


class SuspendForm(forms.Form):
    notice = forms.CharField(
        label=gettext_lazy("Notice for callers and visitors"),
        required=False,
        max_length=NOTICE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("Read to callers and shown on the site. Left empty, a standard sentence is used."),
    )
    fallback_number = forms.CharField(
        label=gettext_lazy("Fallback number"),
        required=False,
        max_length=30,
        help_text=gettext_lazy(
            "Calls are transferred here, e.g. 0274 3822 022. Left empty, callers hear the notice only."
        ),
    )
    confirm = forms.BooleanField(label=gettext_lazy("I confirm: take this province's hotline out of service."))


class ResumeForm(forms.Form):
    confirm = forms.BooleanField(label=gettext_lazy("I confirm: put this province's hotline back in service."))


def _province(slug: str) -> Province:
    return get_object_or_404(Province.objects.provinces().select_related("merged_into"), slug=slug)


@login_required
@platform_admin_required
@require_GET
def province_list(request: HttpRequest) -> HttpResponse:
    provinces = (
        Province.objects.provinces()
        .select_related("merged_into")
        .prefetch_related("domains", "dialing_prefixes", "phone_numbers")
        .order_by("name")
    )
    status = request.GET.get("status", "")
    if status in Province.Status.values:
        provinces = provinces.filter(status=status)
    else:
        status = ""
    context = {
        "provinces": provinces,
        "status": status,
        "statuses": Province.Status.choices,
    }
    return render(request, "tenants/platform/list.html", context)


@login_required
@platform_admin_required
@require_GET
def province_detail(request: HttpRequest, slug: str) -> HttpResponse:
    province = _province(slug)
    initial = {"notice": province.suspension_notice, "fallback_number": province.fallback_number}
    return _detail(request, province, suspend_form=SuspendForm(initial=initial))


def _detail(request: HttpRequest, province: Province, *, suspend_form=None, resume_form=None, status=200):
    context = {
        "unit": province,
        "domains": province.domains.order_by("-is_primary", "domain"),
        "merged_units": province.merged_units.order_by("name"),
        "suspend_form": suspend_form or SuspendForm(),
        "resume_form": resume_form or ResumeForm(),
        "archives": archives_of(province),
        **merge_context(province),
    }
    return render(request, "tenants/platform/detail.html", context, status=status)


@login_required
@platform_admin_required
@require_POST
def suspend(request: HttpRequest, slug: str) -> HttpResponse:
    province = _province(slug)
    form = SuspendForm(request.POST)
    if form.is_valid():
        try:
            province_suspend(
                province,
                notice=form.cleaned_data["notice"],
                fallback_number=form.cleaned_data["fallback_number"],
                actor=request.user,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("%(name)s is suspended.") % {"name": province.name})
            return redirect("platform:detail", slug=province.slug)
    return _detail(request, province, suspend_form=form, status=400)


@login_required
@platform_admin_required
@require_POST
def resume(request: HttpRequest, slug: str) -> HttpResponse:
    province = _province(slug)
    form = ResumeForm(request.POST)
    if form.is_valid():
        try:
            province_resume(province, actor=request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("%(name)s is back in service.") % {"name": province.name})
            return redirect("platform:detail", slug=province.slug)
    return _detail(request, province, resume_form=form, status=400)


@login_required
@platform_admin_required
@require_POST
def export(request: HttpRequest, slug: str) -> HttpResponse:
    province = _province(slug)
    try:
        province_export.apply_async(args=[province.slug], retry=False)
    except Exception as exc:  # a dead broker: say so, rather than a 500 or a silent nothing
        logger.warning("export of %s not queued (%s)", province.schema_name, exc)
        messages.error(request, _("The export could not be queued: the task queue is not reachable. Try again later."))
    else:
        messages.success(
            request,
            _("The export of %(name)s is queued. Its archive appears below when it is ready; reload the page.")
            % {"name": province.name},
        )
    return redirect("platform:detail", slug=province.slug)


@dataclass(frozen=True)
class Archive:
    name: str
    size: int
    modified: datetime


def archives_directory() -> Path:
    return Path(settings.VAR_DIR) / "archives"


def archives_of(province: Province) -> list[Archive]:
    """The province's archives (`<slug>-*.tar.gz`, as tenants.archive names them), newest first."""
    directory = archives_directory()
    if not directory.is_dir():
        return []
    found = []
    for path in directory.glob(f"{province.slug}-*{ARCHIVE_SUFFIX}"):
        if not path.is_file():
            continue
        stat = path.stat()
        modified = datetime.fromtimestamp(stat.st_mtime, tz=timezone.get_current_timezone())
        found.append(Archive(name=path.name, size=stat.st_size, modified=modified))
    return sorted(found, key=lambda archive: archive.modified, reverse=True)


@login_required
@platform_admin_required
@require_GET
def archive_download(request: HttpRequest, slug: str, name: str) -> FileResponse:
    province = _province(slug)
    # Only a name the listing shows: no path, no other province's file.
    if name not in {archive.name for archive in archives_of(province)}:
        raise Http404(name)
    logger.info("archive %s downloaded by user %s", name, request.user.pk)
    return FileResponse(open(archives_directory() / name, "rb"), as_attachment=True, filename=name)
