"""Reports sent with the province site's form, stored before they are taken in."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from cases.models import Case


class WebSubmission(models.Model):
    """One sent form, unique on the id the form was rendered with: a double click or a browser
    re-sending the POST finds this row and the case it made, never a second case.

    Its own model rather than the chat channels' `InboundEvent`: it also holds the hashed lookup
    PIN of a report without a phone number, and the web form's migrations stay in this app.
    """

    # Generated when the form is shown, signed into the form with its render time.
    submission_id = models.UUIDField(_("submission id"), unique=True)
    # What the citizen sent (the photo as its storage name), kept so nothing is lost if intake fails.
    payload = models.JSONField(_("payload"))
    case = models.OneToOneField(
        Case, verbose_name=_("case"), null=True, blank=True, on_delete=models.PROTECT, related_name="web_submission"
    )
    # For the status page, when there is no phone number to check against; a password hash.
    lookup_pin_hash = models.CharField(_("lookup PIN (hashed)"), max_length=200, blank=True)
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)

    class Meta:
        verbose_name = _("web form report")
        verbose_name_plural = _("web form reports")
        ordering = ["-received_at"]

    def __str__(self) -> str:
        return str(self.submission_id)
