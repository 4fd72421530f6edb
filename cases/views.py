"""The case list and case page (read side). The full operator console builds on these."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from cases import services
from cases.codes import tracking_code_clean
from cases.models import CaseStatus
from cases.selectors import case_for, cases_visible_to, reporter_view

PAGE_SIZE = 50


@login_required
def case_list(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("cases.view_case"):
        raise PermissionDenied
    cases = cases_visible_to(request.user).order_by("-received_at")
    status = request.GET.get("status", "")
    if status in CaseStatus.values:
        cases = cases.filter(status=status)
    query = request.GET.get("q", "").strip()
    if query:
        code = tracking_code_clean(query)
        cases = cases.filter(tracking_code=code) if code else cases.filter(description__icontains=query)
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "cases/case_list.html",
        {"page": page, "statuses": CaseStatus.choices, "status": status, "query": query},
    )


@login_required
@require_http_methods(["GET", "POST"])
def case_detail(request: HttpRequest, code: str) -> HttpResponse:
    case = case_for(request.user, code)
    revealed, reveal_error = False, ""
    if request.method == "POST":
        try:
            services.reporter_reveal(case=case, actor=request.user, reason=request.POST.get("reason", ""))
            revealed = True
        except ValidationError:
            reveal_error = _("Say why you need the reporter's contact details.")
    return render(
        request,
        "cases/case_detail.html",
        {
            "case": case,
            "events": case.events.select_related("actor"),
            "reporter": reporter_view(request.user, case.reporter, revealed=revealed),
            "can_reveal": request.user.has_perm("cases.reveal_reporter") and case.reporter_id is not None,
            "reveal_error": reveal_error,
        },
        status=400 if reveal_error else 200,
    )
