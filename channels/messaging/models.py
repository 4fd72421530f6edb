"""Chat channels (Zalo OA, Facebook Messenger, Viber): each province's accounts, and every event received.

The accounts are Wagtail settings of the province, edited by its admin; their secrets are
typed in and never shown again (`channels.messaging.forms.SecretSettingsForm`).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting

from cases.models import Case, Channel
from channels.messaging.forms import SecretSettingsForm


class InboundEvent(models.Model):
    """One message a provider delivered, stored before it is taken in; unique per provider event id,
    so a delivery the provider retries is taken in once."""

    channel = models.CharField(_("channel"), max_length=12, choices=Channel.choices)
    event_id = models.CharField(_("provider's event id"), max_length=200)
    # The sender's id on the channel (Zalo user id, Messenger page-scoped id, Viber user id).
    sender_id = models.CharField(_("sender"), max_length=200)
    payload = models.JSONField(_("payload"))
    case = models.ForeignKey(
        Case, verbose_name=_("case"), null=True, blank=True, on_delete=models.SET_NULL, related_name="inbound_events"
    )
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)

    class Meta:
        verbose_name = _("received message")
        verbose_name_plural = _("received messages")
        ordering = ["-received_at"]
        constraints = [models.UniqueConstraint(fields=["channel", "event_id"], name="inboundevent_once")]

    def __str__(self) -> str:
        return f"{self.channel}:{self.event_id}"


def _secret(verbose_name, help_text=""):
    return models.CharField(verbose_name, max_length=500, blank=True, help_text=help_text)


class ZaloSettings(BaseGenericSetting):
    """The province's Zalo Official Account."""

    oa_id = models.CharField(_("Official Account id"), max_length=64, blank=True)
    app_id = models.CharField(_("app id"), max_length=64, blank=True)
    secret_key = _secret(_("OA secret key"), _("Signs the webhook (X-ZEvent-Signature)."))
    access_token = _secret(_("OA access token"), _("Sends the replies."))

    base_form_class = SecretSettingsForm
    secret_fields = ("secret_key", "access_token")
    panels = [FieldPanel("oa_id"), FieldPanel("app_id"), FieldPanel("secret_key"), FieldPanel("access_token")]

    class Meta:
        verbose_name = _("Zalo Official Account")


class MessengerSettings(BaseGenericSetting):
    """The province's Facebook page."""

    page_id = models.CharField(_("page id"), max_length=64, blank=True)
    verify_token = _secret(_("verify token"), _("The word Facebook repeats when the webhook is set up."))
    app_secret = _secret(_("app secret"), _("Signs the webhook (X-Hub-Signature-256)."))
    page_access_token = _secret(_("page access token"), _("Sends the replies."))

    base_form_class = SecretSettingsForm
    secret_fields = ("verify_token", "app_secret", "page_access_token")
    panels = [
        FieldPanel("page_id"),
        FieldPanel("verify_token"),
        FieldPanel("app_secret"),
        FieldPanel("page_access_token"),
    ]

    class Meta:
        verbose_name = _("Facebook Messenger page")


class ViberSettings(BaseGenericSetting):
    """The province's Viber bot."""

    bot_name = models.CharField(_("bot name"), max_length=28, default="Tổng đài 1022")
    auth_token = _secret(_("auth token"), _("Signs the webhook and sends the replies."))
    greeting = models.TextField(
        _("greeting"),
        default="Xin chào! Đây là Tổng đài 1022. Xin gửi câu hỏi hoặc phản ánh của quý vị, tổng đài sẽ trả lời sớm.",
        help_text=_("Shown when someone opens the conversation."),
    )

    base_form_class = SecretSettingsForm
    secret_fields = ("auth_token",)
    panels = [FieldPanel("bot_name"), FieldPanel("auth_token"), FieldPanel("greeting")]

    class Meta:
        verbose_name = _("Viber bot")
