"""Suspending and resuming a province (platform admins).

A suspended province keeps receiving: webhooks are still stored and calls still recorded, but
its sites answer with a maintenance page (`tenants.middleware`) and its phone line reads the
notice and transfers callers to the fallback number (`channels.voice`). Both read the status
from the cached host and number lookups, so every change here drops those caches, and the
province's page cache, whose pages must not outlive the change.
"""

from __future__ import annotations

import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from django_tenants.utils import get_public_schema_name, schema_context, tenant_context

from cases.codes import phone_e164
from cms.cache import page_cache_purge
from tenants.models import Domain, Province
from tenants.routing import forget_hosts, forget_numbers

logger = logging.getLogger(__name__)

# Long enough for a real announcement; Twilio reads at most a few thousand characters per <Say>.
NOTICE_MAX_LENGTH = 1000


def fallback_number_clean(raw: str) -> str:
    """The fallback number in E.164 ("" when none is given), or ValidationError naming the field."""
    raw = (raw or "").strip()
    if not raw:
        return ""
    try:
        return phone_e164(raw)
    except ValidationError as exc:
        raise ValidationError({"fallback_number": exc.error_list}) from exc


def notice_clean(raw: str) -> str:
    notice = (raw or "").strip()
    if len(notice) > NOTICE_MAX_LENGTH:
        raise ValidationError(
            {
                "notice": _("The notice is too long: at most %(limit)d characters, this one has %(length)d.")
                % {"limit": NOTICE_MAX_LENGTH, "length": len(notice)}
            }
        )
    return notice


@transaction.atomic
def province_suspend(province: Province, *, notice: str, fallback_number: str, actor=None) -> Province:
    """Take an active province out of service; see the module docstring for what keeps working."""
    notice, number = notice_clean(notice), fallback_number_clean(fallback_number)
    with schema_context(get_public_schema_name()):
        locked = _locked(province)
        if locked.status != Province.Status.ACTIVE:
            raise ValidationError(
                _("Only an active province can be suspended; %(name)s is %(status)s.")
                % {"name": locked.name, "status": locked.get_status_display().lower()},
                code="status",
            )
        locked.status = Province.Status.SUSPENDED
        locked.suspension_notice, locked.fallback_number = notice, number
        _status_save(locked, actor, "suspended", extra_fields=["suspension_notice", "fallback_number"])
    return locked


@transaction.atomic
def province_resume(province: Province, *, actor=None) -> Province:
    """Put a suspended province back in service. The notice and number stay, to prefill the next suspension."""
    with schema_context(get_public_schema_name()):
        locked = _locked(province)
        if locked.status != Province.Status.SUSPENDED:
            raise ValidationError(
                _("Only a suspended province can be resumed; %(name)s is %(status)s.")
                % {"name": locked.name, "status": locked.get_status_display().lower()},
                code="status",
            )
        locked.status = Province.Status.ACTIVE
        _status_save(locked, actor, "resumed")
    return locked


def _locked(province: Province) -> Province:
    # Two admins pressing at once: the second waits and then sees the first one's status.
    return Province.objects.select_for_update().get(pk=province.pk)


def _status_save(province: Province, actor, verb: str, *, extra_fields: tuple | list = ()) -> None:
    province.status_changed_at = timezone.now()
    province.save(update_fields=["status", "status_changed_at", "updated_at", *extra_fields])
    province_caches_forget(province)
    # Ids only: who pressed is in the user table, and the notice or number could name a person.
    logger.info("province %s %s by user %s", province.schema_name, verb, getattr(actor, "pk", None))


def province_caches_forget(province: Province) -> None:
    """Drop everything cached with the province's old status: its hosts, the number routes, its pages.

    Each is dropped now and again after commit, so a request racing the change cannot keep a
    stale copy (the routing functions do the same for theirs).
    """
    forget_hosts(list(Domain.objects.filter(tenant_id=province.pk).values_list("domain", flat=True)))
    forget_numbers()

    def purge_pages() -> None:
        with tenant_context(province):
            page_cache_purge()

    purge_pages()
    transaction.on_commit(purge_pages)
