"""Keep the database-down fallback's snapshot current: it must already be right when the database goes."""

from __future__ import annotations

import logging

from django.db import connection, transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from django_tenants.utils import tenant_context

from channels.voice.fallback import snapshot_write
from channels.voice.models import VoiceSettings
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
