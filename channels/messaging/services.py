"""What every chat channel does with a message: store it, then open a case or add it to the
sender's open case on that channel; and whom a reply goes to.

Providers (`channels/zalo`, `channels/messenger`, `channels/viber`) only verify, parse and send;
the rest is here, so every channel threads and deduplicates the same way.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction

from cases.models import OPEN_STATES, Case, CaseStatus, OutboxMessage, ReporterIdentity
from cases.outbox import DeliveryError
from cases.services import DESCRIPTION_MAX, ReporterInput, case_follow_up, case_info_received, case_intake
from cases.sql import insert_new
from channels.messaging.models import InboundEvent
from channels.sms.services import inbound_text

logger = logging.getLogger(__name__)

ID_MAX = 200
MEDIA_MAX = 10


@dataclass(frozen=True)
class Inbound:
    """One message as a provider's payload gives it."""

    event_id: str
    sender_id: str
    text: str = ""
    sender_name: str = ""
    media_urls: tuple[str, ...] = field(default=())


class BadPayload(ValueError):
    """The body is not what the provider sends: answered 400, never 500."""


def payload_object(value, name: str) -> dict:
    if not isinstance(value, dict):
        raise BadPayload(f"{name} is not an object")
    return value


def payload_objects(value, name: str) -> list[dict]:
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise BadPayload(f"{name} is not a list of objects")
    return value


def payload_string(value, name: str, *, required: bool = True) -> str:
    """A string field; a number is taken as its decimal text (providers' ids and Viber's 64-bit tokens)."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or (required and not value):
        raise BadPayload(f"{name} is missing or not a string")
    return value


def message_receive(*, channel: str, inbound: Inbound, payload: dict) -> InboundEvent:
    """Take in one message. Idempotent on the provider's event id: a retried delivery changes nothing."""
    if not inbound.event_id or not inbound.sender_id:
        raise BadPayload("a message without its id or its sender")
    event = InboundEvent(
        channel=channel, event_id=inbound.event_id[:ID_MAX], sender_id=inbound.sender_id[:ID_MAX], payload=payload
    )
    # Stored on its own first: a failure taking it in loses nothing, and the retry finishes the job.
    if not insert_new(event, unique=("channel", "event_id")):
        event = InboundEvent.objects.get(channel=channel, event_id=event.event_id)
    if event.case_id is None:
        _take_in(event, inbound)
    return event


def _take_in(event: InboundEvent, inbound: Inbound) -> None:
    text = inbound_text(inbound.text, list(inbound.media_urls[:MEDIA_MAX]))
    if not text:
        return  # a sticker or an empty message reports nothing; it stays stored
    try:
        with transaction.atomic():
            locked = InboundEvent.objects.select_for_update().get(pk=event.pk)
            if locked.case_id is None:
                locked.case = _case_for(locked, inbound, text)
                locked.save(update_fields=["case"])
            event.case = locked.case
    except ValidationError as exc:
        # Field names only: the messages may quote the text.
        logger.warning(
            "%s message %s not taken in: %s", event.channel, event.pk, sorted(getattr(exc, "error_dict", {}))
        )


def _case_for(event: InboundEvent, inbound: Inbound, text: str) -> Case:
    """The sender's open case on this channel, moved on by the message; else a new case."""
    case = (
        Case.objects.select_for_update(of=("self",))
        .filter(
            channel=event.channel,
            reporter__identities__channel=event.channel,
            reporter__identities__external_id=event.sender_id,
            status__in=OPEN_STATES,
        )
        .order_by("-received_at", "-pk")
        .first()
    )
    if case is None:
        return case_intake(
            channel=event.channel,
            provider_id=f"{event.channel}:{event.event_id}",
            reporter=ReporterInput(name=inbound.sender_name[:150], channel_id=event.sender_id),
            description=text[:DESCRIPTION_MAX],
        ).case
    if case.status == CaseStatus.WAITING_REPORTER:
        return case_info_received(case=case, text=text)
    case_follow_up(case=case, text=text, channel=event.channel, provider_id=f"{event.channel}:{event.event_id}")
    return case


def recipient_on_channel(message: OutboxMessage) -> str:
    """Whom a reply goes to: the message's own address, else the reporter's id on the message's channel."""
    if message.recipient:
        return message.recipient
    reporter_id = message.case.reporter_id if message.case_id else None
    identity = (
        ReporterIdentity.objects.filter(reporter_id=reporter_id, channel=message.channel).order_by("-pk").first()
        if reporter_id
        else None
    )
    if identity is None:
        raise DeliveryError(f"the reporter has no {message.channel} id to reply to")
    return identity.external_id
