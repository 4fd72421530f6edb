"""Reads of the Open311 API: the province's services, and its cases as GeoReport service requests.

Every case of the province is a service request here, whatever channel it came in on, but only
what is not personal leaves: no reporter's name, phone or e-mail ever, and the free text (the
description, address, coordinates and media) only of requests that came in through this API,
which the partner posted to be published. A case from another channel shows its ward instead.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from cases.models import FINAL_STATES, Case, Category, OutboxMessage, Ward
from channels.open311.models import ServiceRequest

# At most this many requests in one answer, and at most this span between start_date and end_date.
RESULTS_MAX = 1000
WARD_ATTRIBUTE = "ward"
# The outbox's provider id for a reply published as status_notes (the partner has no notify_url).
PUBLISHED = "open311:status_notes"
OPEN, CLOSED = "open", "closed"


@dataclass(frozen=True)
class RequestFilter:
    start: datetime
    end: datetime
    service_request_ids: tuple[str, ...] = ()
    service_codes: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()


def services_active() -> QuerySet[Category]:
    return Category.objects.filter(is_active=True).select_related("default_agency").order_by("order", "name")


def service_by_code(code: str) -> Category | None:
    return services_active().filter(code=code).first()


def service_row(category: Category) -> dict:
    return {
        "service_code": category.code,
        "service_name": category.name,
        "description": _service_description(category),
        "metadata": bool(service_attributes(category)),
        "type": "realtime",
        "keywords": ", ".join(word for word in (category.name_en, category.national_code) if word),
        "group": category.get_national_code_display(),
    }


def _service_description(category: Category) -> str:
    if category.is_emergency:
        return _("Emergency: passed to 115 at once.")
    if category.is_local:
        return _("Handled by the ward or commune where it happens.")
    if category.default_agency:
        return _("Handled by %(agency)s.") % {"agency": category.default_agency.name}
    return ""


def service_attributes(category: Category) -> list[dict]:
    """A commune's matter needs to know where: such services ask for the ward, picked from the province's list."""
    if not category.is_local:
        return []
    wards = Ward.objects.order_by("name").values_list("code", "name")
    return [
        {
            "variable": True,
            "code": WARD_ATTRIBUTE,
            "datatype": "singlevaluelist",
            "required": False,
            "datatype_description": _("The official code of the ward or commune (also accepted as address_id)."),
            "order": 1,
            "description": _("Ward or commune where it happens"),
            "values": [{"key": str(code), "name": name} for code, name in wards],
        }
    ]


def service_notice(category: Category) -> str:
    if category.is_emergency:
        return _("If a life is in danger, call 115 now: this report is passed to 115 at once.")
    return ""


def cases_filtered(spec: RequestFilter) -> list[Case]:
    cases = _cases()
    if spec.service_request_ids:
        # The ids override every other filter, as the specification says.
        return list(cases.filter(tracking_code__in=spec.service_request_ids)[:RESULTS_MAX])
    cases = cases.filter(received_at__gte=spec.start, received_at__lte=spec.end)
    if spec.service_codes:
        cases = cases.filter(category__code__in=spec.service_codes)
    if set(spec.statuses) == {OPEN}:
        cases = cases.exclude(status__in=FINAL_STATES)
    elif set(spec.statuses) == {CLOSED}:
        cases = cases.filter(status__in=FINAL_STATES)
    return list(cases[:RESULTS_MAX])


def case_by_id(service_request_id: str) -> Case | None:
    code = "".join(service_request_id.split())
    if not (code.isascii() and code.isdigit() and len(code) == 9):
        return None
    return _cases().filter(tracking_code=code).first()


def request_by_token(token: str) -> ServiceRequest | None:
    try:
        value = uuid.UUID(token)
    except ValueError:
        return None
    return ServiceRequest.objects.select_related("case").filter(token=value).first()


def _cases() -> QuerySet[Case]:
    return Case.objects.select_related("category", "agency", "ward", "open311_request").order_by("-received_at", "-pk")


def request_rows(cases: list[Case]) -> list[dict]:
    notes = _published_notes([case.pk for case in cases if _from_open311(case)])
    return [_request_row(case, notes.get(case.pk, "")) for case in cases]


def _from_open311(case: Case) -> bool:
    try:
        return case.open311_request is not None
    except ServiceRequest.DoesNotExist:
        return False


def _published_notes(case_ids: list[int]) -> dict[int, str]:
    """The latest reply published as status notes, per case."""
    if not case_ids:
        return {}
    replies = (
        OutboxMessage.objects.filter(
            case_id__in=case_ids,
            kind=OutboxMessage.Kind.REPLY,
            status=OutboxMessage.Status.SENT,
            provider_id=PUBLISHED,
        )
        .order_by("case_id", "-sent_at", "-pk")
        .distinct("case_id")
        .values_list("case_id", "body")
    )
    return dict(replies)


def _request_row(case: Case, status_notes: str) -> dict:
    own = _from_open311(case)
    ward = case.ward
    return {
        "service_request_id": case.tracking_code,
        "status": case_status(case),
        "status_notes": status_notes or None,
        "service_name": case.category.name,
        "service_code": case.category.code,
        "description": case.description if own else None,
        "agency_responsible": case.agency.name if case.agency else None,
        "service_notice": service_notice(case.category) or None,
        "requested_datetime": case.received_at,
        "updated_datetime": case.updated_at,
        "expected_datetime": case.resolution_due_at,
        "address": (case.address or (ward.name if ward else "")) if own else (ward.name if ward else None),
        "address_id": str(ward.code) if ward else None,
        "zipcode": None,
        "lat": case.latitude if own else None,
        "long": case.longitude if own else None,
        "media_url": (case.open311_request.media_url or None) if own else None,
        # Non-standard fields go under extended_attributes, as the implementations listed on the
        # specification's Extensions page do; clients that do not know it ignore it.
        "extended_attributes": {"detailed_status": case.status},
    }


def case_status(case: Case) -> str:
    return CLOSED if case.status in FINAL_STATES else OPEN
