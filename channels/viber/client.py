"""Viber's REST bot API: one call, a text message to a person subscribed to the bot."""

from __future__ import annotations

from django.conf import settings

import requests

from cases.outbox import DeliveryError
from channels.http import response_json

TIMEOUT = 10  # seconds; the outbox retries a slow Viber rather than holding a worker
# Viber refuses a longer text (status 3, badData).
TEXT_MAX = 7000
# The oldest Viber client that shows a plain text message; a higher value would skip older phones.
MIN_API_VERSION = 1
STATUS_OK = 0


def message_send(*, auth_token: str, bot_name: str, receiver_id: str, text: str) -> str:
    """Send `text` to a Viber user id; returns Viber's message token. Failures raise DeliveryError."""
    body = {
        "receiver": receiver_id,
        "min_api_version": MIN_API_VERSION,
        "sender": {"name": bot_name},
        "type": "text",
        "text": text,
    }
    headers = {"X-Viber-Auth-Token": auth_token}
    try:
        response = requests.post(_url("send_message"), json=body, headers=headers, timeout=TIMEOUT)
    except requests.RequestException as exc:
        raise DeliveryError(f"Viber is not reachable ({type(exc).__name__})") from exc
    data = response_json(response)
    # Viber answers HTTP 200 to a refusal too: the status in the body says whether it was sent.
    status = data.get("status")
    if not response.ok or status != STATUS_OK:
        # Codes only: Viber's status_message may quote the receiver.
        raise DeliveryError(f"Viber refused the message (HTTP {response.status_code}, status {status})")
    token = data.get("message_token")
    if isinstance(token, bool) or not isinstance(token, int | str) or token in ("", 0):
        raise DeliveryError(f"Viber answered HTTP {response.status_code} without a message token")
    return str(token)


def _url(method: str) -> str:
    return f"{settings.VIBER_API_URL.rstrip('/')}/{method}"
