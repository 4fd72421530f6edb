"""The call flow: what the caller hears at each step, and what each step records.

Each function takes the step's `Step` (the call, its request parameters, the province's line)
and returns TwiML. Every URL in the TwiML carries the next step number (`s`), so a request
Twilio retries is recognised (`channels.voice.views`) and answered the same, without acting twice.

A transfer never ends a call: an agency that does not answer is followed by its backup
numbers, then the operators' queue, then voicemail; a call that ends without a person
becomes a callback (`channels.voice.services.call_finish`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlencode

from django.db import connection
from django.http import HttpRequest
from django.urls import reverse
from django.utils import translation

from twilio.twiml.voice_response import Dial, Enqueue, Gather, VoiceResponse

from cases import clock
from cases.codes import tracking_code_clean
from cases.deadlines import calendar_spec
from cases.models import Case
from cases.sla import is_open
from channels.voice.models import Call, CallTransfer, IvrMenu, IvrOption, OperatorLine, VoiceSettings
from channels.voice.services import callback_result, voicemail_keep

LANGUAGE = "vi-VN"
# A recording shorter than this is a caller who hung up at the beep, not a message.
VOICEMAIL_MAX_SECONDS = 180
STATUS_CODE_DIGITS = 9
# Rings for an operator who took a call from the queue before the caller goes back to the queue.
OPERATOR_RING_SECONDS = 20
QUEUE_HOLD_SECONDS = 15
Action = IvrOption.Action


@dataclass
class Step:
    request: HttpRequest
    line: VoiceSettings
    call: Call
    params: dict[str, str]
    # This request's step number; URLs in the answer carry the next one.
    number: int

    @property
    def now(self) -> datetime:
        return clock.now()

    def url(self, name: str, *args, **query) -> str:
        query = {"s": self.number + 1, **query}
        return f"{reverse(f'voice:{name}', args=args)}?{urlencode(query)}"

    def absolute(self, path: str) -> str:
        return self.request.build_absolute_uri(path)


# --- Speaking -----------------------------------------------------------------------------------


def say(step: Step, target, text: str, recording=None) -> None:
    """Read `text` in Vietnamese, or play the uploaded recording instead."""
    if recording is not None:
        target.play(step.absolute(recording.url))
    elif text.strip():
        target.say(text.strip(), language=LANGUAGE, voice=step.line.voice)


def queue_name() -> str:
    # Queues belong to the Twilio account, which provinces may share: the schema keeps them apart.
    return f"{connection.schema_name}-operators"


# --- Entering the call ----------------------------------------------------------------------------


def incoming(step: Step) -> VoiceResponse:
    """Greeting, the surge announcement when on, then the menu of the hour."""
    response = VoiceResponse()
    line = step.line
    say(step, response, line.greeting, line.greeting_recording)
    if line.surge_enabled:
        say(step, response, line.surge_text, line.surge_recording)
    menu = menu_of_the_hour(line, step.now)
    if menu is None:
        # A province that has not built its menu yet still answers: straight to the operators.
        return operators(step, response)
    return menu_prompt(step, response, menu, attempt=1)


def call_flags(line: VoiceSettings, now: datetime) -> dict[str, bool]:
    """What the call record notes of how it was answered: after hours, with the surge announcement."""
    menu = menu_of_the_hour(line, now)
    night = menu is not None and menu == line.night_menu and menu != line.day_menu
    return {"surge": line.surge_enabled, "night": night}


def menu_of_the_hour(line: VoiceSettings, now: datetime) -> IvrMenu | None:
    if line.night_menu_id and line.calendar_id and not is_open(calendar_spec(line.calendar), now):
        return line.night_menu
    return line.day_menu or line.night_menu


def menu_prompt(step: Step, response: VoiceResponse, menu: IvrMenu, *, attempt: int) -> VoiceResponse:
    gather = Gather(
        input="dtmf",
        num_digits=1,
        # No finishing key: "#" and "*" are menu keys like any other.
        finish_on_key="",
        timeout=menu.timeout,
        action=step.url("menu", menu.pk, attempt=attempt),
        action_on_empty_result=True,
        language=LANGUAGE,
    )
    say(step, gather, menu.prompt, menu.prompt_recording)
    response.append(gather)
    return response


# --- A key pressed ---------------------------------------------------------------------------------


def menu_choice(step: Step, menu: IvrMenu, attempt: int) -> VoiceResponse:
    response = VoiceResponse()
    key = (step.params.get("Digits") or "")[:1]
    option = menu.options.filter(key=key).select_related("submenu", "agency", "recording").first() if key else None
    if option is None:
        if attempt >= menu.attempts:
            say(step, response, "Xin chuyển quý vị tới điện thoại viên.")
            return operators(step, response)
        say(step, response, "Phím quý vị bấm không có trong danh sách." if key else "")
        return menu_prompt(step, response, menu, attempt=attempt + 1)
    _key_record(step.call, option)
    say(step, response, option.text, option.recording)
    handler = OPTION_HANDLERS[option.action]
    return handler(step, response, option)


def _key_record(call: Call, option: IvrOption) -> None:
    call.digits = (call.digits + option.key)[:100]
    if not call.ivr_key:
        # The first key decides which line of the per-key report the call counts in.
        call.ivr_key, call.option = option.key, option
    call.save(update_fields=["digits", "ivr_key", "option", "updated_at"])


def _submenu(step: Step, response: VoiceResponse, option: IvrOption) -> VoiceResponse:
    if option.submenu is None:
        return operators(step, response)
    return menu_prompt(step, response, option.submenu, attempt=1)


def _repeat(step: Step, response: VoiceResponse, option: IvrOption) -> VoiceResponse:
    return menu_prompt(step, response, option.menu, attempt=1)


def _announcement(step: Step, response: VoiceResponse, option: IvrOption) -> VoiceResponse:
    """The announcement has been read (option.text); the caller has had an answer, then hears the menu again."""
    _self_served(step.call)
    return menu_prompt(step, response, option.menu, attempt=1)


def _self_served(call: Call) -> None:
    if call.outcome == Call.Outcome.IN_PROGRESS:
        call.outcome = Call.Outcome.SELF_SERVICE
        call.save(update_fields=["outcome", "updated_at"])


def _voicemail(step: Step, response: VoiceResponse, option: IvrOption) -> VoiceResponse:
    return voicemail(step, response, prompt=not option.text.strip())


def _status(step: Step, response: VoiceResponse, option: IvrOption) -> VoiceResponse:
    gather = Gather(
        input="dtmf",
        num_digits=STATUS_CODE_DIGITS,
        finish_on_key="#",
        timeout=10,
        action=step.url("status_lookup", menu=option.menu_id),
        action_on_empty_result=True,
    )
    say(step, gather, "Xin nhập mã số phản ánh gồm 9 chữ số, rồi bấm phím thăng.")
    response.append(gather)
    return response


def _emergency(step: Step, response: VoiceResponse, option: IvrOption) -> VoiceResponse:
    say(step, response, "Đang chuyển cuộc gọi tới cấp cứu.")
    return dial(step, response, kind=CallTransfer.Kind.EMERGENCY, number=step.line.emergency_number, option=option)


def _operator(step: Step, response: VoiceResponse, option: IvrOption) -> VoiceResponse:
    return operators(step, response)


def _transfer(step: Step, response: VoiceResponse, option: IvrOption) -> VoiceResponse:
    numbers = agency_numbers(option)
    if not numbers:
        return after_agency(step, response, option)
    return dial(step, response, kind=CallTransfer.Kind.AGENCY, number=numbers[0], option=option, position=0)


OPTION_HANDLERS = {
    Action.SUBMENU: _submenu,
    Action.TRANSFER: _transfer,
    Action.OPERATOR: _operator,
    Action.ANNOUNCEMENT: _announcement,
    Action.VOICEMAIL: _voicemail,
    Action.STATUS: _status,
    Action.EMERGENCY: _emergency,
    Action.REPEAT: _repeat,
}


def agency_numbers(option: IvrOption) -> list[str]:
    if option.agency is None or not option.agency.is_active:
        return []
    return list(option.agency.phones.order_by("order", "pk").values_list("number", flat=True))


# --- A suspended province ------------------------------------------------------------------------------

SUSPENDED_NOTICE = "Tổng đài 1022 tạm ngừng hoạt động. Xin quý vị thông cảm."
SUSPENDED_RING_SECONDS = 30


def suspended(step: Step, *, notice: str, fallback_number: str) -> VoiceResponse:
    """The province is suspended (tenants.lifecycle): its notice, then its fallback number; no menu, no queue."""
    response = VoiceResponse()
    say(step, response, notice or SUSPENDED_NOTICE)
    if not fallback_number:
        response.hangup()
        return response
    say(step, response, "Xin chuyển quý vị tới số trực.")
    # The duty officer at the fallback number stands in for the operators, and is counted as one.
    return dial(step, response, kind=CallTransfer.Kind.OPERATOR, number=fallback_number, timeout=SUSPENDED_RING_SECONDS)


def suspended_dial_missed(step: Step) -> VoiceResponse:
    """Nobody answered the fallback number. The status callback makes the call a callback, owed on resumption."""
    response = VoiceResponse()
    say(step, response, "Số trực chưa nghe máy. Tổng đài sẽ gọi lại cho quý vị. Xin cảm ơn.")
    response.hangup()
    return response


# --- Transfers --------------------------------------------------------------------------------------


def dial(
    step: Step,
    response: VoiceResponse,
    *,
    kind: str,
    number: str,
    option: IvrOption | None = None,
    position: int = 0,
    timeout: int | None = None,
    operator: OperatorLine | None = None,
) -> VoiceResponse:
    """Ring one number; the result comes back to `dial_result` with this transfer's leg."""
    call = step.call
    leg = call.transfers.count()
    CallTransfer.objects.get_or_create(
        call=call,
        leg=leg,
        defaults={
            "kind": kind,
            "agency": option.agency if option and kind == CallTransfer.Kind.AGENCY else None,
            "ivr_key": option.key if option else "",
            "number": number,
            "started_at": step.now,
        },
    )
    query = {"position": position}
    if option is not None:
        query["option"] = option.pk
    if operator is not None:
        query["operator"] = operator.user_id
    target = Dial(
        action=step.url("dial_result", leg, **query),
        timeout=timeout or step.line.dial_timeout,
        caller_id=call.from_number if kind != CallTransfer.Kind.EMERGENCY else None,
    )
    if number.startswith("sip:"):
        target.sip(number)
    else:
        target.number(number)
    response.append(target)
    return response


