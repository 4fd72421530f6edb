"""The partner's status update URL: an operator's reply, POSTed as JSON signed with the partner's key.

X-Open311-Signature is "sha256=" + the hex HMAC-SHA256 of the exact body, keyed with the SHA-256
hex digest of the partner's API key (what the province stores; the partner computes it from the
key it holds). X-Open311-Delivery names the message: a retried delivery carries the same one.
"""

from __future__ import annotations

import hashlib
import hmac
import json

import requests

from cases.outbox import DeliveryError

TIMEOUT = 10  # seconds; the outbox retries a slow partner rather than holding a worker
SIGNATURE_HEADER = "X-Open311-Signature"
DELIVERY_HEADER = "X-Open311-Delivery"
USER_AGENT = "TongDai1022-Open311/1.0"


def signature(signing_key: bytes, body: bytes) -> str:
    return "sha256=" + hmac.new(signing_key, body, hashlib.sha256).hexdigest()


def notify_post(*, url: str, signing_key: bytes, delivery_id: str, payload: dict) -> None:
    """Deliver one status update; any answer but 2xx, or no answer, raises DeliveryError."""
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": USER_AGENT,
        SIGNATURE_HEADER: signature(signing_key, body),
        DELIVERY_HEADER: delivery_id,
    }
    try:
        response = requests.post(url, data=body, headers=headers, timeout=TIMEOUT, allow_redirects=False)
    except requests.RequestException as exc:
        raise DeliveryError(f"the partner's status update URL is not reachable ({type(exc).__name__})") from exc
    if not 200 <= response.status_code < 300:
        raise DeliveryError(f"the partner's status update URL answered HTTP {response.status_code}")
