"""Celery tasks of the public site. Each runs in the province schema beat sent it to."""

from __future__ import annotations

from celery import shared_task

from cms.cache import page_views_flush


@shared_task(ignore_result=True)
def faq_views_flush() -> int:
    return page_views_flush()
