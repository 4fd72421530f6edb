"""Device tokens: issued once at registration, stored as their SHA-256, presented as `Authorization: Bearer`.

The token is looked up in the province schema of the request's host, so a token of one province
is unknown (401) on another province's host.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.utils.translation import gettext_lazy as _

from rest_framework import authentication, exceptions

from cases import clock
from channels.app.models import AppDevice

TOKEN_BYTES = 32
# A token is 43 URL-safe characters; anything much longer is not one of ours.
TOKEN_MAX = 100
SEEN_EVERY = timedelta(minutes=1)
KEYWORD = "Bearer"


def token_new() -> tuple[str, str]:
    """A fresh token and the hash stored for it."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    return token, token_hash(token)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class DeviceTokenAuthentication(authentication.BaseAuthentication):
    """`Authorization: Bearer <device token>`; a missing header is anonymous, a wrong one 401."""

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != KEYWORD.lower().encode():
            return None
        if len(header) != 2 or len(header[1]) > TOKEN_MAX:
            raise exceptions.AuthenticationFailed(_("The device token is malformed."))
        try:
            token = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("The device token is malformed.")) from None
        device = AppDevice.objects.filter(token_hash=token_hash(token), revoked_at__isnull=True).first()
        if device is None:
            raise exceptions.AuthenticationFailed(_("This device is not registered with this province's app."))
        _seen(device)
        return device, None

    def authenticate_header(self, request) -> str:
        # Makes DRF answer 401 (with this challenge) rather than 403 to a request without a token.
        return f'{KEYWORD} realm="api"'


def _seen(device: AppDevice) -> None:
    now = clock.now()
    if device.last_seen_at is None or device.last_seen_at < now - SEEN_EVERY:
        AppDevice.objects.filter(pk=device.pk).update(last_seen_at=now)
        device.last_seen_at = now
