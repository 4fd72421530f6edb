"""The deadline sweep: marks cases at risk and overdue, once each, and escalates new breaches.

Set-based SQL over partial indexes, so a pass costs the rows that cross a threshold, not
the number of open cases. Every mark is an `UPDATE ... WHERE <mark> IS NULL`: a second or
concurrent pass, or one run late after a worker restart, finds nothing left to mark.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime

from django.db import connection, transaction
from django.utils.translation import gettext as _

from cases import clock
from cases.models import RESOLUTION_CLOCK_STATES, Case, CaseEvent, CaseStatus, Channel, OutboxMessage
from cases.outbox import message_language, outbox_enqueue, outbox_message

logger = logging.getLogger(__name__)

DIGEST_LIMIT = 50

# The same states as the partial indexes' predicates (models.RESOLUTION_CLOCK_STATES), so the planner uses them.
_RESOLUTION_STATES = ", ".join(f"'{s}'" for s in RESOLUTION_CLOCK_STATES)
_RESPONSE_RUNNING = f"status = '{CaseStatus.NEW}' AND responded_at IS NULL"
_RESOLUTION_RUNNING = f"status IN ({_RESOLUTION_STATES})"

# (clock, mark column, threshold column, running condition, event action)
_MARKS = (
    ("response", "response_at_risk_since", "response_risk_at", _RESPONSE_RUNNING, CaseEvent.Action.AT_RISK),
    ("resolution", "resolution_at_risk_since", "resolution_risk_at", _RESOLUTION_RUNNING, CaseEvent.Action.AT_RISK),
    ("response", "response_breached_since", "response_due_at", _RESPONSE_RUNNING, CaseEvent.Action.BREACHED),
    ("resolution", "resolution_breached_since", "resolution_due_at", _RESOLUTION_RUNNING, CaseEvent.Action.BREACHED),
)


@dataclass
class SweepResult:
    at_risk: int = 0
    breached: int = 0
    breached_ids: list[int] = field(default_factory=list)
    escalation_id: int | None = None

    @property
    def touched(self) -> int:
        return self.at_risk + self.breached


@transaction.atomic
def sla_sweep(*, now: datetime | None = None) -> SweepResult:
    """One pass over the active province schema."""
    now = now or clock.now()
    result = SweepResult()
    with connection.cursor() as cursor:
        for clock_name, mark, threshold, running, action in _MARKS:
            cursor.execute(_mark_sql(mark, threshold, running), {"now": now, "action": action, "clock": clock_name})
            ids = [row[0] for row in cursor.fetchall()]
            if action == CaseEvent.Action.AT_RISK:
                result.at_risk += len(ids)
            else:
                result.breached += len(ids)
                result.breached_ids += ids
    if result.breached_ids:
        result.escalation_id = _escalate(sorted(set(result.breached_ids))).pk
    if result.touched:
        logger.info("sla sweep: %d at risk, %d breached", result.at_risk, result.breached)
    return result


def _mark_sql(mark: str, threshold: str, running: str) -> str:
    # Column names come from _MARKS above, never from input. updated_at moves too: national
    # rollups recount the reports changed since their last run (oversight.rollups).
    return f"""
        WITH marked AS (
            UPDATE cases_case SET {mark} = %(now)s, updated_at = %(now)s
            WHERE {running} AND {mark} IS NULL AND {threshold} <= %(now)s
            RETURNING id
        )
        INSERT INTO cases_caseevent (case_id, action, field, old_value, new_value, note, created_at)
        SELECT id, %(action)s, %(clock)s, '', '', '', %(now)s FROM marked
        RETURNING case_id
    """


def _escalate(case_ids: list[int]) -> OutboxMessage:
    """One digest to the supervisors per pass, however many cases crossed their deadline."""
    with message_language():
        return _digest(case_ids)


def _digest(case_ids: list[int]) -> OutboxMessage:
    cases = (
        Case.objects.filter(pk__in=case_ids[:DIGEST_LIMIT])
        .select_related("category", "agency")
        .order_by("resolution_due_at")
    )
    lines = [
        f"- {case.display_code} · {case.category.name} · {case.agency.name if case.agency else _('not forwarded')}"
        for case in cases
    ]
    if len(case_ids) > DIGEST_LIMIT:
        lines.append(_("… and %(count)s more.") % {"count": len(case_ids) - DIGEST_LIMIT})
    count = len(case_ids)
    return outbox_enqueue(
        outbox_message(
            kind=OutboxMessage.Kind.ESCALATION,
            channel=Channel.EMAIL,
            subject=_("[1022] %(count)s case(s) past their deadline") % {"count": count},
            body=_("These cases have just missed a deadline:") + "\n\n" + "\n".join(lines),
        )
    )
