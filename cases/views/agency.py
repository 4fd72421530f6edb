"""The agency workspace: the cases forwarded to the user's own agency, and nothing else.

Reporters are always masked here (agency staff have no `see_reporter`), and a case of
another agency answers 404 exactly like one that does not exist.
"""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from cases.inbox import AGENCY_QUEUES, inbox_page, queue_counts
from cases.models import Case
from cases.selectors import case_for, reporter_view
from cases.views.actions import AGENCY_ACTIONS
from cases.views.common import action_items, action_refused, case_timeline, inbox_form, queue_tabs, wants_results


def agency_required(view):
    """Agency staff only: their membership decides which cases exist for them."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        if getattr(request.user, "agency_membership", None) is None:
            raise PermissionDenied(_("This workspace is for the staff of an agency."))
        return view(request, *args, **kwargs)

    return wrapper


@login_required
@agency_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    form, data = inbox_form(request, AGENCY_QUEUES)
    form.fields.pop("agency")
    page = inbox_page(request.user, data, queues=AGENCY_QUEUES)
    context = {"form": form, "page": page, "area": "agency"}
    if wants_results(request):
        return render(request, "cases/_inbox_results.html", context)
    # An agency's queues are small: their sizes come with the page.
    counts = queue_counts(request.user, AGENCY_QUEUES)
    context["tabs"] = queue_tabs(AGENCY_QUEUES, current=page.queue, counts=counts)
    context["agency"] = request.user.agency_membership.agency
    return render(request, "cases/inbox.html", context)


@login_required
@agency_required
@require_GET
def case_detail(request: HttpRequest, code: str) -> HttpResponse:
    return _case_page(request, case_for(request.user, code))


@login_required
@agency_required
@require_POST
def case_act(request: HttpRequest, code: str, action: str) -> HttpResponse:
    case = case_for(request.user, code)
    if refused := action_refused(request, case, AGENCY_ACTIONS, action, _case_page):
        return refused
    # A returned case is no longer the agency's: back to the list.
    if not Case.objects.filter(pk=case.pk, agency_id=request.user.agency_membership.agency_id).exists():
        return redirect("agency:inbox")
    return redirect("agency:detail", code=case.tracking_code)


def _case_page(request, case: Case, *, failed=None, error: str = "", status: int = 200) -> HttpResponse:
    case = Case.objects.select_related("category", "agency", "ward", "reporter").get(pk=case.pk)
    actions, danger_actions = action_items(AGENCY_ACTIONS, case, request.user, failed)
    return render(
        request,
        "cases/case_detail.html",
        {
            "case": case,
            "area": "agency",
            # The agency sees what happened to the case, not what was sent to the reporter.
            "timeline": [
                item for item in case_timeline(case, with_messages=False) if item["event"].action != "revealed"
            ],
            "reporter": reporter_view(request.user, case.reporter),
            "can_reveal": False,
            "actions": actions,
            "danger_actions": danger_actions,
            "action_url": "agency:act",
            "error": error,
            "other_cases": [],
        },
        status=status,
    )
