"""Celery tasks of national oversight. Each runs in the province schema beat sent it to."""

from __future__ import annotations

from celery import shared_task

from oversight.rollups import rollups_refresh


@shared_task(ignore_result=True)
def rollups_refresh_task() -> dict[str, int]:
    result = rollups_refresh()
    return {"case_days": result.case_days, "call_days": result.call_days, "rows": result.rows}
