"""What keeps bots and guessers off the public form and status page, without any outside service.

- The form carries its submission id signed with the time it was shown: a post without it, with a
  forged one, faster than a person can type, or too old is refused.
- A honeypot field people never see and bots fill in.
- Counters per client address in the Django cache (whose keys carry the province's schema, so
  each province counts its own); the address itself is never stored, only a keyed hash of it.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import time
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.http import HttpRequest

_SALT = "channels.web.form"
HONEYPOT_FIELD = "website"


class TokenRefused(Exception):
    """The form's token is missing, forged, too fresh or too old."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason  # "missing", "too_fast", "stale"


@dataclass(frozen=True)
class FormToken:
    submission_id: uuid.UUID
    rendered_at: float


def token_new(*, submission_id: uuid.UUID | None = None, rendered_at: float | None = None) -> str:
    """A fresh submission id, signed with the time the form is shown."""
    data = {"id": str(submission_id or uuid.uuid4()), "at": rendered_at if rendered_at is not None else time.time()}
    return signing.dumps(data, salt=_SALT, compress=False)


def token_read(raw: str) -> FormToken:
    """The token's content if its signature holds (whatever its age); TokenRefused otherwise."""
    try:
        data = signing.loads(raw or "", salt=_SALT)
        return FormToken(submission_id=uuid.UUID(data["id"]), rendered_at=float(data["at"]))
    except (signing.BadSignature, KeyError, TypeError, ValueError) as exc:
        raise TokenRefused("missing") from exc


def token_check_age(token: FormToken, *, now: float | None = None) -> None:
    """TokenRefused("too_fast") sooner than WEB_FORM_MIN_SECONDS after the form was shown, "stale" after the maximum."""
    age = (now if now is not None else time.time()) - token.rendered_at
    if age < settings.WEB_FORM_MIN_SECONDS:
        raise TokenRefused("too_fast")
    if token_is_stale(token, now=now):
        raise TokenRefused("stale")


def token_is_stale(token: FormToken, *, now: float | None = None) -> bool:
    return (now if now is not None else time.time()) - token.rendered_at > settings.WEB_FORM_MAX_AGE_SECONDS


def client_key(request: HttpRequest) -> str:
    """The client's address as a keyed hash: the raw address is personal data and never stored."""
    address = client_address(request)
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        network = address or "unknown"
    else:
        # One IPv6 subscriber holds a whole /64 and may pick any address in it.
        network = str(ipaddress.ip_network(f"{ip}/64", strict=False)) if ip.version == 6 else str(ip)
    return hmac.new(settings.SECRET_KEY.encode(), network.encode(), hashlib.sha256).hexdigest()[:32]


def client_address(request: HttpRequest) -> str:
    """REMOTE_ADDR, or with WEB_PROXIES proxies in front, the address the outermost of them saw.

    Counted from the right of X-Forwarded-For, as Django REST framework's NUM_PROXIES does: the
    entries left of those the province's own proxies added are whatever the client chose to send.
    """
    proxies = settings.WEB_PROXIES
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if proxies and forwarded:
        return forwarded[-min(proxies, len(forwarded))]
    return request.META.get("REMOTE_ADDR", "")


def limit_reached(scope: str, key: str, limits) -> bool:
    """Whether `key` has used up any of its (count, seconds) windows for `scope`."""
    return any((cache.get(_counter(scope, key, seconds)) or 0) >= count for count, seconds in limits)


def limit_count(scope: str, key: str, limits) -> None:
    """Count one more use of every window (each counter expires with its window)."""
    for _count, seconds in limits:
        counter = _counter(scope, key, seconds)
        if not cache.add(counter, 1, timeout=seconds):
            try:
                cache.incr(counter)
            except ValueError:  # expired between the two calls
                cache.add(counter, 1, timeout=seconds)


def _counter(scope: str, key: str, seconds: int) -> str:
    window = int(time.time() // seconds)
    return f"web:{scope}:{seconds}:{window}:{key}"
