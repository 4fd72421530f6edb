"""Open311 partners' API keys, and every service request they posted.

A key is shown in full once, when the province's admin issues it; the province keeps only its
SHA-256 digest. The digest is also the key that signs the status updates sent to the partner's
`notify_url` (the partner computes it from the key it holds), so nothing secret is stored that
would let anyone post requests.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cases.models import Case

KEY_SCHEME = "o311"
PREFIX_BYTES = 4  # eight hex characters: enough to tell keys apart in the admin, nothing to guess from
SECRET_BYTES = 32


def key_digest(full_key: str) -> str:
    return hashlib.sha256(full_key.encode()).hexdigest()


def key_prefix_of(full_key: str) -> str:
    """The prefix part of a well-formed key ("o311_<prefix>_<secret>"), else "".

    The secret is URL-safe base64 and may itself hold underscores: only the first two separate.
    """
    parts = full_key.split("_", 2)
    if len(parts) != 3 or parts[0] != KEY_SCHEME or len(parts[1]) != PREFIX_BYTES * 2:
        return ""
    return parts[1]


class ApiKey(models.Model):
    """A partner application allowed to post service requests to the province."""

    name = models.CharField(_("name"), max_length=150, help_text=_("The partner application, e.g. its name."))
    # Shown in the admin and in logs to tell keys apart; the first part of the key after "o311_".
    prefix = models.CharField(_("prefix"), max_length=16, unique=True, editable=False)
    # SHA-256 of the whole key: a key is high-entropy and random, so a plain digest cannot be reversed.
    secret_hash = models.CharField(max_length=64, editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    notify_url = models.URLField(
        _("status update URL"),
        blank=True,
        help_text=_(
            "Optional. Operators' replies are POSTed here as signed JSON "
            "(X-Open311-Signature: sha256=HMAC-SHA256 of the body, keyed with the SHA-256 hex digest of the key)."
        ),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("Open311 API key")
        verbose_name_plural = _("Open311 API keys")
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.key_hint})"

    @property
    def key_hint(self) -> str:
        return f"{KEY_SCHEME}_{self.prefix}_…"

    def secret_assign(self) -> str:
        """Give the (unsaved) key a new prefix and secret; returns the full key, which is never stored."""
        self.prefix = secrets.token_hex(PREFIX_BYTES)
        full_key = f"{KEY_SCHEME}_{self.prefix}_{secrets.token_urlsafe(SECRET_BYTES)}"
        self.secret_hash = key_digest(full_key)
        return full_key

    def matches(self, full_key: str) -> bool:
        return hmac.compare_digest(self.secret_hash.encode(), key_digest(full_key).encode())

    @property
    def signing_key(self) -> bytes:
        return self.secret_hash.encode()


class ServiceRequest(models.Model):
    """One POST requests.{fmt} a partner made, stored before it is taken in as a case."""

    api_key = models.ForeignKey(
        ApiKey, verbose_name=_("API key"), on_delete=models.PROTECT, related_name="service_requests"
    )
    # Answered as `token`; `tokens/{token}` resolves it to the service_request_id (the tracking code).
    token = models.UUIDField(_("token"), default=uuid.uuid4, unique=True, editable=False)
    # The client's Idempotency-Key header, if it sent one; a repeat with the same one is the same request.
    idempotency_key = models.CharField(max_length=200, blank=True)
    # SHA-256 of the posted parameters: without the header, the same parameters within 24 h are a repeat.
    params_digest = models.CharField(max_length=64)
    # The parameters as posted, without the api_key.
    payload = models.JSONField(_("payload"))
    media_url = models.URLField(_("media URL"), max_length=500, blank=True)
    case = models.OneToOneField(
        Case,
        verbose_name=_("case"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="open311_request",
    )
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)

    class Meta:
        verbose_name = _("Open311 service request")
        verbose_name_plural = _("Open311 service requests")
        ordering = ["-received_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["api_key", "idempotency_key"], condition=~Q(idempotency_key=""), name="open311_request_once"
            )
        ]
        indexes = [models.Index(fields=["api_key", "params_digest", "-received_at"], name="open311_request_repeat")]

    def __str__(self) -> str:
        return str(self.token)
