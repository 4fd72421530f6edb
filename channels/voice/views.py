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

from django.db import connection, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404

from cases import clock
from cases.sql import insert_new, insert_new_together
from channels.hooks import twilio_webhook
from channels.voice import flow
from channels.voice.fallback import fallback_answer
from channels.voice.line import line_current
from channels.voice.models import Call, IvrMenu, IvrOption, OperatorLine, VoiceEvent, VoiceSettings
from channels.voice.services import FINAL_STATUSES, call_finish
from tenants.models import Province

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
        return view(request, line_current(), call_sid, *args, **kwargs)

    return wrapped


def step_key(request: HttpRequest) -> str:
    query = urlencode(sorted(request.GET.items()))
    return f"{request.path}?{query}"[:200]


class _Retried(Exception):
    """The request was answered before: what this run did is rolled back, the stored answer stands."""


def flow_step(handler: Callable[..., object] | None = None, *, first: bool = False) -> Callable:
    """Run `handler(step, **kwargs)` and store the request with its answer; a retry gets the stored answer.

    The step and the stored request commit together, in one transaction: the request is
    inserted last, and a conflict there means Twilio sent it before, so this run's writes
    are rolled back and the first answer is sent again (two copies racing wait on the call's
    row lock, so the second always sees the first). When the step fails, the request is
    still stored on its own and the caller hears the static fallback.
    """

    if handler is None:
        return lambda handler: flow_step(handler, first=first)

    @province_hook
    @wraps(handler)
    def view(request: HttpRequest, line: VoiceSettings, call_sid: str, *args, **kwargs) -> HttpResponse:
        params = request.POST.dict()
        key = step_key(request)
        try:
            with transaction.atomic():
                # The call's first request writes how it is answered with the row itself.
                flags = flow.call_flags(line, clock.now()) if first else {}
                call = _call_ensure(call_sid, params, **flags)
                step = flow.Step(request=request, line=line, call=call, params=params, number=_step_number(request))
                answer = str(handler(step, *args, **kwargs))
                if not _request_store(call_sid, key, params, answer):
                    raise _Retried
        except _Retried:
            stored = VoiceEvent.objects.filter(call_sid=call_sid, step=key).values_list("twiml", flat=True).first()
            return twiml(stored)
        except Exception:
            # The caller must hear something: the static answer needs no database.
            logger.exception("voice step %s failed; answering with the fallback", request.path)
            _request_keep(call_sid, key, params)
            return fallback_answer(request)
        return twiml(answer)

    return view


UNIQUE = ("call_sid", "step")


def _request_store(call_sid: str, key: str, params: dict[str, str], answer: str) -> bool:
    """Store the request with its answer; False when it was answered before."""
    if insert_new(VoiceEvent(call_sid=call_sid, step=key, params=params, twiml=answer), unique=UNIQUE):
        return True
    # Stored without an answer: that earlier attempt failed, so this one's answer is the one.
    return VoiceEvent.objects.filter(call_sid=call_sid, step=key, twiml="").update(twiml=answer) == 1


def _request_keep(call_sid: str, key: str, params: dict[str, str]) -> None:
    """Keep a request whose step failed (without an answer, so a retry runs the step again)."""
    try:
        insert_new(VoiceEvent(call_sid=call_sid, step=key, params=params), unique=UNIQUE)
    except Exception:  # the database itself may be what failed; the status callback will record the call
        logger.warning("voice request of a failed step not stored")


def _step_number(request: HttpRequest) -> int:
    try:
        return max(0, min(int(request.GET.get("s", "0")), 10_000))
    except ValueError:
        return 0


def _call_new(call_sid: str, params: dict[str, str], **flags: bool) -> Call:
    return Call(
        call_sid=call_sid,
        from_number=params.get("From", "")[:64],
        to_number=params.get("To", "")[:64],
        status=params.get("CallStatus", "")[:20],
        started_at=clock.now(),
        **flags,
    )


def _call_ensure(call_sid: str, params: dict[str, str], **flags: bool) -> Call:
    """The call's row, locked; created by the first request of the call (a single INSERT, no SELECT first)."""
    call = _call_new(call_sid, params, **flags)
    if insert_new(call, unique=("call_sid",)):
        return call
    return Call.objects.select_for_update().get(call_sid=call_sid)


def _query_int(request: HttpRequest, name: str) -> int | None:
    try:
        return int(request.GET[name])
    except (KeyError, ValueError):
        return None


@flow_step(first=True)
def incoming_stepped(step: flow.Step):
    return flow.incoming(step)


def _suspended_province() -> Province | None:
    """The province being served, if suspended. It comes from the cached host or number lookup,
    which a status change drops (tenants.lifecycle), so this costs no query."""
    province = connection.tenant
    return province if getattr(province, "status", None) == Province.Status.SUSPENDED else None


@flow_step(first=True)
def incoming_suspended(step: flow.Step):
    province = connection.tenant
    return flow.suspended(step, notice=province.suspension_notice, fallback_number=province.fallback_number)


@province_hook
def incoming(request: HttpRequest, line: VoiceSettings, call_sid: str) -> HttpResponse:
    """A new call: greeting and menu, with the call and the request stored by one statement.

    Every call starts here, so this is the hottest path of the line. The greeting and menu
    need nothing of the call's row, so the answer is built first and stored with both rows at
    once. A line with no menu yet sends the caller to the operators, which writes more: that
    goes the usual way.
    """
    if _suspended_province() is not None:
        # Recorded like any call (flow_step), then the notice and the fallback number.
        return incoming_suspended(request)
    now = clock.now()
    if flow.menu_of_the_hour(line, now) is None:
        return incoming_stepped(request)
    params = request.POST.dict()
    key = step_key(request)
    call = _call_new(call_sid, params, **flow.call_flags(line, now))
    step = flow.Step(request=request, line=line, call=call, params=params, number=_step_number(request))
    answer = str(flow.incoming(step))
    event = VoiceEvent(call_sid=call_sid, step=key, params=params, twiml=answer)
    _call_created, event_created = insert_new_together([(call, ("call_sid",)), (event, UNIQUE)])
    if event_created:
        return twiml(answer)
    # Twilio sent it before: the first answer stands (or, if that attempt failed, this one does).
    if VoiceEvent.objects.filter(call_sid=call_sid, step=key, twiml="").update(twiml=answer):
        return twiml(answer)
    return twiml(VoiceEvent.objects.filter(call_sid=call_sid, step=key).values_list("twiml", flat=True).first())


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
        province_suspended=_suspended_province() is not None,
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
    insert_new(
        VoiceEvent(call_sid=call_sid, step=f"status:{call_status}:{sequence}"[:200], params=params), unique=UNIQUE
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
