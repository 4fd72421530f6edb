"""The Zalo webhook of a province's Official Account: the people's text and image messages.

Zalo sends every event of the app to one URL (set in the app's dashboard on developers.zalo.me);
there is no set-up handshake, the domain is verified by Zalo separately.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging

from django.http import HttpRequest

from cases.models import Channel
from channels.messaging.models import ZaloSettings
from channels.messaging.services import BadPayload, Inbound, payload_object, payload_objects, payload_string
from channels.messaging.views import provider_webhook

logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-ZEvent-Signature"
SIGNATURE_PREFIX = "mac="
TEXT_EVENT = "user_send_text"
IMAGE_EVENT = "user_send_image"
# Follows, reads, stickers, the OA's own messages (oa_send_*) and the rest are acknowledged and left out.
TAKEN_IN = (TEXT_EVENT, IMAGE_EVENT)


def signature_valid(request: HttpRequest, body: bytes) -> bool:
    """X-ZEvent-Signature is the SHA-256 hex of app_id + raw body + timestamp + OA secret key.

    app_id and timestamp are read from the body, and the app must be the province's. A body that is
    not a JSON object has neither: it is checked with both empty, so only the key's holder gets the 400.
    """
    account = ZaloSettings.load()
    signature = _signature(request)
    if not account.secret_key or not account.app_id or not signature:
        return False
    app_id, timestamp, parsed = _signed_fields(body)
    if parsed and app_id != account.app_id:
        return False
    expected = hashlib.sha256(app_id.encode() + body + timestamp.encode() + account.secret_key.encode()).hexdigest()
    return hmac.compare_digest(signature.encode(), expected.encode())


def _signature(request: HttpRequest) -> str:
    header = request.headers.get(SIGNATURE_HEADER, "").strip()
    if header[: len(SIGNATURE_PREFIX)].lower() == SIGNATURE_PREFIX:
        header = header[len(SIGNATURE_PREFIX) :].strip()
    return header.lower() if header.isascii() else ""


def _signed_fields(body: bytes) -> tuple[str, str, bool]:
    """(app_id, timestamp, whether the body is a JSON object)."""
    try:
        payload = json.loads(body)
    except (ValueError, RecursionError):
        return "", "", False
    if not isinstance(payload, dict):
        return "", "", False
    return _id_text(payload.get("app_id")), _id_text(payload.get("timestamp")), True


def _id_text(value) -> str:
    # Zalo writes ids and timestamps as strings; a number is the same value written differently.
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value if isinstance(value, str) else ""


def messages_parse(payload: dict) -> list[Inbound]:
    """The person's message in one event; any other event is nothing to take in."""
    event_name = payload.get("event_name")
    if not isinstance(event_name, str) or not event_name:
        raise BadPayload("event_name is missing")
    if event_name not in TAKEN_IN:
        return []
    if not _for_the_provinces_oa(payload):
        # One app may serve several OAs: another OA's messages are not this province's reports.
        logger.warning("Zalo event for another OA than the province's skipped")
        return []
    message, sender = payload_object(payload.get("message"), "message"), payload_object(payload.get("sender"), "sender")
    return [
        Inbound(
            event_id=payload_string(message.get("msg_id"), "msg_id"),
            sender_id=payload_string(sender.get("id"), "sender id"),
            text=payload_string(message.get("text", ""), "text", required=False),
            media_urls=tuple(_image_urls(message.get("attachments")) if event_name == IMAGE_EVENT else ()),
        )
    ]


def _for_the_provinces_oa(payload: dict) -> bool:
    oa_id = ZaloSettings.load().oa_id
    recipient = payload_object(payload.get("recipient"), "recipient")
    return not oa_id or _id_text(recipient.get("id")) == oa_id


def _image_urls(attachments) -> list[str]:
    urls = []
    for attachment in payload_objects(attachments, "attachments"):
        payload = attachment.get("payload")
        url = payload.get("url") if isinstance(payload, dict) else None
        if isinstance(url, str) and url.startswith(("https://", "http://")):
            urls.append(url)
    return urls


webhook = provider_webhook(channel=Channel.ZALO, verify=signature_valid, parse=messages_parse)
