"""Writes of the phone channel beyond a single step of the call flow: ending a call (and owing
the caller a callback), keeping a voicemail, an operator taking a queued call or calling back."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from twilio.base.exceptions import TwilioException

from cases import clock
from cases.callbacks import callback_record, callback_schedule
from cases.codes import phone_e164
from cases.models import Callback, Channel
from cases.services import ReporterInput, case_intake
from channels.twilio_api import TwilioNotConfigured, twilio_client
from channels.voice.models import Call, CallTransfer, OperatorLine, VoiceSettings

logger = logging.getLogger(__name__)

# Twilio's final call statuses; the status callback with one of them ends the call record.
FINAL_STATUSES = ("completed", "busy", "failed", "no-answer", "canceled")
# A message shorter than this is a caller who hung up at the beep.
VOICEMAIL_MIN_SECONDS = 3
# DialCallStatus of a callback's call to the citizen → how the attempt is recorded.
CALLBACK_OUTCOMES = {
    "completed": Callback.Outcome.REACHED,
    "answered": Callback.Outcome.REACHED,
    "busy": Callback.Outcome.BUSY,
}


def caller_e164(call: Call) -> str:
    """The caller's number, or "" when it is withheld or not a phone number (a SIP client)."""
    try:
        return phone_e164(call.from_number)
    except ValidationError:
        return ""


@transaction.atomic
def call_finish(*, call: Call, status: str, duration: int | None, sequence: int, now: datetime) -> Call:
    """The status callback: the call is over. One that reached no person becomes a callback."""
    call = Call.objects.select_for_update().get(pk=call.pk)
    if sequence <= call.status_sequence:
        return call  # a replay, or an older callback arriving late
    call.status_sequence = sequence
    call.status = status[:20]
    if status not in FINAL_STATUSES:
        call.save(update_fields=["status", "status_sequence", "updated_at"])
        return call
    call.ended_at = call.ended_at or now
    call.duration = duration
    if call.outcome == Call.Outcome.IN_PROGRESS:
        call.outcome = _unanswered_outcome(call)
    if call.queued_at and not call.queue_result:
        call.queue_result = "hangup"
        call.queue_wait = int((call.ended_at - call.queued_at).total_seconds())
    call.save()
    if call.direction == Call.Direction.INBOUND and call.outcome in Call.UNANSWERED:
        missed_call_callback(call)
    return call


# No call flow lasts this long without a person on the line; a call still "in progress" after it
# lost its status callback (not configured, or sent while this system was down).
STALE_AFTER = timedelta(hours=1)


def calls_stale_finish(*, now: datetime | None = None) -> int:
    """Finish the calls whose status callback never came, asking Twilio how they ended.

    Without this, a caller who hung up in the menu while the callback URL was unreachable
    would never be called back.
    """
    now = now or clock.now()
    stale = list(Call.objects.filter(outcome=Call.Outcome.IN_PROGRESS, started_at__lt=now - STALE_AFTER)[:200])
    if not stale:
        return 0
    line = VoiceSettings.load()
    finished = 0
    for call in stale:
        status, duration = _twilio_status(line, call)
        if status not in FINAL_STATUSES:
            continue  # Twilio says the call is still live
        call_finish(call=call, status=status, duration=duration, sequence=call.status_sequence + 1, now=now)
        finished += 1
    return finished


def _twilio_status(line: VoiceSettings, call: Call) -> tuple[str, int | None]:
    try:
        fetched = twilio_client(line.account_sid, line.auth_token).calls(call.call_sid).fetch()
    except (TwilioException, TwilioNotConfigured) as exc:
        # Unknown to Twilio (a test call) or no account: it is over all the same.
        logger.info("call %s not found at Twilio (%s); finishing it", call.pk, type(exc).__name__)
        return "completed", None
    duration = int(fetched.duration) if fetched.duration else None
    return fetched.status, duration


def _unanswered_outcome(call: Call) -> str:
    if call.recording_url:
        return Call.Outcome.VOICEMAIL
    unanswered_transfer = call.transfers.exclude(dial_status__in=CallTransfer.ANSWERED_STATUSES).exists()
    if unanswered_transfer or call.queue_result in ("leave", "error", "system-error"):
        return Call.Outcome.MISSED
    return Call.Outcome.ABANDONED


def missed_call_callback(call: Call) -> Callback | None:
    """Owe the caller a call: one pending callback per number, however many times they tried."""
    if call.callback_id is not None:
        return call.callback
    phone = caller_e164(call)
    if not phone:
        logger.info("call %s ended unanswered with no number to call back", call.pk)
        return None
    line = VoiceSettings.load()
    note = missed_call_note(call)
    pending = (
        Callback.objects.select_for_update()
        .filter(phone=phone, reason=Callback.Reason.MISSED_CALL, done_at__isnull=True)
        .order_by("due_at")
        .first()
    )
    if pending is not None:
        pending.note = f"{pending.note}\n{note}".strip()
        if call.case_id and not pending.case_id:
            pending.case_id = call.case_id
        pending.save(update_fields=["note", "case"])
        callback = pending
    else:
        callback = callback_schedule(
            actor=None,
            reason=Callback.Reason.MISSED_CALL,
            phone=phone,
            case=call.case,
            due_at=max(call.ended_at or clock.now(), clock.now()) + timedelta(minutes=line.callback_minutes),
            note=note,
        )
    call.callback = callback
    call.save(update_fields=["callback", "updated_at"])
    return callback


