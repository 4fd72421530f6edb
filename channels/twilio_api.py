"""The one client for Twilio: REST calls out, signature checks in.

Every REST call goes through `twilio_client`, whose HTTP client sends Twilio's URLs to
`settings.TWILIO_API_URL` (Twilio itself in production, a local fake server in tests), so
the real `twilio` library code runs everywhere.
"""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.db import connection
from django.http import HttpRequest

from twilio.http.http_client import TwilioHttpClient
from twilio.request_validator import RequestValidator
from twilio.rest import Client

SIGNATURE_HEADER = "HTTP_X_TWILIO_SIGNATURE"
# Twilio waits 15 s at most for a webhook; a REST call made while a caller waits must be quicker.
REST_TIMEOUT_SECONDS = 10


class TwilioNotConfigured(Exception):
    """The province has not entered its Twilio account yet."""


class BaseUrlHttpClient(TwilioHttpClient):
    """Sends every request to `base_url` instead of Twilio's own hosts, keeping path and query."""

    def __init__(self, base_url: str, **kwargs):
        super().__init__(timeout=REST_TIMEOUT_SECONDS, **kwargs)
        self.base = urlsplit(base_url)

    def request(self, method, url, *args, **kwargs):
        parts = urlsplit(url)
        if parts.hostname and parts.hostname.endswith(".twilio.com"):
            prefix = self.base.path.rstrip("/")
            url = urlunsplit((self.base.scheme, self.base.netloc, prefix + parts.path, parts.query, ""))
        return super().request(method, url, *args, **kwargs)


def twilio_client(account_sid: str, auth_token: str) -> Client:
    if not (account_sid and auth_token):
        raise TwilioNotConfigured("the Twilio account SID and auth token are not set")
    return Client(account_sid, auth_token, http_client=BaseUrlHttpClient(settings.TWILIO_API_URL))


def public_url(request: HttpRequest) -> str:
    """The URL Twilio requested, as Twilio saw it.

    Behind a TLS-terminating proxy, Django rebuilds the original scheme and host from
    X-Forwarded-Proto / X-Forwarded-Host (SECURE_PROXY_SSL_HEADER, USE_X_FORWARDED_HOST).
    """
    return request.build_absolute_uri()


def province_url(path: str) -> str:
    """An absolute URL on the current province's own host, for Twilio to call back (status callbacks).

    Twilio signs its callbacks with the URL it was given, so it must be the public one:
    scheme and port come from settings (PUBLIC_SCHEME, PUBLIC_PORT) since no request is at hand.
    """
    tenant = getattr(connection, "tenant", None)
    # Without a domain of its own the province is still reached on the national host, by its number.
    host = getattr(tenant, "primary_host", None) or settings.BASE_DOMAIN
    port = f":{settings.PUBLIC_PORT}" if settings.PUBLIC_PORT else ""
    return f"{settings.PUBLIC_SCHEME}://{host}{port}{path}"


def signature_valid(request: HttpRequest, auth_token: str) -> bool:
    signature = request.META.get(SIGNATURE_HEADER, "")
    if not (auth_token and signature):
        return False
    return RequestValidator(auth_token).validate(public_url(request), request.POST.dict(), signature)


def signature_for(url: str, params: dict[str, str], auth_token: str) -> str:
    """What Twilio would put in X-Twilio-Signature (for the simulator and the tests)."""
    return RequestValidator(auth_token).compute_signature(url, params)
