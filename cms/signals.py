"""Purge a province's cached pages (cms.cache) whenever what they show changes."""

from __future__ import annotations

from django.apps import apps
from django.db import connection, transaction
from django.db.models.signals import post_delete, post_save

from django_tenants.utils import tenant_context
from wagtail.models import Page, Site
from wagtail.signals import page_published, page_unpublished, post_page_move

from cms.cache import page_cache_purge
from cms.contact import CONTACT_SETTINGS
from cms.models import FaqTopic
from tenants.models import DialingPrefix, Province


def _purge(province) -> None:
    """Purge now, and again after the commit: a request in between would cache the old page again."""

    def purge():
        with tenant_context(province):
            page_cache_purge()

    purge()
    transaction.on_commit(purge)


def province_pages_changed(sender, **kwargs) -> None:
    """A page or something every page shows changed in the active province."""
    _purge(connection.tenant)


def settings_changed(sender, created: bool = False, **kwargs) -> None:
    # A settings row is created with its defaults the first time a page reads it: nothing shown changes.
    if not created:
        province_pages_changed(sender)


def registry_changed(sender, instance, **kwargs) -> None:
    """The platform changed a province's name or dialing prefixes, which its home page shows."""
    province = instance if isinstance(instance, Province) else instance.province
    if not province.is_public:
        _purge(province)


def connect() -> None:
    page_published.connect(province_pages_changed, dispatch_uid="cms-purge-published")
    page_unpublished.connect(province_pages_changed, dispatch_uid="cms-purge-unpublished")
    post_page_move.connect(province_pages_changed, dispatch_uid="cms-purge-moved")
    for label in ("cms.AnnouncementSettings", *CONTACT_SETTINGS):
        try:
            model = apps.get_model(label)
        except LookupError:  # a channel app this deployment does not install
            continue
        post_save.connect(settings_changed, sender=model, dispatch_uid=f"cms-purge-save-{label}")
    for model in (FaqTopic, Site):
        post_save.connect(province_pages_changed, sender=model, dispatch_uid=f"cms-purge-save-{model.__name__}")
        post_delete.connect(province_pages_changed, sender=model, dispatch_uid=f"cms-purge-delete-{model.__name__}")
    post_delete.connect(_page_deleted, dispatch_uid="cms-purge-deleted")
    for model in (Province, DialingPrefix):
        post_save.connect(registry_changed, sender=model, dispatch_uid=f"cms-purge-{model.__name__}")
        post_delete.connect(registry_changed, sender=model, dispatch_uid=f"cms-purge-{model.__name__}-delete")


def _page_deleted(sender, instance, **kwargs) -> None:
    # Deleting a live page unpublishes nothing first: the signal of any page model is caught here.
    if isinstance(instance, Page) and instance.live:
        province_pages_changed(sender)
