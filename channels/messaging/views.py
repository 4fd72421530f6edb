"""The webhook every chat provider shares: size limit, signature, parse, take each message in."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable

from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseForbidden, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from django_tenants.utils import get_public_schema_name

from channels.http import declared_length
from channels.messaging.services import BadPayload, Inbound, message_receive

logger = logging.getLogger(__name__)

# Providers send small JSON documents; anything larger is not theirs.
BODY_MAX = 256 * 1024


def provider_webhook(
    *,
    channel: str,
    verify: Callable[[HttpRequest, bytes], bool],
    parse: Callable[[dict], list[Inbound]],
    answer: Callable[[dict], HttpResponse] | None = None,
) -> Callable[[HttpRequest], HttpResponse]:
    """A POST webhook on the province's host: 413 when too large, 403 unsigned, 400 malformed, else 200.

    `answer(payload)` may reply instead of the plain 200 (Viber greets a new conversation that way).
    """

    @csrf_exempt
    def view(request: HttpRequest) -> HttpResponse:
        if connection.schema_name == get_public_schema_name():
            return HttpResponse(status=404)  # the province is its host: these providers carry no number
        if request.method != "POST":
            return HttpResponse(status=405, headers={"Allow": "POST"})
        if declared_length(request) > BODY_MAX:
            return HttpResponse(status=413)
        body = request.body
        if not verify(request, body):
            logger.warning("%s webhook with a missing or wrong signature refused", channel)
            return HttpResponseForbidden("Invalid signature")
        try:
            payload = json.loads(body)
            if not isinstance(payload, dict):
                raise BadPayload("not a JSON object")
            for inbound in parse(payload):
                message_receive(channel=channel, inbound=inbound, payload=payload)
        except (ValueError, KeyError, TypeError) as exc:
            return HttpResponseBadRequest(f"Malformed payload: {type(exc).__name__}")
        return answer(payload) if answer else JsonResponse({"status": "ok"})

    return view
