"""Twilio voice webhooks, on the national host and on each province's host.

Every request: find the province (its host, else the called number), check the signature
with the province's auth token (403 otherwise), store the request, then run the step of
the call flow. A request Twilio retries gets the answer stored the first time.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import wraps
from urllib.parse import urlencode

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404

from cases import clock
from channels.hooks import twilio_webhook
from channels.voice import flow
from channels.voice.fallback import fallback_response
from channels.voice.models import Call, IvrMenu, IvrOption, OperatorLine, VoiceEvent, VoiceSettings
from channels.voice.services import FINAL_STATUSES, call_finish

logger = logging.getLogger(__name__)

SID_MAX = 64
# Status callbacks without a SequenceNumber (the number's own "call status changes" URL) are ordered by state.
STATUS_ORDER = {"queued": 0, "initiated": 0, "ringing": 1, "in-progress": 2, **dict.fromkeys(FINAL_STATUSES, 3)}


def twiml(body: str) -> HttpResponse:
    return HttpResponse(body, content_type="text/xml; charset=utf-8")


def number_param(request: HttpRequest) -> str:
    """Which number names the province: the one called, or for calls the hotline places, the caller."""
    return "From" if request.POST.get("Direction", "").startswith("outbound") else "To"


def province_hook(view: Callable) -> Callable:
    """Run `view(request, line, call_sid, …)` in the province's schema once the request is proven Twilio's."""

    @twilio_webhook(sid_param="CallSid", number_param=number_param)
    @wraps(view)
    def wrapped(request: HttpRequest, call_sid: str, *args, **kwargs) -> HttpResponse:
        return view(request, VoiceSettings.load(request_or_site=request), call_sid, *args, **kwargs)

    return wrapped


def step_key(request: HttpRequest) -> str:
    query = urlencode(sorted(request.GET.items()))
    return f"{request.path}?{query}"[:200]


def flow_step(handler: Callable[..., object]) -> Callable:
    """Store the request, answer a retry from the store, else run `handler(step, **kwargs)`."""

    @province_hook
    @wraps(handler)
    def view(request: HttpRequest, line: VoiceSettings, call_sid: str, *args, **kwargs) -> HttpResponse:
        params = request.POST.dict()
        # Stored on its own, before anything else can fail: the raw request survives a failed step.
        event, created = VoiceEvent.objects.get_or_create(
            call_sid=call_sid, step=step_key(request), defaults={"params": params}
        )
        if not created and event.twiml:
            return twiml(event.twiml)
        try:
            with transaction.atomic():
                call = _call_ensure(call_sid, params)
                step = flow.Step(request=request, line=line, call=call, params=params, number=_step_number(request))
                answer = str(handler(step, *args, **kwargs))
                VoiceEvent.objects.filter(pk=event.pk).update(twiml=answer)
        except Exception:
            # The caller must hear something: the static answer needs no database.
            logger.exception("voice step %s failed; answering with the fallback", request.path)
            return fallback_response(request)
        return twiml(answer)

    return view


def _step_number(request: HttpRequest) -> int:
    try:
        return max(0, min(int(request.GET.get("s", "0")), 10_000))
    except ValueError:
        return 0


def _call_ensure(call_sid: str, params: dict[str, str]) -> Call:
    call, _created = Call.objects.select_for_update().get_or_create(
        call_sid=call_sid,
        defaults={
            "from_number": params.get("From", "")[:64],
            "to_number": params.get("To", "")[:64],
            "status": params.get("CallStatus", "")[:20],
            "started_at": clock.now(),
        },
    )
    return call


def _query_int(request: HttpRequest, name: str) -> int | None:
    try:
        return int(request.GET[name])
    except (KeyError, ValueError):
        return None


@flow_step
def incoming(step: flow.Step):
    return flow.incoming(step)


@flow_step
def menu(step: flow.Step, menu_id: int):
    menu = get_object_or_404(IvrMenu, pk=menu_id)
    return flow.menu_choice(step, menu, attempt=_query_int(step.request, "attempt") or 1)


@flow_step
def status_lookup(step: flow.Step):
    menu_id = _query_int(step.request, "menu")
    return flow.status_lookup(step, IvrMenu.objects.filter(pk=menu_id).first() if menu_id else None)


@flow_step
def dial_result(step: flow.Step, leg: int):
    option_id = _query_int(step.request, "option")
    option = IvrOption.objects.select_related("agency", "menu").filter(pk=option_id).first() if option_id else None
    return flow.dial_result(
        step,
        leg,
        option=option,
        position=_query_int(step.request, "position") or 0,
        operator_id=_query_int(step.request, "operator"),
    )


@province_hook
def queue_wait(request: HttpRequest, line: VoiceSettings, call_sid: str) -> HttpResponse:
    """Requested again and again while the caller waits; it changes nothing, so nothing is stored."""
    call = Call(call_sid=call_sid)
    step = flow.Step(request=request, line=line, call=call, params=request.POST.dict(), number=0)
    return twiml(str(flow.queue_wait(step)))


@flow_step
def queue_done(step: flow.Step):
    return flow.queue_done(step)


@flow_step
def operator_connect(step: flow.Step, user_id: int):
    operator = get_object_or_404(OperatorLine.objects.select_related("user"), user_id=user_id)
    return flow.operator_connect(step, operator)


@flow_step
def recording(step: flow.Step):
    return flow.recording(step)


@flow_step
def callback_connect(step: flow.Step):
    return flow.callback_connect(step)


@flow_step
def callback_done(step: flow.Step):
    return flow.callback_done(step)


@province_hook
def status(request: HttpRequest, line: VoiceSettings, call_sid: str) -> HttpResponse:
    """The status callback. A call we never saw (its webhooks hit the fallback while the database
    was down) is recorded here, so it still becomes a callback."""
    params = request.POST.dict()
    call_status = params.get("CallStatus", "")
    sequence = _sequence(params.get("SequenceNumber"), call_status)
    VoiceEvent.objects.get_or_create(
        call_sid=call_sid, step=f"status:{call_status}:{sequence}"[:200], defaults={"params": params}
    )
    # Safe to run on a replay: call_finish ignores a sequence number it has seen.
    with transaction.atomic():
        call = _call_ensure(call_sid, params)
        call_finish(
            call=call,
            status=call_status,
            duration=flow.int_or_none(params.get("CallDuration")),
            sequence=sequence,
            now=clock.now(),
        )
    return HttpResponse(status=204)


def _sequence(raw: str | None, call_status: str) -> int:
    try:
        return int(raw)
    except (TypeError, ValueError):
        return STATUS_ORDER.get(call_status, 0)
