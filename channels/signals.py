"""Keep the database-down fallback's snapshot current: it must already be right when the database goes."""

from __future__ import annotations

import logging

from django.db import connection, transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from django_tenants.utils import tenant_context
from wagtail.documents import get_document_model_string

from cases.models import BusinessCalendar
from channels.voice.fallback import snapshot_write
from channels.voice.line import line_forget
from channels.voice.models import IvrMenu, VoiceSettings
from tenants.models import DialingPrefix, Domain, PhoneNumber

logger = logging.getLogger(__name__)


def _write_for(province) -> None:
    try:
        with tenant_context(province):
            snapshot_write()
    except Exception:  # a snapshot that cannot be written must not undo the admin's change
        logger.exception("voice fallback snapshot not written")


@receiver(post_save, sender=VoiceSettings)
def line_changed(sender, instance: VoiceSettings, **kwargs):
    province = connection.tenant
    transaction.on_commit(lambda: _write_for(province))
    line_forget()


# The line as webhooks keep it holds its menus, its calendar and their recordings.
@receiver(post_save, sender=IvrMenu)
@receiver(post_delete, sender=IvrMenu)
@receiver(post_save, sender=BusinessCalendar)
@receiver(post_delete, sender=BusinessCalendar)
@receiver(post_save, sender=get_document_model_string())
def line_parts_changed(sender, instance, **kwargs):
    line_forget()


@receiver(post_save, sender=PhoneNumber)
@receiver(post_delete, sender=PhoneNumber)
@receiver(post_save, sender=DialingPrefix)
@receiver(post_delete, sender=DialingPrefix)
@receiver(post_save, sender=Domain)
@receiver(post_delete, sender=Domain)
def routing_changed(sender, instance, **kwargs):
    province = instance.province if hasattr(instance, "province_id") else instance.tenant
    if province.is_public:
        return
    transaction.on_commit(lambda: _write_for(province))
