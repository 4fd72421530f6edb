"""What an installation may read: only its own cases, and "not found" alike for missing and not its own."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet

from cases.models import Case, Category, Channel, OutboxMessage, Ward
from cases.search import search_fold
from channels.app.models import AppDevice
from channels.messaging.models import InboundEvent

# InboundEvent ids of the app channel: a report, and a message on a report's thread.
CASE_EVENT = "case:{device}:{client_id}"
MESSAGE_EVENT = "msg:{device}:{client_id}"
_CODE = re.compile(r"^\d{9}$")


@dataclass(frozen=True)
class ThreadItem:
    id: str
    # "citizen" (sent from the app) or "hotline" (a reply to the reporter).
    author: str
    text: str
    sent_at: datetime


def device_cases(device: AppDevice) -> QuerySet[Case]:
    """The cases this installation reported, newest first."""
    return (
        Case.objects.filter(
            channel=Channel.APP,
            inbound_events__channel=Channel.APP,
            inbound_events__sender_id=str(device.pk),
            inbound_events__event_id__startswith="case:",
        )
        .select_related("category", "ward", "agency")
        .order_by("-received_at", "-pk")
    )


def device_case(device: AppDevice, tracking_code: str) -> Case | None:
    """One of the installation's cases by its tracking code (spaces allowed); None for any other code."""
    code = "".join(tracking_code.split()) if tracking_code.isascii() else ""
    if not _CODE.match(code):
        return None
    return device_cases(device).filter(tracking_code=code).first()


def device_of_case(case: Case) -> AppDevice | None:
    """The installation that reported the case (replies are pushed to it, whoever else shares the reporter)."""
    event = InboundEvent.objects.filter(channel=Channel.APP, case=case, event_id__startswith="case:").first()
    if event is None or not event.sender_id.isdigit():
        return None
    return AppDevice.objects.filter(pk=int(event.sender_id)).first()


def case_thread(case: Case) -> list[ThreadItem]:
    """The citizen's messages from the app and the hotline's replies to the reporter, oldest first.

    Internal notes, agency exchanges and other reporters' contacts are events of other kinds and never show.
    """
    citizen = InboundEvent.objects.filter(channel=Channel.APP, case=case, event_id__startswith="msg:")
    replies = OutboxMessage.objects.filter(case=case, kind=OutboxMessage.Kind.REPLY)
    items = [thread_item_of_event(event) for event in citizen] + [
        ThreadItem(id=f"hotline-{message.pk}", author="hotline", text=message.body, sent_at=message.created_at)
        for message in replies
    ]
    return sorted(items, key=lambda item: (item.sent_at, item.id))


def thread_item_of_event(event: InboundEvent) -> ThreadItem:
    return ThreadItem(
        id=f"citizen-{event.pk}", author="citizen", text=str(event.payload.get("text", "")), sent_at=event.received_at
    )


def categories_active() -> QuerySet[Category]:
    return Category.objects.filter(is_active=True).order_by("order", "name")


def wards_search(query: str = "") -> list[Ward]:
    """The province's wards and communes whose name contains the query, diacritics and case aside."""
    wards = list(Ward.objects.order_by("name"))
    words = search_fold(query).split()
    if not words:
        return wards
    return [ward for ward in wards if all(word in search_fold(ward.name) for word in words)]
