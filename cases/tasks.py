"""Celery tasks of the case engine. Each runs in the province schema it was sent from (or
that beat sent it to), takes ids, and is safe to run twice."""

from __future__ import annotations

from celery import shared_task

from cases.outbox import outbox_deliver_one, outbox_due_ids
from cases.sweeper import sla_sweep as sweep


@shared_task(ignore_result=True)
def outbox_deliver(message_id: int) -> str:
    return outbox_deliver_one(message_id)


@shared_task(ignore_result=True)
def outbox_flush() -> int:
    """Deliver every due row: the ones whose dispatch failed, retries whose time has come, stale claims."""
    delivered = 0
    for message_id in outbox_due_ids():
        if outbox_deliver_one(message_id) == "sent":
            delivered += 1
    return delivered


@shared_task(ignore_result=True)
def sla_sweep() -> dict[str, int]:
    result = sweep()
    return {"at_risk": result.at_risk, "breached": result.breached}
