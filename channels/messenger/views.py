"""The Messenger webhook of a province's Facebook page: Facebook's set-up check (GET) and its events (POST)."""

from __future__ import annotations

import hashlib
import hmac
import logging

from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.views.decorators.csrf import csrf_exempt

from django_tenants.utils import get_public_schema_name

from cases.models import Channel
from channels.messaging.models import MessengerSettings
from channels.messaging.services import BadPayload, Inbound, payload_objects, payload_string
from channels.messaging.views import provider_webhook

logger = logging.getLogger(__name__)

SIGNATURE_PREFIX = "sha256="
# Facebook's challenge is a short number; anything longer is not Facebook's.
CHALLENGE_MAX = 200


@csrf_exempt
def webhook(request: HttpRequest) -> HttpResponse:
    """One URL for both, as Facebook's app dashboard takes a single callback URL."""
    if request.method == "GET":
        return verification(request)
    if request.method == "POST":
        return events(request)
    return HttpResponse(status=405, headers={"Allow": "GET, POST"})


def verification(request: HttpRequest) -> HttpResponse:
    """Facebook checks the callback URL by sending the page's verify token; the challenge echoed proves it."""
    if connection.schema_name == get_public_schema_name():
        return HttpResponse(status=404)
    params = request.GET
    expected = MessengerSettings.load().verify_token
    token = params.get("hub.verify_token", "")
    challenge = params.get("hub.challenge", "")
    if (
        params.get("hub.mode") != "subscribe"
        or not expected
        or not hmac.compare_digest(token.encode(), expected.encode())
        or not challenge
        or len(challenge) > CHALLENGE_MAX
    ):
        logger.warning("Messenger webhook verification refused")
        return HttpResponseForbidden("Verification failed")
    return HttpResponse(challenge, content_type="text/plain; charset=utf-8")


def signature_valid(request: HttpRequest, body: bytes) -> bool:
    """X-Hub-Signature-256 is "sha256=" and the HMAC-SHA256 of the raw body, keyed with the app secret."""
    secret = MessengerSettings.load().app_secret
    header = request.headers.get("X-Hub-Signature-256", "")
    if not secret or not header.startswith(SIGNATURE_PREFIX):
        return False
    expected = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(header[len(SIGNATURE_PREFIX) :].strip().lower().encode(), expected.encode())


def messages_parse(payload: dict) -> list[Inbound]:
    """The people's messages in a batch; echoes of the page's own messages, receipts and reads are skipped."""
    if payload.get("object") != "page":
        raise BadPayload("not a page event")
    page_id = MessengerSettings.load().page_id
    found = []
    for entry in payload_objects(payload.get("entry"), "entry"):
        # One app may serve several pages: another page's messages are not this province's reports.
        if page_id and str(entry.get("id", "")) != page_id:
            logger.warning("Messenger event for another page than the province's skipped")
            continue
        for event in payload_objects(entry.get("messaging", []), "messaging"):
            if inbound := _message(event):
                found.append(inbound)
    return found


def _message(event: dict) -> Inbound | None:
    message = event.get("message")
    if message is None:
        return None  # a delivery receipt, a read, a postback or a reaction: nothing to report
    if not isinstance(message, dict):
        raise BadPayload("message is not an object")
    if message.get("is_echo"):
        return None  # the page's own message (our reply) coming back
    sender = event.get("sender")
    return Inbound(
        event_id=payload_string(message.get("mid"), "mid"),
        sender_id=payload_string(sender.get("id") if isinstance(sender, dict) else None, "sender id"),
        text=payload_string(message.get("text", ""), "text", required=False),
        media_urls=tuple(_attachment_urls(message.get("attachments", []))),
    )


def _attachment_urls(attachments) -> list[str]:
    urls = []
    for attachment in payload_objects(attachments, "attachments"):
        payload = attachment.get("payload")
        # A sticker (the thumbs-up too) says nothing to report; a fallback may have no payload at all.
        if not isinstance(payload, dict) or payload.get("sticker_id"):
            continue
        url = payload.get("url")
        if isinstance(url, str) and url.startswith(("https://", "http://")):
            urls.append(url)
    return urls


events = provider_webhook(channel=Channel.MESSENGER, verify=signature_valid, parse=messages_parse)
