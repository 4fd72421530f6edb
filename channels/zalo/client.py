"""Zalo's OA message API: one call, a text reply to a person who wrote to the Official Account."""

from __future__ import annotations

from django.conf import settings

import requests

from cases.outbox import DeliveryError
from channels.http import response_json

TIMEOUT = 10  # seconds; the outbox retries a slow Zalo rather than holding a worker
# Zalo refuses a longer text rather than cutting it.
TEXT_MAX = 2000
MESSAGE_PATH = "/v3.0/oa/message/cs"


def message_send(*, access_token: str, user_id: str, text: str) -> str:
    """Send `text` to a Zalo user id as a customer-service reply; returns Zalo's message id.

    Zalo answers HTTP 200 for most refusals and tells them by a non-zero "error"; both ways raise DeliveryError.
    """
    body = {"recipient": {"user_id": user_id}, "message": {"text": text}}
    try:
        response = requests.post(
            _url(), json=body, headers={"access_token": access_token}, timeout=TIMEOUT, allow_redirects=False
        )
    except requests.RequestException as exc:
        raise DeliveryError(f"Zalo is not reachable ({type(exc).__name__})") from exc
    data = response_json(response)
    error = data.get("error")
    if not response.ok or error != 0:
        # The code only, and only a number: Zalo's message text may quote the request.
        code = error if isinstance(error, int) and error else "-"
        raise DeliveryError(f"Zalo refused the message (HTTP {response.status_code}, error {code})")
    sent = data.get("data")
    message_id = sent.get("message_id") if isinstance(sent, dict) else None
    if not isinstance(message_id, str) or not message_id:
        raise DeliveryError(f"Zalo answered HTTP {response.status_code} without a message id")
    return message_id


def _url() -> str:
    return f"{settings.ZALO_API_URL.rstrip('/')}{MESSAGE_PATH}"
