"""Twilio SMS webhooks, on the national host (province from the number) and on each province's host."""

from __future__ import annotations

import re

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest

from twilio.twiml.messaging_response import MessagingResponse

from channels.hooks import twilio_webhook
from channels.sms.services import MEDIA_MAX, sms_receive, sms_status_record

_MEDIA_PARAM = re.compile(r"MediaUrl(\d{1,2})")


@twilio_webhook(sid_param="MessageSid", number_param="To")
def incoming(request: HttpRequest, message_sid: str) -> HttpResponse:
    """A citizen's message. The answer is empty: the acknowledgement with the tracking code goes through the outbox."""
    params = request.POST
    if not params.get("From"):
        return HttpResponseBadRequest("From is missing")
    sms_receive(
        message_sid=message_sid,
        from_number=params["From"],
        to_number=params.get("To", ""),
        body=params.get("Body", ""),
        media_urls=media_urls(params),
    )
    return HttpResponse(str(MessagingResponse()), content_type="text/xml; charset=utf-8")


def media_urls(params) -> list[str]:
    """MediaUrl0…MediaUrlN in order (NumMedia is not trusted to match them)."""
    found = sorted((int(match[1]), value) for key, value in params.items() if (match := _MEDIA_PARAM.fullmatch(key)))
    return [url for _index, url in found if url][:MEDIA_MAX]


# Outgoing messages: the callback Twilio calls as the message is queued, sent, delivered or not.
@twilio_webhook(sid_param="MessageSid", number_param="From")
def status(request: HttpRequest, message_sid: str) -> HttpResponse:
    """A delivery receipt; a late or replayed one changes nothing, and an unknown message is answered alike."""
    params = request.POST
    if not params.get("MessageStatus"):
        return HttpResponseBadRequest("MessageStatus is missing")
    sms_status_record(
        message_sid=message_sid,
        status=params["MessageStatus"],
        error_code=params.get("ErrorCode", ""),
        from_number=params.get("From", ""),
        to_number=params.get("To", ""),
    )
    return HttpResponse(status=204)
