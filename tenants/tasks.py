"""Celery tasks of the platform registry. They run in the public schema they are sent from, and take slugs."""

from __future__ import annotations

import contextlib

from celery import shared_task

from tenants.archive import province_export as archive_write
from tenants.merge import merge_execute
from tenants.models import MergeRun, Province


@shared_task(ignore_result=True)
def province_export(slug: str) -> str:
    """Write the province's archive under VAR_DIR/archives (tenants.archive); run twice, it writes two."""
    province = Province.objects.provinces().get(slug=slug)
    return str(archive_write(province))


@shared_task(ignore_result=True)
def province_merge(run_id: int) -> str:
    """Run a planned merger or dry run (tenants.merge). A failure is recorded on the run and rolled back."""
    run = MergeRun.objects.select_related("source", "target").get(pk=run_id)
    # A failure is on the run (failed, everything rolled back) for the admin's page; a retry would only
    # fail the same way, so the task ends here either way.
    with contextlib.suppress(Exception):
        merge_execute(run)
    run.refresh_from_db()
    return run.state
