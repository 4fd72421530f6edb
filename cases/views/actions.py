"""What can be done to a case from a screen: the form it needs, the service it calls, who may do it.

The operator console and the agency workspace show the actions of their side that the case's
state allows, each in one or two clicks or a key.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.utils.translation import gettext_lazy as _

from cases import callbacks, routing, services
from cases.forms import (
    AnswerForm,
    CallbackForm,
    ClassifyForm,
    DuplicateForm,
    ForwardForm,
    InfoReceivedForm,
    NoteForm,
    QuestionForm,
    ReasonForm,
    ReplyForm,
    ResolutionForm,
)
from cases.models import Agency, Callback, Case, CaseEvent

Action = CaseEvent.Action


class NoFieldsForm(forms.Form):
    """An action that needs only the click (take, acknowledge)."""


@dataclass(frozen=True)
class CaseAction:
    key: str
    label: str
    form: type[forms.Form]
    run: Callable[[Case, object, dict], object]
    done: str
    # The transition whose source states allow it; None: any open case.
    transition: str | None = None
    shortcut: str = ""
    # Shown apart and in red: it ends the case or throws work away.
    danger: bool = False
    needs_reporter: bool = False
    needs_phone: bool = False
    # Allowed on a finished case too.
    when_closed: bool = False
    # Pointless when the case is already the user's own.
    unless_mine: bool = False

    def available(self, case: Case, user) -> bool:
        if self.transition is not None:
            if case.status not in services.TRANSITIONS[self.transition][0]:
                return False
        elif not case.is_open and not self.when_closed:
            return False
        if self.unless_mine and case.assignee_id == user.pk:
            return False
        if self.needs_reporter and case.reporter_id is None:
            return False
        return not (self.needs_phone and not (case.reporter and case.reporter.phone))

    def form_for(self, case: Case, data=None) -> forms.Form:
        if self.form is ForwardForm:
            return ForwardForm(data, suggested=suggested_agencies(case))
        return self.form(data)


def suggested_agencies(case: Case) -> list[Agency]:
    """Routing's choice first, then the agency the case is with, then those that handle its category."""
    found = []
    for agency in (
        routing.agency_for(category=case.category, ward=case.ward),
        case.agency,
        *case.category.handling_agencies.filter(is_active=True).order_by("name")[:5],
    ):
        if agency is not None and agency.is_active and agency not in found:
            found.append(agency)
    return found


# Both sides may ask the reporter: operators before forwarding, agencies while they work on it.
REQUEST_INFO = CaseAction(
    "request_info",
    _("Ask the reporter for more"),
    QuestionForm,
    lambda case, user, data: services.case_request_info(case=case, actor=user, question=data["question"]),
    _("The question was sent; the deadlines are paused."),
    transition=Action.INFO_REQUESTED,
    needs_reporter=True,
)

OPERATOR_ACTIONS = (
    CaseAction(
        "take",
        _("Take this case"),
        NoFieldsForm,
        lambda case, user, data: services.case_assign(case=case, actor=user),
        _("The case is in your queue."),
        shortcut="t",
        unless_mine=True,
    ),
    CaseAction(
        "forward",
        _("Forward to an agency"),
        ForwardForm,
        lambda case, user, data: services.case_forward(case=case, actor=user, agency=data["agency"], note=data["note"]),
        _("Forwarded."),
        transition=Action.FORWARDED,
        shortcut="f",
    ),
    CaseAction(
        "reply",
        _("Reply to the reporter"),
        ReplyForm,
        lambda case, user, data: services.case_note_add(case=case, actor=user, text=data["text"], to_reporter=True),
        _("The reply is on its way to the reporter."),
        shortcut="r",
        needs_reporter=True,
    ),
    CaseAction(
        "note",
        _("Internal note"),
        NoteForm,
        lambda case, user, data: services.case_note_add(case=case, actor=user, text=data["text"]),
        _("Note added."),
        shortcut="g",
        when_closed=True,
    ),
    REQUEST_INFO,
    CaseAction(
        "info_received",
        _("The reporter answered"),
        InfoReceivedForm,
        lambda case, user, data: services.case_info_received(case=case, actor=user, text=data["text"]),
        _("The deadlines run again."),
        transition=Action.INFO_RECEIVED,
    ),
    CaseAction(
        "classify",
        _("Change category, priority or ward"),
        ClassifyForm,
        lambda case, user, data: services.case_classify(
            case=case, actor=user, category=data["category"], priority=data["priority"], ward=data["ward"]
        ),
        _("Classification saved; the deadlines were recomputed."),
        transition=Action.CLASSIFIED,
    ),
    CaseAction(
        "callback",
        _("Call the reporter back"),
        CallbackForm,
        lambda case, user, data: callbacks.callback_schedule(
            actor=user, reason=Callback.Reason.FOLLOW_UP, case=case, due_at=data["due_at"], note=data["note"]
        ),
        _("The callback is in the callbacks queue."),
        needs_phone=True,
        when_closed=True,
    ),
    CaseAction(
        "close",
        _("Close"),
        ResolutionForm,
        lambda case, user, data: services.case_close(
            case=case, actor=user, resolution=data["resolution"], notify_reporter=data["notify_reporter"]
        ),
        _("Closed."),
        transition=Action.CLOSED,
        shortcut="c",
    ),
    CaseAction(
        "reopen",
        _("Reopen"),
        ReasonForm,
        lambda case, user, data: services.case_reopen(case=case, actor=user, reason=data["reason"]),
        _("Reopened with a new deadline."),
        transition=Action.REOPENED,
    ),
    CaseAction(
        "duplicate",
        _("Mark as duplicate"),
        DuplicateForm,
        lambda case, user, data: services.case_mark_duplicate(case=case, actor=user, original=data["original"]),
        _("Marked as a duplicate."),
        transition=Action.DUPLICATE,
        danger=True,
    ),
    CaseAction(
        "reject",
        _("Reject"),
        ReasonForm,
        lambda case, user, data: services.case_reject(case=case, actor=user, reason=data["reason"]),
        _("Rejected."),
        transition=Action.REJECTED,
        danger=True,
    ),
)

AGENCY_ACTIONS = (
    CaseAction(
        "acknowledge",
        _("Acknowledge"),
        NoFieldsForm,
        lambda case, user, data: services.case_acknowledge(case=case, actor=user),
        _("Acknowledged: the operators know your agency is on it."),
        transition=Action.ACKNOWLEDGED,
        shortcut="a",
    ),
    CaseAction(
        "answer",
        _("Answer"),
        AnswerForm,
        lambda case, user, data: services.case_answer(case=case, actor=user, answer=data["answer"]),
        _("Answer sent to the hotline."),
        transition=Action.ANSWERED,
        shortcut="r",
    ),
    REQUEST_INFO,
    CaseAction(
        "note",
        _("Note for the hotline"),
        NoteForm,
        lambda case, user, data: services.case_note_add(case=case, actor=user, text=data["text"]),
        _("Note added."),
        shortcut="g",
    ),
    CaseAction(
        "return",
        _("Return to the hotline"),
        ReasonForm,
        lambda case, user, data: services.case_return(case=case, actor=user, reason=data["reason"]),
        _("Returned to the hotline."),
        transition=Action.RETURNED,
        danger=True,
    ),
)


def action_named(actions: tuple[CaseAction, ...], key: str) -> CaseAction | None:
    return next((action for action in actions if action.key == key), None)
