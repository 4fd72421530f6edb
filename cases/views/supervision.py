"""The supervisor's view of the province: volume, open work, deadlines, agencies, operators, calls."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from cases.supervision import province_figures
from channels.voice.reports import TRANSFER_DAYS, voice_figures


@login_required
@permission_required("cases.view_supervision", raise_exception=True)
@require_GET
def supervision(request: HttpRequest) -> HttpResponse:
    figures = province_figures()
    today = figures.day_start.date()
    voice = voice_figures(since=today - timedelta(days=TRANSFER_DAYS - 1), until=today)
    return render(request, "cases/supervision.html", {"figures": figures, "voice": voice, "area": "console"})
