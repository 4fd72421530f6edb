"""The province's mailbox (a Wagtail setting edited by its admin) and every mail it received, kept raw."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting

from cases.models import Case
from channels.messaging.forms import SecretSettingsForm


def _secret(verbose_name, help_text=""):
    return models.CharField(verbose_name, max_length=500, blank=True, help_text=help_text)


class SmtpSecurity(models.TextChoices):
    STARTTLS = "starttls", _("STARTTLS (usually port 587)")
    SSL = "ssl", _("SSL/TLS from the start (usually port 465)")
    # For a relay on the same machine or private network only: the password would cross in clear.
    NONE = "none", _("None (a relay on the local network only)")


class MailSettings(BaseGenericSetting):
    """The hotline's mailbox: where citizens write, how mail reaches the platform and how replies leave."""

    address = models.EmailField(
        _("hotline's e-mail address"),
        blank=True,
        help_text=_("The address citizens write to, e.g. 1022@camau.gov.vn. Replies come from it."),
    )
    webhook_secret = _secret(
        _("webhook secret"),
        _("Signs what the mail server posts to the webhook (X-1022-Signature: sha256=HMAC of the body)."),
    )
    imap_host = models.CharField(
        _("IMAP server"), max_length=255, blank=True, help_text=_("Leave blank if mail arrives by the webhook.")
    )
    imap_port = models.PositiveIntegerField(_("IMAP port"), default=993)
    imap_ssl = models.BooleanField(_("IMAP over SSL/TLS"), default=True)
    imap_user = models.CharField(_("IMAP user"), max_length=255, blank=True)
    imap_password = _secret(_("IMAP password"))
    imap_folder = models.CharField(_("IMAP folder"), max_length=255, default="INBOX")
    smtp_host = models.CharField(
        _("SMTP server"),
        max_length=255,
        blank=True,
        help_text=_("Leave blank to send replies through the platform's mail server."),
    )
    smtp_port = models.PositiveIntegerField(_("SMTP port"), default=587)
    smtp_security = models.CharField(
        _("SMTP security"), max_length=10, choices=SmtpSecurity.choices, default=SmtpSecurity.STARTTLS
    )
    smtp_user = models.CharField(_("SMTP user"), max_length=255, blank=True)
    smtp_password = _secret(_("SMTP password"))

    base_form_class = SecretSettingsForm
    secret_fields = ("webhook_secret", "imap_password", "smtp_password")
    panels = [
        FieldPanel("address"),
        FieldPanel("webhook_secret"),
        MultiFieldPanel(
            [
                FieldPanel("imap_host"),
                FieldPanel("imap_port"),
                FieldPanel("imap_ssl"),
                FieldPanel("imap_user"),
                FieldPanel("imap_password"),
                FieldPanel("imap_folder"),
            ],
            heading=_("Receiving from a mailbox (IMAP)"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("smtp_host"),
                FieldPanel("smtp_port"),
                FieldPanel("smtp_security"),
                FieldPanel("smtp_user"),
                FieldPanel("smtp_password"),
            ],
            heading=_("Sending replies (SMTP)"),
        ),
    ]

    class Meta:
        verbose_name = _("Hotline mailbox")

    @property
    def receives(self) -> bool:
        return bool(self.webhook_secret or (self.imap_host and self.imap_user and self.imap_password))


class InboundMail(models.Model):
    """One mail as it arrived (RFC 822 bytes), stored before it is parsed; unique per Message-ID,
    so a mail delivered twice (a retried webhook, the webhook and IMAP both) is taken in once."""

    class Source(models.TextChoices):
        WEBHOOK = "webhook", _("Webhook")
        IMAP = "imap", _("IMAP mailbox")

    class Status(models.TextChoices):
        RECEIVED = "received", _("Stored, not yet taken in")
        TAKEN_IN = "taken_in", _("Taken into a case")
        # Auto-replies, bounces, the hotline's own mail: kept, but they must not answer each other forever.
        IGNORED = "ignored", _("Kept, no case (automatic mail)")
        FAILED = "failed", _("Could not be taken in")

    # The Message-ID header as sent ("<…@…>"); "sha256:<hex of the raw bytes>" when there is none.
    message_id = models.CharField(_("Message-ID"), max_length=255, unique=True)
    source = models.CharField(_("source"), max_length=8, choices=Source.choices)
    raw = models.BinaryField(_("raw message"))
    # Lower-cased sender address and subject, read from the headers once the mail is parsed.
    sender = models.CharField(_("sender"), max_length=254, blank=True)
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    case = models.ForeignKey(
        Case, verbose_name=_("case"), null=True, blank=True, on_delete=models.SET_NULL, related_name="inbound_mails"
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.RECEIVED)
    # Why it opened no case, in words without personal data (field names, the kind of automatic mail).
    error = models.CharField(_("error"), max_length=500, blank=True)
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)

    class Meta:
        verbose_name = _("received e-mail")
        verbose_name_plural = _("received e-mails")
        ordering = ["-received_at"]
        indexes = [models.Index(fields=["status", "received_at"], name="inboundmail_pending")]

    def __str__(self) -> str:
        return f"mail #{self.pk}"

    @property
    def has_header_id(self) -> bool:
        return not self.message_id.startswith(DIGEST_PREFIX)


DIGEST_PREFIX = "sha256:"