def dial_result(
    step: Step,
    leg: int,
    *,
    option: IvrOption | None,
    position: int,
    operator_id: int | None,
    province_suspended: bool = False,
):
    """A `<Dial>` ended: done if someone answered, otherwise the next link of the chain.

    While the province is suspended nobody works its queue: an unanswered transfer ends the call.
    """
    call = step.call
    transfer = CallTransfer.objects.filter(call=call, leg=leg).first()
    status = step.params.get("DialCallStatus", "")
    if transfer is not None and not transfer.dial_status:
        transfer.dial_status = status[:12]
        transfer.dial_call_sid = step.params.get("DialCallSid", "")[:64]
        transfer.dial_duration = int_or_none(step.params.get("DialCallDuration"))
        transfer.ended_at = step.now
        transfer.save()
    response = VoiceResponse()
    if status in CallTransfer.ANSWERED_STATUSES:
        _answered(call, transfer, step)
        response.hangup()
        return response
    if province_suspended:
        return suspended_dial_missed(step)
    kind = transfer.kind if transfer else ""
    if kind == CallTransfer.Kind.OPERATOR:
        # The operator who took the call did not pick up: back to the queue, at the front of one's mind.
        return enqueue(step, response, again=True)
    if kind == CallTransfer.Kind.EMERGENCY:
        say(step, response, "Chưa kết nối được cấp cứu. Xin chuyển quý vị tới điện thoại viên.")
        return operators(step, response)
    if option is not None and option.action == Action.TRANSFER:
        numbers = agency_numbers(option)
        if position + 1 < len(numbers):
            return dial(
                step,
                response,
                kind=CallTransfer.Kind.AGENCY,
                number=numbers[position + 1],
                option=option,
                position=position + 1,
            )
        return after_agency(step, response, option)
    return operators(step, response)