def missed_call_note(call: Call) -> str:
    started = timezone.localtime(call.started_at)
    parts = [_("Missed call at %(time)s") % {"time": f"{started:%H:%M %d/%m}"}]
    if call.option_id:
        parts.append(_("key %(key)s (%(label)s)") % {"key": call.ivr_key, "label": call.option.label})
    unanswered = [t for t in call.transfers.all() if not t.answered and t.agency_id]
    if unanswered:
        parts.append(_("%(agency)s did not answer") % {"agency": unanswered[0].agency.name})
    if call.recording_url:
        parts.append(_("left a voice message"))
    if call.simulated:
        parts.append(_("test call"))
    return ", ".join(parts) + "."


@transaction.atomic
def voicemail_keep(*, call: Call, url: str, sid: str, duration: int | None, now: datetime) -> Call:
    """Keep the message; a real one becomes a case at once, so its deadline starts now."""
    call = Call.objects.select_for_update().get(pk=call.pk)
    if call.recording_sid:
        return call
    call.recording_url, call.recording_sid, call.recording_duration = url[:500], sid[:64], duration
    if call.outcome == Call.Outcome.IN_PROGRESS:
        call.outcome = Call.Outcome.VOICEMAIL
    # A test call's message is no citizen's report: it gets its callback, never a case.
    if (duration or 0) >= VOICEMAIL_MIN_SECONDS and call.case_id is None and not call.simulated:
        phone = caller_e164(call)
        option = call.option
        label = f" — {_('key')} {call.ivr_key} ({option.label})" if option else ""
        result = case_intake(
            channel=Channel.VOICE,
            provider_id=call.call_sid,
            description=_("Voice message (%(seconds)s s)%(label)s: %(url)s")
            % {"seconds": duration, "label": label, "url": url},
            reporter=ReporterInput(phone=phone) if phone else None,
            category=option.category if option else None,
            received_at=call.started_at,
        )
        call.case = result.case
    call.save()
    # Owed now, not at the status callback: that one may never come.
    missed_call_callback(call)
    return call


def call_on_line(call_sid: str) -> Call | None:
    """The call an operator is typing a case for, if that is a call of this province."""
    if not call_sid:
        return None
    return Call.objects.select_related("option").filter(call_sid=call_sid[:64]).first()


def call_link_case(*, call_sid: str, case) -> None:
    """The operator typed in a case while on this call."""
    Call.objects.filter(call_sid=call_sid, case__isnull=True).update(case=case, updated_at=clock.now())


def calls_waiting():
    return Call.objects.filter(queued_at__isnull=False, queue_result="", ended_at__isnull=True).order_by("queued_at")


def _line_of(operator) -> OperatorLine:
    line = OperatorLine.objects.filter(user=operator).first()
    if line is None:
        raise ValidationError(_("You have no phone line yet; ask the province's admin to set one up."))
    return line


def _client(line: VoiceSettings):
    try:
        return twilio_client(line.account_sid, line.auth_token)
    except TwilioNotConfigured as exc:
        raise ValidationError(_("The province's Twilio account is not set up.")) from exc


@transaction.atomic
def call_take(*, call: Call, operator, connect_url: str) -> Call:
    """Take a waiting caller: Twilio moves the call from the queue to the operator's phone."""
    operator_line = _line_of(operator)
    call = Call.objects.select_for_update().get(pk=call.pk)
    if not call.is_waiting:
        raise ValidationError(_("This caller is no longer waiting."))
    try:
        _client(VoiceSettings.load()).calls(call.call_sid).update(url=connect_url, method="POST")
    except TwilioException as exc:
        logger.warning("taking call %s failed: %s", call.pk, type(exc).__name__)
        raise ValidationError(_("Twilio did not accept the transfer; the caller is still waiting.")) from exc
    call.operator = operator_line.user
    call.save(update_fields=["operator", "updated_at"])
    return call


@transaction.atomic
def callback_start(*, callback: Callback, operator, connect_url: str, status_url: str) -> Call:
    """Ring the operator's phone; once answered, Twilio dials the citizen (`flow.callback_connect`)."""
    operator_line = _line_of(operator)
    callback = Callback.objects.select_for_update().get(pk=callback.pk)
    if callback.done_at is not None:
        raise ValidationError(_("This callback is already done."))
    line = VoiceSettings.load()
    caller_id = line.caller_id or _first_hotline_number()
    try:
        created = _client(line).calls.create(
            to=operator_line.number,
            from_=caller_id,
            url=connect_url,
            method="POST",
            status_callback=status_url,
            status_callback_method="POST",
        )
    except TwilioException as exc:
        logger.warning("callback %s could not be started: %s", callback.pk, type(exc).__name__)
        raise ValidationError(_("Twilio did not place the call; try again in a moment.")) from exc
    return Call.objects.create(
        call_sid=created.sid,
        direction=Call.Direction.CALLBACK,
        from_number=caller_id,
        to_number=operator_line.number,
        status=created.status or "queued",
        callback=callback,
        operator=operator,
        started_at=clock.now(),
    )


def _first_hotline_number() -> str:
    from django.db import connection

    from tenants.models import PhoneNumber

    number = PhoneNumber.objects.filter(province_id=connection.tenant.pk).order_by("created_at").first()
    if number is None:
        raise ValidationError(_("The province has no hotline number to call from."))
    return number.number


def callback_result(*, call: Call, dial_status: str, now: datetime) -> None:
    """How the callback's call to the citizen went, recorded for the operator who made it."""
    if call.callback_id is None or call.operator_id is None or call.callback.done_at is not None:
        return
    outcome = CALLBACK_OUTCOMES.get(dial_status, Callback.Outcome.NO_ANSWER)
    if outcome == Callback.Outcome.REACHED:
        call.answered_at = call.answered_at or now
        call.outcome = Call.Outcome.OPERATOR
        call.save(update_fields=["answered_at", "outcome", "updated_at"])
    callback_record(
        callback=call.callback, actor=call.operator, outcome=outcome, note=_("Call placed from the console.")
    )
