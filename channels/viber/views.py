"""The webhook of a province's Viber bot: Viber's set-up check, people's messages, and the greeting."""

from __future__ import annotations

import hashlib
import hmac
import logging

from django.http import HttpRequest, HttpResponse, JsonResponse

from cases.models import Channel
from channels.messaging.models import ViberSettings
from channels.messaging.services import BadPayload, Inbound, payload_object, payload_string
from channels.messaging.views import provider_webhook

logger = logging.getLogger(__name__)

# Callbacks that carry nothing to report: set-up check, (un)subscriptions, receipts of our messages.
IGNORED_EVENTS = frozenset({"webhook", "subscribed", "unsubscribed", "delivered", "seen", "failed"})
# Message types whose "media" is something the person sent (a picture, a clip, a document); a sticker,
# a location or a contact card says nothing the operator can read and is only stored.
MEDIA_TYPES = frozenset({"picture", "video", "file"})
TEXT_TYPES = MEDIA_TYPES | {"text"}


def signature_valid(request: HttpRequest, body: bytes) -> bool:
    """X-Viber-Content-Signature is the hex HMAC-SHA256 of the raw body, keyed with the bot's auth token."""
    token = ViberSettings.load().auth_token
    header = request.headers.get("X-Viber-Content-Signature", "")
    if not token or not header:
        return False
    expected = hmac.new(token.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(header.strip().lower().encode(), expected.encode())


def messages_parse(payload: dict) -> list[Inbound]:
    """The person's message of a "message" callback; every other callback carries none."""
    event = payload.get("event")
    if not isinstance(event, str) or not event:
        raise BadPayload("a callback without its event")
    if event != "message":
        if event not in IGNORED_EVENTS and event != "conversation_started":
            # A newer Viber may add events: refusing them would only make Viber retry.
            logger.info("Viber callback %r ignored", event[:40])
        return []
    message, sender = payload_object(payload.get("message"), "message"), payload_object(payload.get("sender"), "sender")
    kind = payload_string(message.get("type"), "message type")
    media = payload_string(message.get("media", ""), "media", required=False) if kind in MEDIA_TYPES else ""
    return [
        Inbound(
            event_id=payload_string(payload.get("message_token"), "message_token"),
            sender_id=payload_string(sender.get("id"), "sender id"),
            sender_name=payload_string(sender.get("name", ""), "sender name", required=False),
            text=payload_string(message.get("text", ""), "text", required=False) if kind in TEXT_TYPES else "",
            media_urls=(media,) if media.startswith(("https://", "http://")) else (),
        )
    ]


def greeting_answer(payload: dict) -> HttpResponse:
    """A new conversation is greeted in the answer itself: Viber shows it before the person subscribes."""
    if payload.get("event") == "conversation_started":
        bot = ViberSettings.load()
        if bot.greeting.strip():
            return JsonResponse({"sender": {"name": bot.bot_name}, "type": "text", "text": bot.greeting})
    return JsonResponse({"status": "ok"})


webhook = provider_webhook(channel=Channel.VIBER, verify=signature_valid, parse=messages_parse, answer=greeting_answer)
