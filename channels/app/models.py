"""The province's mobile app: the installations that may call its API, and the push account replies go out on.

Citizens have no accounts: an installation registers once and gets a device token (shown once,
stored hashed like an API key). Every report and message it sends is stored first as a
`channels.messaging.models.InboundEvent` on the "app" channel, unique per device and client id.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting

from channels.app.firebase import service_account_validate
from channels.messaging.forms import SecretSettingsForm


class AppDevice(models.Model):
    """One installation of the app on one phone."""

    class Platform(models.TextChoices):
        ANDROID = "android", "Android"
        IOS = "ios", "iOS"

    # SHA-256 hex of the bearer token; the token itself is shown once, at registration.
    token_hash = models.CharField(_("token hash"), max_length=64, unique=True, editable=False)
    platform = models.CharField(_("platform"), max_length=10, choices=Platform.choices)
    app_version = models.CharField(_("app version"), max_length=40)
    # The Firebase Cloud Messaging registration token; empty when the citizen refused notifications.
    push_token = models.CharField(_("push token"), max_length=4096, blank=True)
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    # Refreshed at most once a minute (see `channels.app.auth`), not on every request.
    last_seen_at = models.DateTimeField(_("last seen at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("app installation")
        verbose_name_plural = _("app installations")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_platform_display()} #{self.pk}"

    # DRF treats the authenticated device as the request's user.
    is_authenticated = True
    is_anonymous = False


class AppSettings(BaseGenericSetting):
    """The province's app: the Firebase service account its notifications are sent with."""

    # The whole key file; the Firebase project notifications go out from is the key's own project_id.
    fcm_service_account = models.TextField(
        _("Firebase service account key"),
        blank=True,
        validators=[service_account_validate],
        help_text=_(
            "Firebase console → Project settings → Service accounts → Generate new private key: paste the "
            "whole content of the downloaded JSON file."
        ),
    )

    base_form_class = SecretSettingsForm
    secret_fields = ("fcm_service_account",)
    panels = [FieldPanel("fcm_service_account")]

    class Meta:
        verbose_name = _("Mobile app")
