"""The durable outbox: notifications are rows first, deliveries second.

A row is written in the transaction of the change that causes it. After commit a Celery
task is sent to deliver it at once; if the broker is down that send fails quietly and the
per-minute flush (`cases.tasks.outbox_flush`) delivers the row once the broker is back.
Delivery is at-least-once: a worker that dies mid-send leaves the row "sending", and the
flush takes it up again after `STALE_SENDING`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.db import connection, transaction
from django.utils import translation

from cases import clock
from cases.models import Channel, OutboxMessage
from tenants import roles

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
BACKOFF_BASE = timedelta(seconds=30)
BACKOFF_CAP = timedelta(hours=1)
STALE_SENDING = timedelta(minutes=5)


class DeliveryError(Exception):
    """A delivery that failed and may succeed later (provider down, no address yet)."""


# channel → function that sends one message and returns the provider's id for it.
Sender = Callable[[OutboxMessage], str]
SENDERS: dict[str, Sender] = {}


def sender(channel: str) -> Callable[[Sender], Sender]:
    """Register the function that delivers messages on `channel` (one per channel)."""

    def register(func: Sender) -> Sender:
        if channel in SENDERS:
            raise RuntimeError(f"a sender for {channel!r} is already registered")
        SENDERS[channel] = func
        return func

    return register


def outbox_message(
    *, kind: str, channel: str, body: str, case=None, recipient: str = "", subject: str = ""
) -> OutboxMessage:
    """An unsaved notification, due now."""
    now = clock.now()
    return OutboxMessage(
        kind=kind,
        channel=channel,
        case=case,
        recipient=recipient,
        subject=subject[:200],
        body=body,
        next_attempt_at=now,
        created_at=now,
    )


def message_language():
    """Notifications are written in the platform's language (Vietnamese), whatever the sender's UI language."""
    return translation.override(settings.LANGUAGE_CODE)


def outbox_enqueue(message: OutboxMessage) -> OutboxMessage:
    """Save a notification in the current transaction; it is dispatched after commit."""
    message.save(force_insert=True)
    transaction.on_commit(lambda: outbox_dispatch([message.pk]))
    return message


def outbox_dispatch(message_ids: list[int]) -> None:
    """Ask a worker to deliver the rows now. Never raises: the flush is the safety net."""
    from cases.tasks import outbox_deliver

    for message_id in message_ids:
        try:
            outbox_deliver.apply_async(args=[message_id], retry=False)
        except Exception as exc:  # a dead broker must not undo or fail the change that queued the message
            logger.warning("outbox message %s not dispatched (%s); the flush will deliver it", message_id, exc)


def outbox_due_ids(*, limit: int = 500) -> list[int]:
    now = clock.now()
    due = OutboxMessage.objects.filter(
        status__in=[OutboxMessage.Status.PENDING, OutboxMessage.Status.RETRYING], next_attempt_at__lte=now
    )
    stale = OutboxMessage.objects.filter(status=OutboxMessage.Status.SENDING, updated_at__lte=now - STALE_SENDING)
    return list((due | stale).order_by("next_attempt_at").values_list("pk", flat=True)[:limit])


def outbox_deliver_one(message_id: int) -> str:
    """Deliver one row if it is due and nobody else holds it. Returns its status afterwards."""
    message = _claim(message_id)
    if message is None:
        return "skipped"
    send = SENDERS.get(message.channel)
    try:
        if send is None:
            raise DeliveryError(f"no sender is configured for the {message.channel} channel")
        provider_id = send(message)
    except Exception as exc:
        return _failed(message, exc)
    message.status = OutboxMessage.Status.SENT
    message.sent_at = clock.now()
    message.provider_id = (provider_id or "")[:200]
    message.last_error = ""
    message.save(update_fields=["status", "sent_at", "provider_id", "last_error", "updated_at"])
    logger.info("outbox message %s sent on %s", message.pk, message.channel)
    return message.status


@transaction.atomic
def _claim(message_id: int) -> OutboxMessage | None:
    now = clock.now()
    message = (
        OutboxMessage.objects.select_for_update(skip_locked=True, of=("self",))
        .select_related("case__reporter")
        .filter(pk=message_id)
        .first()
    )
    if message is None:
        return None
    claimable = message.status in (OutboxMessage.Status.PENDING, OutboxMessage.Status.RETRYING)
    stale = message.status == OutboxMessage.Status.SENDING and message.updated_at <= now - STALE_SENDING
    if not (claimable and message.next_attempt_at <= now) and not stale:
        return None
    message.status = OutboxMessage.Status.SENDING
    message.attempts += 1
    message.save(update_fields=["status", "attempts", "updated_at"])
    return message


def _failed(message: OutboxMessage, exc: Exception) -> str:
    # The error names the channel and the failure, never the recipient: logs must not carry personal data.
    message.last_error = f"{type(exc).__name__}: {exc}"[:2000]
    if message.attempts >= MAX_ATTEMPTS:
        message.status = OutboxMessage.Status.DEAD
    else:
        message.status = OutboxMessage.Status.RETRYING
        message.next_attempt_at = clock.now() + backoff(message.attempts)
    message.save(update_fields=["status", "last_error", "next_attempt_at", "updated_at"])
    logger.warning("outbox message %s failed (attempt %s): %s", message.pk, message.attempts, type(exc).__name__)
    return message.status


def backoff(attempts: int) -> timedelta:
    return min(BACKOFF_BASE * (2 ** max(attempts - 1, 0)), BACKOFF_CAP)


# Functions that may change an e-mail just before it leaves: channels.mail adds threading headers and
# sends reporters' mail through the province's own SMTP server.
EMAIL_FINISHERS: list[Callable[[OutboxMessage, EmailMessage], None]] = []


def email_finisher(func: Callable[[OutboxMessage, EmailMessage], None]):
    EMAIL_FINISHERS.append(func)
    return func


def email_recipients(message: OutboxMessage) -> list[str]:
    """Who an e-mail goes to: its own address, the reporter's, or the province's supervisors."""
    if message.recipient:
        return [message.recipient]
    if message.kind == OutboxMessage.Kind.ESCALATION:
        supervisors = (
            get_user_model().objects.filter(groups__name=roles.SUPERVISOR.group_name, is_active=True).exclude(email="")
        )
        return sorted(set(supervisors.values_list("email", flat=True)))
    reporter = message.case.reporter if message.case else None
    return [reporter.email] if reporter and reporter.email else []


@sender(Channel.EMAIL)
def email_send(message: OutboxMessage) -> str:
    recipients = email_recipients(message)
    if not recipients:
        raise DeliveryError("no e-mail address to deliver to")
    province = getattr(connection, "tenant", None)
    subject = message.subject or f"Tổng đài 1022 {getattr(province, 'name', '')}".strip()
    mail = EmailMessage(subject=subject, body=message.body, from_email=settings.DEFAULT_FROM_EMAIL, to=recipients)
    mail.extra_headers["X-Outbox-Id"] = f"{connection.schema_name}-{message.pk}"
    for finish in EMAIL_FINISHERS:
        finish(message, mail)
    mail.send(fail_silently=False)
    # A Message-ID set by a finisher is what the reporter's answer refers to (In-Reply-To), so it is the id kept.
    return mail.extra_headers.get("Message-ID") or mail.extra_headers["X-Outbox-Id"]
