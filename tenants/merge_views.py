"""The merger on the platform admins' province page: a dry run first, its report, then the merger.

Both run in a Celery worker (`tenants.tasks.province_merge`); the run's page follows it.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from tenants.merge import MergeRefused, merge_start
from tenants.models import MergeRun, Province
from tenants.registry import UnitKind, UnknownProvince, find_unit

platform_admin_required = permission_required("tenants.change_province", raise_exception=True)


class MergeForm(forms.Form):
    target = forms.ModelChoiceField(
        label=gettext_lazy("Successor"),
        queryset=Province.objects.none(),
        help_text=gettext_lazy("The province that takes over this hotline: its reports, numbers, pages and accounts."),
    )
    users = forms.ChoiceField(
        label=gettext_lazy("Accounts"), choices=MergeRun.Users.choices, initial=MergeRun.Users.MOVE
    )

    def __init__(self, *args, unit: Province, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].queryset = (
            Province.objects.provinces().filter(status=Province.Status.ACTIVE).exclude(pk=unit.pk).order_by("name")
        )
        self.fields["target"].initial = successor_of(unit)


def successor_of(unit: Province) -> Province | None:
    """The province the official registry says the unit became part of, if it runs on the platform."""
    try:
        official = find_unit(unit.slug, kind=UnitKind.LEGACY)
    except UnknownProvince:
        return None
    if official.successor_code is None or unit.code is not None:
        # A unit that kept its territory (it carries a current code) was not merged into anything.
        return None
    return Province.objects.provinces().filter(code=official.successor_code, status=Province.Status.ACTIVE).first()


def merge_context(unit: Province) -> dict:
    """What the province page shows of mergers: the form (for an active unit) and the runs."""
    runs = MergeRun.objects.filter(source=unit).select_related("target")[:10]
    form = MergeForm(unit=unit) if unit.status == Province.Status.ACTIVE else None
    return {"merge_form": form, "merge_runs": runs}


@login_required
@platform_admin_required
@require_POST
def merge(request: HttpRequest, slug: str) -> HttpResponse:
    """Start a dry run (the form's first button) or, after one, the merger itself."""
    from tenants.tasks import province_merge

    unit = get_object_or_404(Province.objects.provinces(), slug=slug)
    form = MergeForm(request.POST, unit=unit)
    if not form.is_valid():
        context = {"unit": unit, "merge_form": form, "merge_runs": MergeRun.objects.filter(source=unit)[:10]}
        return render(request, "tenants/platform/merge_form.html", context, status=400)
    dry_run = request.POST.get("mode") != "merge"
    try:
        run = merge_start(
            unit,
            form.cleaned_data["target"],
            users=form.cleaned_data["users"],
            dry_run=dry_run,
            requested_by=request.user.get_username(),
        )
    except MergeRefused as refused:
        messages.error(request, str(refused))
        return redirect("platform:detail", slug=unit.slug)
    province_merge.delay(run.pk)
    messages.success(request, _("The dry run has started.") if dry_run else _("The merger has started."))
    return redirect("platform:merge_run", slug=unit.slug, run_id=run.pk)


@login_required
@platform_admin_required
@require_GET
def merge_run(request: HttpRequest, slug: str, run_id: int) -> HttpResponse:
    run = get_object_or_404(MergeRun.objects.select_related("source", "target"), pk=run_id, source__slug=slug)
    context = {
        "unit": run.source,
        "run": run,
        "tables": list(run.report.get("tables", {}).values()),
        "in_progress": run.state in (MergeRun.State.PLANNED, MergeRun.State.RUNNING),
        # After a good dry run, the same choices start the merger.
        "can_merge": run.dry_run and run.state == MergeRun.State.DONE and run.source.status == Province.Status.ACTIVE,
    }
    return render(request, "tenants/platform/merge_run.html", context)
