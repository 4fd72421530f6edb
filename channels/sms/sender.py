"""The outbox's SMS sender: replies to reporters who wrote by SMS, and to callers (a phone call is
answered in writing on the number that called).

Imported at start-up (`channels.apps`), which registers it with the outbox.
"""

from __future__ import annotations

import logging

from django.db import connection, transaction
from django.urls import reverse

from twilio.base.exceptions import TwilioException, TwilioRestException

from cases.models import Channel, OutboxMessage
from cases.outbox import DeliveryError, sender
from channels.sms.models import SmsMessage
from channels.sms.services import status_is_later
from channels.twilio_api import TwilioNotConfigured, province_url, twilio_client
from channels.voice.models import VoiceSettings
from tenants.models import PhoneNumber

logger = logging.getLogger(__name__)

# Twilio refuses a longer body (error 21617); a long reply is cut rather than never sent.
BODY_MAX = 1600


@sender(Channel.SMS)
@sender(Channel.VOICE)
def sms_send(message: OutboxMessage) -> str:
    """Send one outbox message by SMS; returns Twilio's message SID. A failure raises DeliveryError (retried)."""
    to = _recipient(message)
    line = VoiceSettings.load()
    from_ = line.caller_id or _first_hotline_number()
    body = message.body if len(message.body) <= BODY_MAX else message.body[: BODY_MAX - 1] + "…"
    try:
        sent = twilio_client(line.account_sid, line.auth_token).messages.create(
            to=to, from_=from_, body=body, status_callback=province_url(reverse("sms:status"))
        )
    except TwilioRestException as exc:
        # Twilio's text may quote the number: the code says enough and carries no personal data.
        raise DeliveryError(f"Twilio refused the message (HTTP {exc.status}, error {exc.code})") from exc
    except (TwilioException, TwilioNotConfigured) as exc:
        raise DeliveryError(f"Twilio is not reachable or not set up ({type(exc).__name__})") from exc
    except OSError as exc:  # the network (requests' errors are OSErrors)
        raise DeliveryError(f"Twilio is not reachable ({type(exc).__name__})") from exc
    _outbound_record(message, sid=sent.sid, status=sent.status or "queued", to=to, from_=from_, body=body)
    return sent.sid


def _recipient(message: OutboxMessage) -> str:
    reporter = message.case.reporter if message.case else None
    to = message.recipient or (reporter.phone if reporter else "")
    if not to:
        raise DeliveryError("no phone number to deliver to")
    return to


def _first_hotline_number() -> str:
    number = PhoneNumber.objects.filter(province_id=connection.tenant.pk).order_by("created_at").first()
    if number is None:
        raise DeliveryError("the province has no number to send from")
    return number.number


@transaction.atomic
def _outbound_record(message: OutboxMessage, *, sid: str, status: str, to: str, from_: str, body: str) -> None:
    # A message sent again (a worker died before marking it sent) keeps only its latest SMS.
    SmsMessage.objects.filter(outbox_message=message).exclude(message_sid=sid).update(outbox_message=None)
    sms, created = SmsMessage.objects.select_for_update().get_or_create(
        message_sid=sid,
        defaults={
            "direction": SmsMessage.Direction.OUTBOUND,
            "from_number": from_,
            "to_number": to,
            "body": body,
            "status": status,
            "case": message.case,
            "outbox_message": message,
        },
    )
    if created:
        return
    # Twilio's receipt came first and stored the row: complete it, keeping the later status.
    sms.from_number, sms.to_number, sms.body = from_, to, body
    sms.case, sms.outbox_message = message.case, message
    if status_is_later(sms.status, status):
        sms.status = status
    sms.save()