def _answered(call: Call, transfer: CallTransfer | None, step: Step) -> None:
    talk = transfer.dial_duration or 0 if transfer else 0
    call.answered_at = call.answered_at or step.now - timedelta(seconds=talk)
    if transfer is not None and transfer.kind == CallTransfer.Kind.OPERATOR:
        call.outcome = Call.Outcome.OPERATOR
    elif transfer is not None and transfer.kind == CallTransfer.Kind.EMERGENCY:
        call.outcome = Call.Outcome.EMERGENCY
    else:
        call.outcome = Call.Outcome.AGENCY
    call.save(update_fields=["answered_at", "outcome", "updated_at"])


def after_agency(step: Step, response: VoiceResponse, option: IvrOption) -> VoiceResponse:
    """Every number of the agency rang out: the operators if the key allows, else voicemail."""
    if option.fallback_to_operators:
        say(step, response, "Cơ quan chuyên môn chưa nghe máy. Xin chuyển quý vị tới điện thoại viên.")
        return operators(step, response)
    return voicemail(step, response)


# --- The operators' queue -----------------------------------------------------------------------------


def operators(step: Step, response: VoiceResponse) -> VoiceResponse:
    return enqueue(step, response)


def enqueue(step: Step, response: VoiceResponse, *, again: bool = False) -> VoiceResponse:
    call = step.call
    if call.queued_at is None or again:
        call.queued_at = call.queued_at or step.now
        call.queue_result = ""
        call.save(update_fields=["queued_at", "queue_result", "updated_at"])
    response.append(
        Enqueue(
            queue_name(), wait_url=reverse("voice:queue_wait"), wait_url_method="POST", action=step.url("queue_done")
        )
    )
    return response


