"""The province's Firebase service account: its key, checked when the admin saves it, and the short-lived
OAuth access tokens FCM wants, minted from it with google-auth and kept in the cache until shortly
before they expire.

The key is a secret: no message, log line or cache key carries any of it (the cache key is a digest).
The cache is per province already (its keys start with the active schema), and the digest changes
with the key, so a replaced key never reuses the old key's token.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import re
from dataclasses import dataclass, field

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

import requests
from google.auth import exceptions as google_errors
from google.auth.transport.requests import Request
from google.oauth2 import service_account

from cases.outbox import DeliveryError

SCOPE = "https://www.googleapis.com/auth/firebase.messaging"
REQUIRED = ("project_id", "client_email", "private_key", "token_uri")
TIMEOUT = 10  # seconds, as for FCM itself: the outbox retries rather than holding a worker
# Google's tokens live an hour; dropping them five minutes early means none dies between cache and FCM.
EARLY = datetime.timedelta(minutes=5)
CACHE_PREFIX = "channel_app:fcm-token:"


@dataclass(frozen=True)
class ServiceAccount:
    """A parsed key; `repr` leaves the key out so that no traceback or log can show it."""

    raw: str = field(repr=False)
    info: dict = field(repr=False)

    @property
    def project_id(self) -> str:
        return self.info["project_id"]

    @property
    def cache_key(self) -> str:
        return CACHE_PREFIX + hashlib.sha256(self.raw.encode()).hexdigest()[:32]


def service_account_parse(raw: str) -> ServiceAccount:
    """The key pasted in the admin; raises ValidationError saying what is wrong, without quoting it."""
    try:
        info = json.loads(raw)
    except ValueError:
        raise ValidationError(
            _("This is not JSON: paste the whole content of the key file downloaded from Firebase."), code="json"
        ) from None
    if not isinstance(info, dict) or info.get("type") != "service_account":
        raise ValidationError(
            _(
                'This JSON is not a service account key (its "type" is not "service_account"). Firebase '
                "console → Project settings → Service accounts → Generate new private key gives one."
            ),
            code="type",
        )
    missing = [name for name in REQUIRED if not isinstance(info.get(name), str) or not info[name].strip()]
    if missing:
        raise ValidationError(
            _("The service account key lacks: %(fields)s. Download a new key from Firebase."),
            code="missing",
            params={"fields": ", ".join(missing)},
        )
    if not re.match(r"^https?://", info["token_uri"]):
        raise ValidationError(_('The key\'s "token_uri" is not a web address.'), code="token_uri")
    try:
        service_account.Credentials.from_service_account_info(info)
    except (ValueError, TypeError, IndexError):
        raise ValidationError(
            _('The key\'s "private_key" cannot be read: the file was changed or cut. Download a new key.'),
            code="private_key",
        ) from None
    return ServiceAccount(raw=raw, info=info)


def service_account_validate(raw: str) -> None:
    """The model field's validator (the admin form runs it on a newly typed key)."""
    service_account_parse(raw)


def access_token(account: ServiceAccount) -> str:
    """A valid access token for FCM: the cached one, or one minted now (DeliveryError if it cannot be)."""
    token = cache.get(account.cache_key)
    if token:
        return token
    token, expiry = _mint(account)
    ttl = (expiry - _utcnow() - EARLY).total_seconds() if expiry else 0
    if ttl > 0:
        cache.set(account.cache_key, token, timeout=int(ttl))
    return token


def access_token_forget(account: ServiceAccount) -> None:
    """Drop the cached token, which FCM refused (revoked, or the clock of one side is off)."""
    cache.delete(account.cache_key)


class _Request(Request):
    # google-auth waits two minutes by default; a worker should not.
    def __call__(self, url, method="GET", body=None, headers=None, timeout=None, **kwargs):
        return super().__call__(url, method=method, body=body, headers=headers, timeout=TIMEOUT, **kwargs)


def _mint(account: ServiceAccount) -> tuple[str, datetime.datetime | None]:
    try:
        credentials = service_account.Credentials.from_service_account_info(account.info, scopes=[SCOPE])
    except (ValueError, TypeError, KeyError, IndexError):
        raise DeliveryError("the Firebase service account key cannot be read") from None
    with requests.Session() as session:
        try:
            credentials.refresh(_Request(session))
        except google_errors.RefreshError as exc:
            raise DeliveryError(f"the token endpoint refused the service account key ({_error_code(exc)})") from None
        except google_errors.TransportError as exc:
            raise DeliveryError(f"the token endpoint is not reachable ({_cause(exc)})") from None
        except google_errors.GoogleAuthError as exc:
            raise DeliveryError(f"no access token could be minted ({type(exc).__name__})") from None
    if not credentials.token:
        raise DeliveryError("the token endpoint answered without an access token")
    return credentials.token, credentials.expiry


def _error_code(exc: google_errors.RefreshError) -> str:
    # The OAuth error word only ("invalid_grant"): the rest is the endpoint's prose.
    data = exc.args[1] if len(exc.args) > 1 else None
    code = data.get("error") if isinstance(data, dict) else None
    return code if isinstance(code, str) and re.fullmatch(r"[a-z_]{1,40}", code) else "-"


def _cause(exc: Exception) -> str:
    cause = exc.__cause__ or exc.__context__
    return type(cause or exc).__name__


def _utcnow() -> datetime.datetime:
    # google-auth gives expiry as a naive UTC time.
    return datetime.datetime.now(datetime.UTC).replace(tzinfo=None)
