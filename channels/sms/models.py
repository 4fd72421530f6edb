"""Text messages through Twilio, in and out, with their delivery status."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from cases.models import Case, OutboxMessage


class SmsMessage(models.Model):
    """One SMS. Inbound rows are stored before the case is touched; outbound rows track delivery."""

    class Direction(models.TextChoices):
        INBOUND = "inbound", _("Received")
        OUTBOUND = "outbound", _("Sent")

    message_sid = models.CharField(_("message SID"), max_length=64, unique=True)
    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices)
    from_number = models.CharField(_("from"), max_length=64)
    to_number = models.CharField(_("to"), max_length=64)
    body = models.TextField(_("text"), blank=True)
    # Picture messages: the provider's URLs of each attachment.
    media_urls = models.JSONField(_("attachments"), default=list, blank=True)
    # Twilio's status: received, queued, sent, delivered, undelivered, failed.
    status = models.CharField(_("status"), max_length=20, blank=True)
    error_code = models.CharField(_("error code"), max_length=10, blank=True)
    case = models.ForeignKey(
        Case, verbose_name=_("case"), null=True, blank=True, on_delete=models.SET_NULL, related_name="sms_messages"
    )
    outbox_message = models.OneToOneField(
        OutboxMessage,
        verbose_name=_("outgoing message"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="sms",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("SMS")
        verbose_name_plural = _("SMS")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.message_sid

    # Twilio's receipts, as the case timeline shows them beside the outbox's own status.
    DELIVERY_LABELS = {
        "delivered": _("Delivered to the phone"),
        "undelivered": _("Not delivered"),
        "failed": _("Failed at the provider"),
        "sent": _("Handed to the carrier"),
    }

    @property
    def delivery_label(self) -> str:
        return str(self.DELIVERY_LABELS.get(self.status, ""))
