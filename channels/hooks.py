"""What every Twilio webhook does first: find the province, then prove the request is Twilio's.

The province is the host's (a province's own domain) or, on the national host, the one that
owns a number of the request. The signature is checked with that province's auth token: the
Twilio account is per province, so one account can never write into another province's schema.
"""

from __future__ import annotations

import contextlib
import logging
import re
from collections.abc import Callable
from functools import wraps

from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseForbidden
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from django_tenants.utils import get_public_schema_name, tenant_context

from channels.twilio_api import signature_valid
from channels.voice.line import line_current
from tenants.models import Province
from tenants.routing import province_for_number

logger = logging.getLogger(__name__)

# Twilio SIDs are two letters and 32 hex digits; anything odd is refused before it reaches a column.
SID_PATTERN = re.compile(r"[A-Za-z0-9]{1,64}")


NumberParam = str | Callable[[HttpRequest], str]


def webhook_province(request: HttpRequest, number_param: NumberParam) -> Province | None:
    """The host's province; on the national host, the province that owns the number in `number_param`
    (a parameter name, or a function of the request that names it)."""
    if connection.schema_name != get_public_schema_name():
        return connection.tenant
    name = number_param(request) if callable(number_param) else number_param
    number = request.POST.get(name, "")
    return province_for_number(number) if number else None


def twilio_webhook(*, sid_param: str, number_param: NumberParam) -> Callable:
    """Run `view(request, sid)` in the province's schema once the request is proven to come from its account.

    Unknown province → 404, missing or wrong signature → 403, missing or malformed SID → 400.
    """

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @csrf_exempt
        @require_POST
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            province = webhook_province(request, number_param)
            if province is None:
                return HttpResponse(status=404)
            national = connection.schema_name == get_public_schema_name()
            with tenant_context(province) if national else contextlib.nullcontext():
                if not signature_valid(request, line_current().auth_token):
                    logger.warning("Twilio webhook %s with a missing or wrong signature refused", request.path)
                    return HttpResponseForbidden("Invalid Twilio signature")
                sid = request.POST.get(sid_param, "")
                if not SID_PATTERN.fullmatch(sid):
                    return HttpResponseBadRequest(f"{sid_param} is missing or malformed")
                return view(request, sid, *args, **kwargs)

        return wrapped

    return decorate
