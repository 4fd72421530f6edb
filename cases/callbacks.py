"""Calls the hotline owes citizens. Missed calls (the voice channel) and operators schedule them;
operators record each attempt until one reaches the caller."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from cases import clock
from cases.codes import phone_e164
from cases.models import Callback, Case, CaseEvent, Reporter

# How long a citizen may wait for a promised call, unless said otherwise.
DEFAULT_DELAY = timedelta(minutes=30)
# After no answer or a busy line, try again this much later.
RETRY_DELAY = timedelta(minutes=15)


def callbacks_pending():
    # `calls` (the voice channel's calls that led here) carries the voice messages to listen to.
    return (
        Callback.objects.filter(done_at__isnull=True)
        .select_related("case")
        .prefetch_related("calls")
        .order_by("due_at", "pk")
    )


@transaction.atomic
def callback_schedule(
    *,
    actor,
    reason: str,
    phone: str = "",
    case: Case | None = None,
    due_at: datetime | None = None,
    note: str = "",
) -> Callback:
    """Put a call to make in the operators' queue. For a case, its reporter's number is used."""
    if actor is not None and not actor.has_perm("cases.work_case"):
        raise PermissionDenied(_("Only the hotline's operators may do this."))
    if reason not in Callback.Reason.values:
        raise ValidationError({"reason": _("Unknown reason.")})
    reporter = case.reporter if case is not None else None
    if phone:
        try:
            phone = phone_e164(phone)
        except ValidationError as exc:
            raise ValidationError({"phone": exc.messages}) from exc
        reporter = reporter or Reporter.objects.filter(phone=phone).first()
    elif reporter is not None and reporter.phone:
        phone = reporter.phone
    else:
        raise ValidationError({"phone": _("There is no number to call back.")})
    now = clock.now()
    if due_at is not None and due_at < now - timedelta(minutes=1):
        raise ValidationError({"due_at": _("The time to call back is in the past.")})
    callback = Callback.objects.create(
        phone=phone,
        reporter=reporter,
        case=case,
        reason=reason,
        note=note.strip(),
        due_at=due_at or now + DEFAULT_DELAY,
        created_at=now,
        created_by=actor,
    )
    if case is not None:
        CaseEvent.objects.create(
            case=case,
            actor=actor,
            action=CaseEvent.Action.CALLBACK,
            note=_("Call back by %(time)s. %(note)s") % {"time": f"{callback.due_at:%H:%M %d/%m/%Y}", "note": note},
            created_at=now,
        )
    return callback


@transaction.atomic
def callback_record(*, callback: Callback, actor, outcome: str, note: str = "") -> Callback:
    """One attempt's outcome. Reached or wrong number ends it; otherwise it stays queued, due again soon."""
    if not actor.has_perm("cases.work_case"):
        raise PermissionDenied(_("Only the hotline's operators may do this."))
    callback = Callback.objects.select_for_update().get(pk=callback.pk)
    if callback.done_at is not None:
        raise ValidationError(_("This callback is already done."))
    if outcome not in Callback.Outcome.values:
        raise ValidationError({"outcome": _("Choose how the call went.")})
    now = clock.now()
    callback.attempts += 1
    callback.last_outcome = outcome
    if note.strip():
        callback.note = f"{callback.note}\n{note.strip()}".strip()
    if outcome in Callback.FINAL_OUTCOMES:
        callback.done_at, callback.done_by = now, actor
    else:
        callback.due_at = max(callback.due_at, now + RETRY_DELAY)
    callback.save()
    if callback.case_id is not None:
        CaseEvent.objects.create(
            case_id=callback.case_id,
            actor=actor,
            action=CaseEvent.Action.CALLBACK,
            note=_("Called back: %(outcome)s. %(note)s")
            % {"outcome": callback.get_last_outcome_display(), "note": note.strip()},
            created_at=now,
        )
    return callback
