"""Celery tasks of the channels. Each runs in the province schema beat or its sender chose."""

from __future__ import annotations

from celery import shared_task

from cases import clock
from cases.sla import VN_TZ
from channels.voice.fallback import snapshot_write
from channels.voice.measures import measures_recent
from channels.voice.services import calls_stale_finish


@shared_task(ignore_result=True)
def voice_fallback_snapshot() -> str:
    """Refresh the file the database-down fallback answers from."""
    return str(snapshot_write())


@shared_task(ignore_result=True)
def voice_measures() -> list[str]:
    """Recompute today's call measures and yesterday's (calls that ran past midnight, late status callbacks)."""
    today = clock.now().astimezone(VN_TZ).date()
    return [str(day.date) for day in measures_recent(today=today, days=2)]


@shared_task(ignore_result=True)
def voice_calls_stale() -> int:
    """Calls whose end Twilio never reported: find out how they ended, and owe the callers a call."""
    return calls_stale_finish()
