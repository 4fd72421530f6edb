"""Writes of the app API: register an installation, take in a report, add a message to its thread.

A report or message is stored first (an `InboundEvent` unique per installation and client id) and
taken in from what was stored, so a retried submit returns what the first one made.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from uuid import UUID

from django.db import transaction

from cases import clock
from cases.models import Case, CaseStatus, Category, Channel
from cases.services import ReporterInput, case_follow_up, case_info_received, case_intake
from cases.sql import insert_new
from channels.app.auth import token_new
from channels.app.models import AppDevice
from channels.app.selectors import CASE_EVENT, MESSAGE_EVENT
from channels.messaging.models import InboundEvent


@dataclass(frozen=True)
class Report:
    """A report as the app sends it, already validated in shape."""

    category: str
    description: str
    ward: int | None = None
    address: str = ""
    latitude: str | None = None
    longitude: str | None = None
    name: str = ""
    phone: str = ""
    email: str = ""


@transaction.atomic
def device_register(*, platform: str, app_version: str, push_token: str = "") -> tuple[AppDevice, str]:
    """A new installation and its token; the token is given here once and stored only as its hash."""
    token, hashed = token_new()
    device = AppDevice.objects.create(
        token_hash=hashed, platform=platform, app_version=app_version, push_token=push_token
    )
    return device, token


@transaction.atomic
def device_update(*, device: AppDevice, app_version: str | None = None, push_token: str | None = None) -> AppDevice:
    """The app was updated, or FCM gave it a new push token (or the citizen turned notifications off)."""
    changed = []
    for field, value in (("app_version", app_version), ("push_token", push_token)):
        if value is not None and getattr(device, field) != value:
            setattr(device, field, value)
            changed.append(field)
    if changed:
        device.save(update_fields=changed)
    return device


def report_submit(*, device: AppDevice, client_id: UUID, report: Report) -> tuple[Case, bool]:
    """Take in a report; (case, whether this call created it). Idempotent on (installation, client id).

    Not atomic as a whole on purpose: the event is committed before the intake can fail.
    """
    event_id = CASE_EVENT.format(device=device.pk, client_id=client_id)
    event = InboundEvent(
        channel=Channel.APP, event_id=event_id, sender_id=str(device.pk), payload=_report_payload(report)
    )
    if not insert_new(event, unique=("channel", "event_id")):
        event = InboundEvent.objects.select_related("case").get(channel=Channel.APP, event_id=event_id)
        if event.case_id is not None:
            return event.case, False
    # A stored report without its case: this call is the first, or the first failed before the intake.
    with transaction.atomic():
        locked = InboundEvent.objects.select_for_update().get(pk=event.pk)
        if locked.case_id is not None:
            return locked.case, False  # a concurrent retry took it in while this one waited for the lock
        locked.case = _intake(locked)
        locked.save(update_fields=["case"])
    return locked.case, True


def _report_payload(report: Report) -> dict:
    return {name: value for name, value in report.__dict__.items() if value not in (None, "")}


def _intake(event: InboundEvent) -> Case:
    """The case, from the stored report (a retry with another body gets the first one's case)."""
    stored = event.payload
    return case_intake(
        channel=Channel.APP,
        provider_id=event.event_id,
        reporter=ReporterInput(
            name=stored.get("name", ""),
            phone=stored.get("phone", ""),
            email=stored.get("email", ""),
            channel_id=event.sender_id,
        ),
        category=Category.objects.get(code=stored["category"]),
        description=stored["description"],
        ward=stored.get("ward"),
        address=stored.get("address", ""),
        latitude=_decimal(stored.get("latitude")),
        longitude=_decimal(stored.get("longitude")),
    ).case


def _decimal(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def thread_message_add(*, device: AppDevice, case: Case, client_id: UUID, text: str) -> tuple[InboundEvent, bool]:
    """The citizen writes on their case: a follow-up, or the answer the hotline waits for.

    Idempotent on (installation, client id); (stored message, whether this call stored it). A finished
    case refuses it (`cases.services.IllegalTransition`), and the stored message stays out of the thread.
    """
    event_id = MESSAGE_EVENT.format(device=device.pk, client_id=client_id)
    event = InboundEvent(
        channel=Channel.APP,
        event_id=event_id,
        sender_id=str(device.pk),
        payload={"case_id": case.pk, "text": text},
    )
    created = insert_new(event, unique=("channel", "event_id"))
    if not created:
        event = InboundEvent.objects.get(channel=Channel.APP, event_id=event_id)
    if event.case_id is None:
        with transaction.atomic():
            locked = InboundEvent.objects.select_for_update().get(pk=event.pk)
            if locked.case_id is None:
                locked.case = _message_take_in(locked)
                locked.save(update_fields=["case"])
            event = locked
    return event, created


def _message_take_in(event: InboundEvent) -> Case:
    case = Case.objects.get(pk=event.payload["case_id"])
    text = event.payload["text"]
    if case.status == CaseStatus.WAITING_REPORTER:
        return case_info_received(case=case, text=text)
    case_follow_up(case=case, text=text, channel=Channel.APP, provider_id=event.event_id)
    return case


@transaction.atomic
def device_revoke(*, device: AppDevice) -> None:
    """The app was signed out or uninstalled: its token stops working and nothing more is pushed to it."""
    AppDevice.objects.filter(pk=device.pk, revoked_at__isnull=True).update(revoked_at=clock.now(), push_token="")
