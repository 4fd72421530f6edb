"""SMS in: store the message, then open a case or add it to the sender's open one. Delivery receipts.

Every inbound message is stored on its own before any case logic runs, so a failure there
loses nothing and Twilio's retry (same MessageSid) finishes the job without doing it twice.
"""

from __future__ import annotations

import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import ngettext

from cases.codes import phone_e164
from cases.models import OPEN_STATES, Case, CaseStatus, Channel
from cases.outbox import message_language
from cases.services import DESCRIPTION_MAX, ReporterInput, case_follow_up, case_info_received, case_intake
from channels.sms.models import SmsMessage

logger = logging.getLogger(__name__)

# Twilio attaches at most 10 pictures to one message.
MEDIA_MAX = 10
URL_MAX = 1000
# Twilio's statuses of an outgoing message, in the order they happen: a callback may only move forward.
STATUS_ORDER = {
    "accepted": 0,
    "scheduled": 0,
    "queued": 1,
    "sending": 2,
    "sent": 3,
    "delivered": 4,
    "undelivered": 4,
    "failed": 4,
    "canceled": 4,
    "read": 5,
}
RECEIVED = "received"


def sms_receive(*, message_sid: str, from_number: str, to_number: str, body: str, media_urls: list[str]) -> SmsMessage:
    """Take in one inbound message. Idempotent on `message_sid`: a retried webhook changes nothing."""
    message = _inbound_store(
        message_sid=message_sid, from_number=from_number, to_number=to_number, body=body, media_urls=media_urls
    )
    if message.case_id is None:
        _inbound_take_in(message)
    return message


@transaction.atomic
def _inbound_store(*, message_sid, from_number, to_number, body, media_urls) -> SmsMessage:
    message, _created = SmsMessage.objects.get_or_create(
        message_sid=message_sid,
        defaults={
            "direction": SmsMessage.Direction.INBOUND,
            "from_number": from_number[:64],
            "to_number": to_number[:64],
            "body": body,
            "media_urls": [url[:URL_MAX] for url in media_urls[:MEDIA_MAX]],
            "status": RECEIVED,
        },
    )
    return message


def _inbound_take_in(message: SmsMessage) -> None:
    text = inbound_text(message.body, message.media_urls)
    if not text:
        return  # an empty message reports nothing and adds nothing; it stays stored
    phone = _phone_or_blank(message.from_number)
    try:
        with transaction.atomic():
            # Locked so that two deliveries of the same message at once take it in once.
            locked = SmsMessage.objects.select_for_update().get(pk=message.pk)
            if locked.case_id is None:
                locked.case = _inbound_case(locked, phone=phone, text=text)
                locked.save(update_fields=["case", "updated_at"])
            message.case = locked.case
    except ValidationError as exc:
        # Error fields only: the messages may quote the text or the number.
        logger.warning("inbound SMS %s not taken in: %s", message.pk, sorted(getattr(exc, "error_dict", {})))


def _inbound_case(message: SmsMessage, *, phone: str, text: str) -> Case:
    """The sender's open SMS case, moved on by the message; else a new case."""
    case = _open_sms_case(phone) if phone else None
    if case is None:
        return case_intake(
            channel=Channel.SMS,
            provider_id=message.message_sid,
            reporter=ReporterInput(phone=phone) if phone else None,
            description=text[:DESCRIPTION_MAX],
        ).case
    if case.status == CaseStatus.WAITING_REPORTER:
        return case_info_received(case=case, text=text)
    case_follow_up(case=case, text=text, channel=Channel.SMS, provider_id=message.message_sid)
    return case


def _open_sms_case(phone: str) -> Case | None:
    # Locked until the message is added, so the case cannot be closed under it.
    return (
        Case.objects.select_for_update(of=("self",))
        .filter(channel=Channel.SMS, reporter__phone=phone, status__in=OPEN_STATES)
        .order_by("-received_at", "-pk")
        .first()
    )


def _phone_or_blank(raw: str) -> str:
    # A short code or an alphanumeric sender cannot be answered: the report is taken in anonymously.
    try:
        return phone_e164(raw)
    except ValidationError:
        return ""


def inbound_text(body: str, media_urls: list[str]) -> str:
    """What the case records of a message: its text, then the links of its pictures."""
    body = (body or "").strip()
    if not media_urls:
        return body
    with message_language():
        pictures = ngettext(
            "The reporter sent a picture: %(links)s",
            "The reporter sent %(count)d pictures: %(links)s",
            len(media_urls),
        ) % {"count": len(media_urls), "links": "\n".join(media_urls)}
    return f"{body}\n\n{pictures}" if body else pictures


def status_is_later(current: str, new: str) -> bool:
    """Whether `new` comes after `current` in a message's life (an unknown status never does)."""
    if new not in STATUS_ORDER:
        return False
    return STATUS_ORDER[new] > STATUS_ORDER.get(current, -1)


@transaction.atomic
def sms_status_record(
    *, message_sid: str, status: str, error_code: str = "", from_number: str = "", to_number: str = ""
) -> bool:
    """A delivery receipt. Returns whether it changed anything: a late or replayed receipt does not.

    A receipt may come before the sender has stored the message it sent; the row is created
    here then, and the sender completes it.
    """
    status = status.strip().lower()
    if status not in STATUS_ORDER:
        return False
    message, created = SmsMessage.objects.select_for_update().get_or_create(
        message_sid=message_sid,
        defaults={
            "direction": SmsMessage.Direction.OUTBOUND,
            "from_number": from_number[:64],
            "to_number": to_number[:64],
            "status": status,
            "error_code": error_code[:10],
        },
    )
    if created:
        return True
    if message.direction != SmsMessage.Direction.OUTBOUND or not status_is_later(message.status, status):
        return False
    message.status = status
    message.error_code = error_code[:10]
    message.save(update_fields=["status", "error_code", "updated_at"])
    return True
