"""What the chat channels' demos share: deliver a signed provider event to the active province's own
webhook, in-process, through the whole middleware stack, exactly as the provider would."""

from __future__ import annotations

import hashlib
import json

from django.db import connection
from django.test import Client

from channels.messaging.models import InboundEvent


def demo_id(*parts: str) -> str:
    """An id that is the same on every run of the demo in this province, so a re-run adds nothing."""
    return hashlib.sha256(":".join([connection.schema_name, *parts]).encode()).hexdigest()


def event_stored(channel: str, event_id: str) -> bool:
    return InboundEvent.objects.filter(channel=channel, event_id=event_id).exists()


def webhook_deliver(path: str, payload: dict, *, headers_for) -> int:
    """POST the payload as JSON to the province's webhook; `headers_for(body)` signs the exact bytes.

    Returns the HTTP status; anything but 200 is a fault of the demo the caller reports.
    """
    body = json.dumps(payload, ensure_ascii=False).encode()
    host = connection.tenant.primary_host
    response = Client(HTTP_HOST=host, raise_request_exception=True).post(
        path, body, content_type="application/json", headers=headers_for(body)
    )
    return response.status_code
