"""Firebase Cloud Messaging, HTTP v1 API: one call, a notification to one app installation, authorised
with an access token of the province's service account (`channels.app.firebase`)."""

from __future__ import annotations

from urllib.parse import quote

from django.conf import settings

import requests

from cases.outbox import DeliveryError
from channels.app.firebase import ServiceAccount, access_token, access_token_forget
from channels.http import response_json

TIMEOUT = 10  # seconds; the outbox retries a slow FCM rather than holding a worker
# A notification shows a line or two; the whole reply is read in the app.
BODY_MAX = 500


class TokenGone(DeliveryError):
    """FCM says the registration token is no longer valid (the app was uninstalled or the token rotated)."""


def push_send(*, account: ServiceAccount, push_token: str, title: str, body: str, data: dict) -> str:
    """Send one notification as the province's service account; returns FCM's message name ("projects/…/…")."""
    message = {
        "message": {
            "token": push_token,
            "notification": {"title": title, "body": _cut(body)},
            # FCM carries data values as strings only.
            "data": {key: str(value) for key, value in data.items()},
            "android": {"priority": "high"},
        }
    }
    response = _post(account, message, access_token(account))
    if response.status_code == 401:
        # The cached token was revoked or expired early: mint a new one, once; a second 401 is the outbox's to retry.
        access_token_forget(account)
        response = _post(account, message, access_token(account))
    data = response_json(response)
    if not response.ok:
        # FCM's status word only: its message may quote the token.
        error = data.get("error")
        status = error.get("status") if isinstance(error, dict) else None
        status = status if isinstance(status, str) and status.isupper() else "-"
        refused = TokenGone if response.status_code == 404 or status == "UNREGISTERED" else DeliveryError
        raise refused(f"FCM refused the notification (HTTP {response.status_code}, {status})")
    name = data.get("name")
    if not isinstance(name, str) or not name:
        raise DeliveryError(f"FCM answered HTTP {response.status_code} without a message name")
    return name


def _post(account: ServiceAccount, message: dict, token: str) -> requests.Response:
    try:
        return requests.post(
            _url(account.project_id),
            json=message,
            headers={"Authorization": f"Bearer {token}"},
            timeout=TIMEOUT,
            allow_redirects=False,
        )
    except requests.RequestException as exc:
        raise DeliveryError(f"FCM is not reachable ({type(exc).__name__})") from exc


def _url(project_id: str) -> str:
    return f"{settings.FCM_API_URL.rstrip('/')}/v1/projects/{quote(project_id, safe='')}/messages:send"


def _cut(text: str) -> str:
    return text if len(text) <= BODY_MAX else text[: BODY_MAX - 1] + "…"
