"""The outbox's Open311 sender: an operator's reply to a request a partner posted.

What the outbox row records as provider id:
- `open311:notify:<delivery id>` when the partner's status update URL accepted it (see `client`);
- `open311:status_notes` when the partner has no status update URL, or its key was revoked: the
  reply is then published as the request's status_notes on GET requests, which is how GeoReport v2
  clients learn of it, and there is nothing else to deliver.

Imported at start-up (`channels.registry`), which registers it with the outbox.
"""

from __future__ import annotations

from django.db import connection

from cases import clock
from cases.models import Channel, OutboxMessage
from cases.outbox import DeliveryError, sender
from channels.open311.client import notify_post
from channels.open311.formats import w3_datetime
from channels.open311.models import ServiceRequest
from channels.open311.selectors import PUBLISHED, case_status

NOTIFIED = "open311:notify:"


@sender(Channel.OPEN311)
def open311_send(message: OutboxMessage) -> str:
    """Deliver one outbox message to the partner; returns the provider id recorded (see above)."""
    stored = (
        ServiceRequest.objects.select_related("api_key", "case").filter(case_id=message.case_id).first()
        if message.case_id
        else None
    )
    if stored is None:
        raise DeliveryError("the case did not come in through the Open311 API")
    api_key, case = stored.api_key, stored.case
    if not api_key.notify_url or not api_key.is_active:
        return PUBLISHED
    delivery_id = f"{connection.schema_name}-{message.pk}"
    notify_post(
        url=api_key.notify_url,
        signing_key=api_key.signing_key,
        delivery_id=delivery_id,
        payload={
            "jurisdiction_id": connection.tenant.slug,
            "service_request_id": case.tracking_code,
            "token": str(stored.token),
            "account_id": stored.payload.get("account_id") or None,
            "status": case_status(case),
            "detailed_status": case.status,
            "status_notes": message.body,
            "updated_datetime": w3_datetime(clock.now()),
        },
    )
    return NOTIFIED + delivery_id
