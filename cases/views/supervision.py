"""The supervisor's view of the province: volume, open work, deadlines, agencies, operators."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from cases.supervision import province_figures


@login_required
@permission_required("cases.view_supervision", raise_exception=True)
@require_GET
def supervision(request: HttpRequest) -> HttpResponse:
    return render(request, "cases/supervision.html", {"figures": province_figures(), "area": "console"})
