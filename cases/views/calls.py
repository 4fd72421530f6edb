"""The phone in the console: callers waiting for an operator, taking one (the screen pop), recent
calls, and placing a callback through the hotline."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from cases.codes import phone_national
from cases.models import Callback
from cases.views.console import operator_required
from channels.voice import services as voice
from channels.voice.models import Call

RECENT_CALLS = 50


@login_required
@operator_required
@require_GET
def call_list(request: HttpRequest) -> HttpResponse:
    recent = (
        Call.objects.filter(direction=Call.Direction.INBOUND)
        .select_related("option", "case", "callback", "operator")
        .prefetch_related("transfers__agency")
        .order_by("-started_at")[:RECENT_CALLS]
    )
    context = {"waiting": list(voice.calls_waiting()), "recent": recent, "area": "console"}
    return render(request, "cases/calls.html", context)


@login_required
@operator_required
@require_GET
def calls_waiting(request: HttpRequest) -> HttpResponse:
    """The strip under the console's menu, polled every few seconds."""
    return render(request, "cases/_calls_waiting.html", {"waiting": list(voice.calls_waiting())})


@login_required
@operator_required
@require_POST
def call_take(request: HttpRequest, sid: str) -> HttpResponse:
    """Connect the waiting caller to my phone and open the new-case form on them (the screen pop)."""
    call = get_object_or_404(Call, call_sid=sid)
    connect_url = request.build_absolute_uri(reverse("voice:operator_connect", args=[request.user.pk]))
    try:
        voice.call_take(call=call, operator=request.user, connect_url=connect_url)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("cases:calls")
    return redirect(screen_pop_url(call))


def screen_pop_url(call: Call) -> str:
    query = {"call": call.call_sid}
    phone = voice.caller_e164(call)
    if phone:
        query["phone"] = phone_national(phone)
    return f"{reverse('cases:new')}?{urlencode(query)}"


@login_required
@operator_required
@require_POST
def callback_call(request: HttpRequest, pk: int) -> HttpResponse:
    """Ring my phone, then the citizen's: the hotline's number is shown to the citizen, not mine."""
    callback = get_object_or_404(Callback, pk=pk, done_at__isnull=True)
    try:
        voice.callback_start(
            callback=callback,
            operator=request.user,
            connect_url=request.build_absolute_uri(reverse("voice:callback_connect")),
            status_url=request.build_absolute_uri(reverse("voice:status")),
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("Your phone will ring now; when you answer, the hotline calls %(number)s.")
            % {"number": phone_national(callback.phone)},
        )
    return redirect("cases:callbacks")
