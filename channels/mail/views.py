"""The inbound-mail webhook of a province: its mail server posts each mail here, raw and signed.

Anything that can run a command or a script on arrival can deliver: Postfix (a pipe to curl),
Exim, a Cloudflare Email Worker, a hosted provider's "forward to URL". The body is the RFC 822
message exactly as received (Content-Type: message/rfc822), and `X-1022-Signature: sha256=<hex>`
is the HMAC-SHA256 of those bytes with the province's webhook secret.
"""

from __future__ import annotations

import hashlib
import hmac
import logging

from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseForbidden, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from django_tenants.utils import get_public_schema_name

from channels.http import declared_length
from channels.mail.models import InboundMail, MailSettings
from channels.mail.parsing import mail_readable
from channels.mail.services import mail_store, mail_take_in

logger = logging.getLogger(__name__)

# Mail with a few phone photos; larger is refused (413) rather than held in memory. Read with
# `request.read`, so Django's DATA_UPLOAD_MAX_MEMORY_SIZE (for forms) does not apply.
BODY_MAX = 10 * 1024 * 1024
SIGNATURE_HEADER = "X-1022-Signature"
SIGNATURE_PREFIX = "sha256="


def signature(secret: str, body: bytes) -> str:
    return SIGNATURE_PREFIX + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def signature_valid(request: HttpRequest, body: bytes) -> bool:
    secret = MailSettings.load().webhook_secret
    given = request.headers.get(SIGNATURE_HEADER, "").strip().lower()
    if not secret or not given.isascii():
        return False
    return hmac.compare_digest(given.encode(), signature(secret, body).encode())


@csrf_exempt
def inbound(request: HttpRequest) -> HttpResponse:
    """413 when too large, 403 unsigned, 400 not a mail, else 200 (a repeat changes nothing)."""
    if connection.schema_name == get_public_schema_name():
        return HttpResponse(status=404)  # the province is its host
    if request.method != "POST":
        return HttpResponse(status=405, headers={"Allow": "POST"})
    if declared_length(request) > BODY_MAX:
        return HttpResponse(status=413)
    body = request.read(BODY_MAX + 1)
    if len(body) > BODY_MAX:
        return HttpResponse(status=413)
    if not signature_valid(request, body):
        logger.warning("mail webhook with a missing or wrong signature refused")
        return HttpResponseForbidden("Invalid signature")
    if not mail_readable(body):
        return HttpResponseBadRequest("Not an RFC 822 message with a sender")
    mail = mail_store(raw=body, source=InboundMail.Source.WEBHOOK)
    if mail.status == InboundMail.Status.RECEIVED:
        try:
            mail = mail_take_in(mail.pk)
        except Exception as exc:
            # Stored, so not lost: the per-minute task takes it in again (channels.mail.tasks).
            logger.warning("mail %s stored, not yet taken in (%s)", mail.pk, type(exc).__name__)
    return JsonResponse({"status": "ok", "stored": mail.status})
