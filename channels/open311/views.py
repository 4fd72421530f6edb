"""The Open311 GeoReport v2 endpoints of a province, at /open311/v2/ on its host, in XML and JSON.

http://wiki.open311.org/GeoReport_v2. Reading needs no key; posting a request needs the API key the
province's admin issued (an `api_key` form field). Every answer, errors included, is in the format
the path asks for, and every error is the specification's list of {code, description}: a
malformed parameter is a 400, never a 500.
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from functools import wraps

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, QueryDict
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from cases import clock, rules
from cases.codes import phone_e164
from cases.models import Ward
from channels.http import declared_length
from channels.open311 import selectors
from channels.open311.formats import JSON, XML, Open311Error, error_response, respond
from channels.open311.models import ApiKey, key_prefix_of
from channels.open311.services import request_store, request_take_in

logger = logging.getLogger(__name__)

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
# When this implementation's discovery document last changed.
CHANGESET = "2026-12-03T00:00:00+07:00"
FORMATS = ("text/xml", "application/json")
# Partners post small forms; anything larger is not a service request.
BODY_MAX = 64 * 1024
DESCRIPTION_MAX = 4000
WINDOW = timedelta(days=90)
IDS_MAX = selectors.RESULTS_MAX
# Lengths the stored request and the case accept.
LIMITS = {
    "address_string": 300,
    "first_name": 75,
    "last_name": 75,
    "email": 254,
    "phone": 30,
    "device_id": 100,
    "account_id": 100,
    "media_url": 500,
}
IDEMPOTENCY_KEY_MAX = 200
_ATTRIBUTE = re.compile(r"^attribute\[([^\]]+)\]$")
_validate_email = EmailValidator()
_validate_url = URLValidator(schemes=["http", "https"])


def endpoint(*methods: str) -> Callable:
    """The frame of every endpoint: method, size, jurisdiction_id, language, and errors in the right format."""

    def decorate(func: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @csrf_exempt
        @wraps(func)
        def view(request: HttpRequest, fmt: str = XML, **kwargs) -> HttpResponse:
            try:
                if request.method not in methods:
                    response = error_response(fmt, Open311Error(405, _("Method not allowed here.")))
                    response["Allow"] = ", ".join(methods)
                    return response
                if declared_length(request) > BODY_MAX:
                    raise Open311Error(413, _("The request is too large."))
                _jurisdiction_check(request)
                with translation.override(settings.LANGUAGE_CODE):
                    return func(request, fmt, **kwargs)
            except Open311Error as error:
                return error_response(fmt, error)
            except RequestDataTooBig:
                return error_response(fmt, Open311Error(413, _("The request is too large.")))
            except TooManyFieldsSent:
                return error_response(fmt, Open311Error(400, _("The request's parameters cannot be read.")))

        return view

    return decorate


def _jurisdiction_check(request: HttpRequest) -> None:
    """The province is the host; a jurisdiction_id, if given, must name it (the specification's 404)."""
    given = _param(request.GET, "jurisdiction_id") or (
        _param(request.POST, "jurisdiction_id") if request.method == "POST" else ""
    )
    if given and given != connection.tenant.slug:
        raise Open311Error(404, _("jurisdiction_id “%(id)s” is not served here.") % {"id": given[:100]})


def _param(params: QueryDict, name: str) -> str:
    return params.get(name, "").strip()


# --- Discovery and services -------------------------------------------------------------------------


@endpoint("GET", "HEAD")
def discovery(request: HttpRequest, fmt: str) -> HttpResponse:
    province = connection.tenant
    base_url = request.build_absolute_uri(reverse("open311:base"))
    return respond(
        fmt,
        "discovery",
        {
            "changeset": CHANGESET,
            "contact": _("The 1022 hotline of %(province)s") % {"province": province.name},
            "key_service": _(
                "API keys are issued by the administrators of the 1022 hotline of %(province)s "
                "(Department of Science and Technology)."
            )
            % {"province": province.name},
            "endpoints": [
                {
                    "specification": SPECIFICATION,
                    "url": base_url,
                    "changeset": CHANGESET,
                    "type": "production",
                    "formats": list(FORMATS),
                }
            ],
        },
    )


@endpoint("GET", "HEAD")
def services(request: HttpRequest, fmt: str) -> HttpResponse:
    return respond(fmt, "services", [selectors.service_row(category) for category in selectors.services_active()])


@endpoint("GET", "HEAD")
def service_definition(request: HttpRequest, fmt: str, service_code: str) -> HttpResponse:
    category = selectors.service_by_code(service_code)
    if category is None:
        raise Open311Error(404, _("service_code “%(code)s” not found.") % {"code": service_code[:100]})
    return respond(
        fmt,
        "service_definition",
        {"service_code": category.code, "attributes": selectors.service_attributes(category)},
    )


# --- Service requests ---------------------------------------------------------------------------------


@endpoint("GET", "HEAD", "POST")
def requests_endpoint(request: HttpRequest, fmt: str) -> HttpResponse:
    if request.method == "POST":
        return _request_post(request, fmt)
    spec = _request_filter(request.GET)
    return respond(fmt, "service_requests", selectors.request_rows(selectors.cases_filtered(spec)))


@endpoint("GET", "HEAD")
def request_detail(request: HttpRequest, fmt: str, service_request_id: str) -> HttpResponse:
    case = selectors.case_by_id(service_request_id)
    if case is None:
        raise Open311Error(404, _("service_request_id “%(id)s” not found.") % {"id": service_request_id[:100]})
    return respond(fmt, "service_requests", selectors.request_rows([case]))


@endpoint("GET", "HEAD")
def token_detail(request: HttpRequest, fmt: str, token: str) -> HttpResponse:
    stored = selectors.request_by_token(token)
    if stored is None:
        raise Open311Error(404, _("token “%(token)s” not found.") % {"token": token[:100]})
    service_request_id = stored.case.tracking_code if stored.case else None
    return respond(fmt, "service_requests", [{"service_request_id": service_request_id, "token": str(stored.token)}])


@endpoint("GET", "HEAD", "POST")
def not_found(request: HttpRequest, fmt: str = XML, **kwargs) -> HttpResponse:
    raise Open311Error(404, _("No such Open311 method. The methods are listed in discovery.xml."))


def fallback(request: HttpRequest, path: str) -> HttpResponse:
    """Any other path under /open311/v2/: a 404 in the format its extension asks for (XML by default)."""
    return not_found(request, JSON if path.endswith(".json") else XML)


def _request_post(request: HttpRequest, fmt: str) -> HttpResponse:
    api_key = _api_key(request.POST.get("api_key", ""))
    payload = _request_payload(request.POST)
    idempotency_key = request.headers.get("Idempotency-Key", "").strip()
    if len(idempotency_key) > IDEMPOTENCY_KEY_MAX:
        raise Open311Error(400, _("The Idempotency-Key header is too long."))
    category = selectors.service_by_code(payload["service_code"])
    try:
        stored = request_store(api_key=api_key, payload=payload, idempotency_key=idempotency_key)
    except DatabaseError:
        logger.exception("Open311 request of key %s not stored", api_key.prefix)
        raise Open311Error(503, _("The request could not be stored; try again later.")) from None
    try:
        stored = request_take_in(stored)
    except (DatabaseError, ValidationError):
        # Stored, so not lost: the answer is its token, and the partner's retry completes the intake.
        logger.exception("Open311 request %s stored but not taken in", stored.pk)
    answer = {"service_request_id": None, "token": None, "service_notice": selectors.service_notice(category) or None}
    if stored.case is not None:
        answer["service_request_id"] = stored.case.tracking_code
        del answer["token"]
    else:
        answer["token"] = str(stored.token)
        del answer["service_request_id"]
    answer["account_id"] = payload.get("account_id") or None
    return respond(fmt, "service_requests", [answer])


def _api_key(full_key: str) -> ApiKey:
    full_key = full_key.strip()
    prefix = key_prefix_of(full_key) if full_key.isascii() else ""
    key = ApiKey.objects.filter(prefix=prefix, is_active=True).first() if prefix else None
    if key is None or not key.matches(full_key):
        raise Open311Error(403, _("A valid api_key is required to post a service request."))
    return key


def _request_payload(form: QueryDict) -> dict:
    """The request as it will be stored: the specification's fields, checked, as strings."""
    payload: dict = {}
    for name, limit in LIMITS.items():
        value = _param(form, name)
        if len(value) > limit:
            message = _("%(name)s is too long (at most %(max)s characters).") % {"name": name, "max": limit}
            raise Open311Error(400, message)
        if value:
            payload[name] = value
    service_code = _param(form, "service_code")
    category = selectors.service_by_code(service_code) if service_code else None
    if category is None:
        raise Open311Error(400, _("service_code “%(code)s” is not a service here.") % {"code": service_code[:100]})
    payload["service_code"] = category.code
    description = form.get("description", "").strip()
    if len(description) > DESCRIPTION_MAX:
        raise Open311Error(400, _("description is too long (at most %(max)s characters).") % {"max": DESCRIPTION_MAX})
    if description:
        payload["description"] = description
    payload.update(_coordinates(form))
    address_ward = _ward(form, "address_id")
    if address_ward is not None:
        payload["address_id"] = str(address_ward.code)
    ward = _ward(form, f"attribute[{selectors.WARD_ATTRIBUTE}]") or address_ward
    if ward is not None:
        payload["ward"] = str(ward.code)
    if not {"lat", "address_string", "address_id"} & payload.keys():
        raise Open311Error(400, _("A location is required: lat and long, address_string or address_id."))
    _contact_check(payload)
    attributes = {m.group(1): value for key, value in form.items() if (m := _ATTRIBUTE.match(key))}
    if attributes:
        payload["attributes"] = {key[:50]: value[:200] for key, value in list(attributes.items())[:20]}
    return payload


def _coordinates(form: QueryDict) -> dict[str, str]:
    lat, lng = _param(form, "lat"), _param(form, "long")
    if not lat and not lng:
        return {}
    if not (lat and lng):
        raise Open311Error(400, _("Give both lat and long."))
    try:
        values = (Decimal(lat[:40]), Decimal(lng[:40]))
    except InvalidOperation:
        raise Open311Error(400, _("lat and long must be numbers (WGS84 degrees).")) from None
    if not all(math.isfinite(v) for v in values) or not (-90 <= values[0] <= 90 and -180 <= values[1] <= 180):
        raise Open311Error(400, _("lat and long are out of range."))
    # The case stores six decimals (about 10 cm).
    return {name: str(value.quantize(Decimal("0.000001"))) for name, value in zip(("lat", "long"), values, strict=True)}


def _ward(form: QueryDict, name: str) -> Ward | None:
    """attribute[ward] and address_id are both the official code of one of the province's wards."""
    value = _param(form, name)
    if not value:
        return None
    ward = rules.ward_by_code(int(value)) if value.isascii() and value.isdigit() and len(value) < 9 else None
    if ward is None:
        raise Open311Error(
            400,
            _("%(name)s “%(value)s” is not a ward or commune of the province.") % {"name": name, "value": value[:20]},
        )
    return ward


def _contact_check(payload: dict) -> None:
    checks = (("email", _validate_email), ("media_url", _validate_url), ("phone", phone_e164))
    for name, check in checks:
        if name not in payload:
            continue
        try:
            normalised = check(payload[name])
        except ValidationError as exc:
            message = _("%(name)s is not valid: %(error)s") % {"name": name, "error": " ".join(exc.messages)}
            raise Open311Error(400, message) from None
        if isinstance(normalised, str):
            payload[name] = normalised


def _request_filter(query: QueryDict) -> selectors.RequestFilter:
    ids = _list(query, "service_request_id")
    if len(ids) > IDS_MAX:
        raise Open311Error(400, _("At most %(max)s service_request_id at once.") % {"max": IDS_MAX})
    statuses = _list(query, "status")
    if any(status not in (selectors.OPEN, selectors.CLOSED) for status in statuses):
        raise Open311Error(400, _("status must be open or closed."))
    start, end = _datetime(query, "start_date"), _datetime(query, "end_date")
    now = clock.now()
    if start is None and end is None:
        start, end = now - WINDOW, now
    elif start is None:
        start = end - WINDOW
    elif end is None:
        end = max(now, start)
    if start > end:
        raise Open311Error(400, _("start_date is after end_date."))
    if end - start > WINDOW:
        raise Open311Error(400, _("start_date and end_date may be at most 90 days apart."))
    return selectors.RequestFilter(
        start=start,
        end=end,
        service_request_ids=tuple("".join(value.split()) for value in ids),
        service_codes=tuple(code[:40] for code in _list(query, "service_code")[:IDS_MAX]),
        statuses=tuple(statuses),
    )


def _list(query: QueryDict, name: str) -> list[str]:
    """A comma list; the parameter may also be repeated."""
    return [item.strip() for value in query.getlist(name) for item in value.split(",") if item.strip()]


def _datetime(query: QueryDict, name: str) -> datetime | None:
    """A W3C date-time (2026-12-01T00:00:00Z, with an offset, or a bare date); without a zone, the province's time."""
    text = _param(query, name)
    if not text:
        return None
    try:
        parsed = parse_datetime(text) if len(text) <= 40 else None
        if parsed is None and (day := parse_date(text) if len(text) == 10 else None) is not None:
            parsed = datetime.combine(day, time())
        if parsed is None:
            raise ValueError(text)
        if timezone.is_naive(parsed):
            parsed = timezone.make_aware(parsed)
        # An offset near the ends of the calendar cannot be compared; refuse it here rather than fail later.
        parsed.astimezone(UTC)
    except (ValueError, OverflowError):
        message = _("%(name)s is not a W3C date-time, e.g. 2026-12-01T00:00:00+07:00.") % {"name": name}
        raise Open311Error(400, message) from None
    return parsed
