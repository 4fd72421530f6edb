"""Facebook's Send API: one call, a text message to a person who wrote to the page."""

from __future__ import annotations

from urllib.parse import quote

from django.conf import settings

import requests

from cases.outbox import DeliveryError
from channels.http import response_json

TIMEOUT = 10  # seconds; the outbox retries a slow Facebook rather than holding a worker
# Facebook cuts nothing: a longer text is refused (error 100).
TEXT_MAX = 2000
# "(#10) This message is sent outside of allowed window": the person last wrote over 24 hours ago.
OUTSIDE_WINDOW_SUBCODE = 2018278
# The tag for a reply written by a person, allowed up to 7 days after the person's last message.
HUMAN_AGENT = "HUMAN_AGENT"


class OutsideWindow(DeliveryError):
    """Facebook refused a plain reply: the person's last message is older than the 24-hour window."""


def message_send(*, access_token: str, page_id: str, recipient_id: str, text: str, tag: str = "") -> str:
    """Send `text` to a page-scoped id; returns Facebook's message id. Failures raise DeliveryError."""
    body = {
        "recipient": {"id": recipient_id},
        "messaging_type": "MESSAGE_TAG" if tag else "RESPONSE",
        "message": {"text": text},
    }
    if tag:
        body["tag"] = tag
    # The token goes in a header, not the query: requests quotes the URL in its errors, and proxies log it.
    headers = {"Authorization": f"Bearer {access_token}"}
    try:
        response = requests.post(_messages_url(page_id), json=body, headers=headers, timeout=TIMEOUT)
    except requests.RequestException as exc:
        raise DeliveryError(f"Facebook is not reachable ({type(exc).__name__})") from exc
    data = response_json(response)
    error = data.get("error")
    if not response.ok or error:
        raise _refusal(response.status_code, error if isinstance(error, dict) else {})
    message_id = data.get("message_id")
    if not isinstance(message_id, str) or not message_id:
        raise DeliveryError(f"Facebook answered HTTP {response.status_code} without a message id")
    return message_id


def _messages_url(page_id: str) -> str:
    return f"{settings.FACEBOOK_GRAPH_URL.rstrip('/')}/{quote(page_id or 'me', safe='')}/messages"


def _refusal(status: int, error: dict) -> DeliveryError:
    # Codes only: Facebook's message text may name the person or quote the page.
    code, subcode = error.get("code", "-"), error.get("error_subcode", "-")
    kind = OutsideWindow if subcode == OUTSIDE_WINDOW_SUBCODE else DeliveryError
    return kind(f"Facebook refused the message (HTTP {status}, error {code}, subcode {subcode})")