def queue_wait(step: Step) -> VoiceResponse:
    """Played in a loop while the caller waits; past the longest wait the caller leaves for voicemail."""
    response = VoiceResponse()
    waited = int_or_none(step.params.get("QueueTime")) or 0
    if waited >= step.line.queue_max_wait:
        response.leave()
        return response
    say(step, response, "Tất cả điện thoại viên đang bận. Xin quý vị vui lòng giữ máy.")
    response.pause(length=QUEUE_HOLD_SECONDS)
    return response


def queue_done(step: Step) -> VoiceResponse:
    """The caller left the queue: bridged to an operator, hung up, or sent on (past the longest wait)."""
    call = step.call
    result = step.params.get("QueueResult", "")
    response = VoiceResponse()
    if not call.queue_result:
        call.queue_result = result[:20]
        call.queue_wait = int_or_none(step.params.get("QueueTime"))
        if result == "bridged":
            call.answered_at = call.answered_at or step.now
            call.outcome = Call.Outcome.OPERATOR
        call.save()
    if result in ("bridged", "hangup", "redirected"):
        return response
    return voicemail(step, response)


def operator_connect(step: Step, operator: OperatorLine) -> VoiceResponse:
    """An operator took the call from the queue (`services.call_take`): ring the operator's phone."""
    call = step.call
    if not call.queue_result and call.queued_at:
        call.queue_result = "redirected"
        call.queue_wait = int((step.now - call.queued_at).total_seconds())
    call.operator = operator.user
    call.save()
    response = VoiceResponse()
    say(step, response, "Xin nối máy tới điện thoại viên.")
    return dial(
        step,
        response,
        kind=CallTransfer.Kind.OPERATOR,
        number=operator.number,
        timeout=OPERATOR_RING_SECONDS,
        operator=operator,
    )


# --- Callbacks from the console -----------------------------------------------------------------------


def callback_connect(step: Step) -> VoiceResponse:
    """The operator answered their phone (`services.callback_start`): now ring the citizen."""
    response = VoiceResponse()
    callback = step.call.callback
    if callback is None or callback.done_at is not None:
        say(step, response, "Cuộc gọi lại này đã hoàn tất.")
        response.hangup()
        return response
    say(step, response, "Đang gọi lại cho người dân, xin giữ máy.")
    target = Dial(action=step.url("callback_done"), timeout=30, caller_id=step.call.from_number)
    target.number(callback.phone)
    response.append(target)
    return response


def callback_done(step: Step) -> VoiceResponse:
    callback_result(call=step.call, dial_status=step.params.get("DialCallStatus", ""), now=step.now)
    response = VoiceResponse()
    response.hangup()
    return response


# --- Voicemail and status lookup --------------------------------------------------------------------


def voicemail(step: Step, response: VoiceResponse, *, prompt: bool = True) -> VoiceResponse:
    if prompt:
        say(step, response, step.line.voicemail_prompt)
    response.record(
        action=step.url("recording"),
        max_length=VOICEMAIL_MAX_SECONDS,
        finish_on_key="#",
        play_beep=True,
        timeout=5,
    )
    # Silence at the beep: the call still ends politely, and the status callback makes it a callback.
    say(step, response, "Tổng đài sẽ gọi lại cho quý vị. Xin cảm ơn.")
    response.hangup()
    return response


def recording(step: Step) -> VoiceResponse:
    voicemail_keep(
        call=step.call,
        url=step.params.get("RecordingUrl", ""),
        sid=step.params.get("RecordingSid", ""),
        duration=int_or_none(step.params.get("RecordingDuration")),
        now=step.now,
    )
    response = VoiceResponse()
    say(step, response, "Tổng đài đã nhận lời nhắn và sẽ gọi lại cho quý vị sớm nhất. Xin cảm ơn.")
    response.hangup()
    return response


def status_lookup(step: Step, menu: IvrMenu | None) -> VoiceResponse:
    """Read the state of a report to whoever has its tracking code: public information only."""
    response = VoiceResponse()
    digits = (step.params.get("Digits") or "").strip("#*")
    code = tracking_code_clean(digits)
    case = Case.objects.with_code(code).first() if code else None
    if case is None:
        say(step, response, "Không tìm thấy phản ánh với mã số này.")
    else:
        with translation.override("vi"):
            spoken = " ".join(case.tracking_code)
            say(step, response, f"Phản ánh mã số {spoken} đang ở trạng thái: {case.get_status_display()}.")
        _self_served(step.call)
    if menu is not None:
        return menu_prompt(step, response, menu, attempt=1)
    response.hangup()
    return response


def int_or_none(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
