"""Writes of the Open311 API: take in a partner's service request, stored before it becomes a case.

A request is committed as a `ServiceRequest` first and taken in as a case from what was stored, so
a partner retrying a POST (same Idempotency-Key, or the same parameters within 24 hours) gets the
answer of the first one, and a request whose intake failed half-way is completed by the retry.
"""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta
from decimal import Decimal

from django.db import transaction

from cases import clock
from cases.models import Case, Category, Channel
from cases.services import ReporterInput, case_intake
from channels.open311.models import ApiKey, ServiceRequest

# Without an Idempotency-Key, the same parameters from the same key within this window are a repeat.
REPEAT_WINDOW = timedelta(hours=24)


def request_submit(*, api_key: ApiKey, payload: dict, idempotency_key: str = "") -> ServiceRequest:
    """Store the (validated) request and take it in as a case; the stored request, with its case."""
    return request_take_in(request_store(api_key=api_key, payload=payload, idempotency_key=idempotency_key))


@transaction.atomic
def request_store(*, api_key: ApiKey, payload: dict, idempotency_key: str = "") -> ServiceRequest:
    """The request, committed on its own; a repeat finds the one stored first.

    Without an Idempotency-Key, the same parameters from the same key within 24 hours are a repeat.
    """
    # One partner's posts are stored one at a time: two identical posts racing cannot both look new.
    ApiKey.objects.select_for_update().filter(pk=api_key.pk).values_list("pk").get()
    now = clock.now()
    digest = payload_digest(payload)
    earlier = ServiceRequest.objects.select_related("case").filter(api_key=api_key)
    if idempotency_key:
        found = earlier.filter(idempotency_key=idempotency_key).first()
    else:
        found = earlier.filter(params_digest=digest, received_at__gte=now - REPEAT_WINDOW).order_by("-pk").first()
    if found is not None:
        return found
    ApiKey.objects.filter(pk=api_key.pk).update(last_used_at=now)
    return ServiceRequest.objects.create(
        api_key=api_key,
        idempotency_key=idempotency_key,
        params_digest=digest,
        payload=payload,
        media_url=payload.get("media_url", ""),
    )


def request_take_in(stored: ServiceRequest) -> ServiceRequest:
    """The stored request with its case, made now if it has none yet (a retry completes a failed intake)."""
    if stored.case_id is not None:
        return stored
    with transaction.atomic():
        locked = ServiceRequest.objects.select_for_update(of=("self",)).select_related("case").get(pk=stored.pk)
        if locked.case_id is None:
            locked.case = _intake(locked)
            locked.save(update_fields=["case"])
    return locked


def payload_digest(payload: dict) -> str:
    return hashlib.sha256(json.dumps(payload, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def _intake(stored: ServiceRequest) -> Case:
    """The case, from the stored request (what a retry posts again does not change it)."""
    data = stored.payload
    category = Category.objects.get(code=data["service_code"])
    # Vietnamese names are written family name first: last_name "Nguyễn Thị", first_name "Lan".
    name = " ".join(part for part in (data.get("last_name", ""), data.get("first_name", "")) if part)
    return case_intake(
        channel=Channel.OPEN311,
        provider_id=str(stored.token),
        reporter=ReporterInput(
            name=name, phone=data.get("phone", ""), email=data.get("email", ""), channel_id=_reporter_id(stored)
        ),
        category=category,
        # The specification makes the description optional; a case needs one, and the service names it.
        description=data.get("description") or category.name,
        ward=int(data["ward"]) if data.get("ward") else None,
        address=data.get("address_string", ""),
        latitude=Decimal(data["lat"]) if data.get("lat") else None,
        longitude=Decimal(data["long"]) if data.get("long") else None,
        received_at=stored.received_at,
    ).case


def _reporter_id(stored: ServiceRequest) -> str:
    """Who the partner says sent it: its account, else its device, else nobody known beyond this request.

    Always some id, so the case has a reporter and operators' replies are queued for the partner.
    """
    prefix = stored.api_key.prefix
    for field in ("account_id", "device_id"):
        if stored.payload.get(field):
            return f"{prefix}:{field}:{stored.payload[field]}"
    return f"{prefix}:request:{stored.token}"
