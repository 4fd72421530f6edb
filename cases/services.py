"""Every write on a case. Each service is atomic, checks who may act, refuses an illegal
transition with a clear message, and leaves an audit event.

`case_intake` is the single entry point for every channel.
"""

from __future__ import annotations

import contextlib
import logging
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils.translation import gettext as _

from cases import clock, deadlines, routing, rules, sla
from cases.codes import phone_e164, tracking_code_new
from cases.defaults import FALLBACK_CATEGORY
from cases.models import (
    Agency,
    Case,
    CaseEvent,
    CaseStatus,
    Category,
    Channel,
    OutboxMessage,
    Priority,
    Reporter,
    ReporterIdentity,
    TrackingCodeAlias,
    Ward,
)
from cases.outbox import message_language, outbox_dispatch, outbox_enqueue, outbox_message
from cases.search import search_document
from cases.sql import Row, insert_with_children

logger = logging.getLogger(__name__)

Action = CaseEvent.Action
S = CaseStatus

DESCRIPTION_MAX = 10_000
# Channels on which the reporter gets the tracking code back in writing at once.
ACKNOWLEDGED_CHANNELS = {Channel.SMS, Channel.ZALO, Channel.MESSENGER, Channel.VIBER, Channel.EMAIL}
_INTAKE_ATTEMPTS = 5
_CHANNELS = frozenset(Channel.values)
_PRIORITIES = frozenset(Priority.values)


class IllegalTransition(ValidationError):
    """The case is not in a state that allows the action."""


@dataclass(frozen=True)
class ReporterInput:
    """Who reported, as the channel knows them. Every field may be empty (anonymous reports)."""

    name: str = ""
    phone: str = ""
    email: str = ""
    # The id the channel knows them by (Zalo user id, Messenger PSID, Viber id).
    channel_id: str = ""


@dataclass(frozen=True)
class IntakeResult:
    case: Case
    # False when the same provider id was taken in before (a retried webhook).
    created: bool


# action → (states it may start from, state it leads to); None keeps the state.
TRANSITIONS: dict[str, tuple[tuple[str, ...], str | None]] = {
    Action.FORWARDED: ((S.NEW, S.FORWARDED, S.IN_PROGRESS, S.ANSWERED), S.FORWARDED),
    Action.ACKNOWLEDGED: ((S.FORWARDED,), S.IN_PROGRESS),
    Action.ANSWERED: ((S.FORWARDED, S.IN_PROGRESS), S.ANSWERED),
    Action.RETURNED: ((S.FORWARDED, S.IN_PROGRESS), S.NEW),
    Action.INFO_REQUESTED: ((S.NEW, S.FORWARDED, S.IN_PROGRESS), S.WAITING_REPORTER),
    Action.INFO_RECEIVED: ((S.WAITING_REPORTER,), None),
    Action.CLOSED: ((S.NEW, S.FORWARDED, S.IN_PROGRESS, S.WAITING_REPORTER, S.ANSWERED), S.CLOSED),
    Action.REOPENED: ((S.CLOSED, S.REJECTED, S.DUPLICATE), S.NEW),
    Action.REJECTED: ((S.NEW, S.WAITING_REPORTER), S.REJECTED),
    Action.DUPLICATE: ((S.NEW, S.FORWARDED, S.IN_PROGRESS, S.WAITING_REPORTER), S.DUPLICATE),
    Action.CLASSIFIED: ((S.NEW, S.FORWARDED, S.IN_PROGRESS, S.WAITING_REPORTER, S.ANSWERED), None),
}


def allowed_actions(case: Case) -> list[str]:
    """The transitions the case's state allows (the console shows only these)."""
    return [action for action, (sources, _target) in TRANSITIONS.items() if case.status in sources]


# --- intake -------------------------------------------------------------------------------------


def case_intake(
    *,
    channel: str,
    description: str,
    provider_id: str = "",
    reporter: ReporterInput | None = None,
    category: Category | str | None = None,
    priority: str = Priority.NORMAL,
    ward: Ward | int | None = None,
    address: str = "",
    latitude: Decimal | float | None = None,
    longitude: Decimal | float | None = None,
    received_at: datetime | None = None,
    actor=None,
) -> IntakeResult:
    """Turn a call or message into a case: reporter, category, routing, deadlines, audit, acknowledgement.

    Idempotent on (channel, provider_id): a provider retrying a webhook gets the case it
    created the first time.
    """
    _intake_validate(channel=channel, description=description, priority=priority, lat=latitude, lng=longitude)
    if actor is not None:
        _require_operator(actor)
    # No look-up first: the unique constraint answers a retried webhook, so new reports pay nothing for it.
    # The common report (a phone number or nobody) is one statement, atomic on its own; anything
    # more, or a caller's open transaction (which a failed statement must not poison), needs a block.
    one_statement = reporter is None or (bool(reporter.phone) and not reporter.channel_id)
    for _attempt in range(_INTAKE_ATTEMPTS):
        block = contextlib.nullcontext() if one_statement and not connection.in_atomic_block else transaction.atomic()
        try:
            with block:
                case = _case_create(
                    channel=channel,
                    provider_id=provider_id,
                    description=description.strip(),
                    reporter_input=reporter,
                    category_rules=_category_resolve(category),
                    priority=priority,
                    ward=_ward_resolve(ward),
                    address=address.strip(),
                    latitude=latitude,
                    longitude=longitude,
                    received_at=received_at or clock.now(),
                    actor=actor,
                )
            return IntakeResult(case, created=True)
        except IntegrityError as exc:
            constraint = _constraint_name(exc)
            if constraint == "case_unique_provider_id":
                # A concurrent retry of the same webhook won the race.
                return IntakeResult(Case.objects.get(channel=channel, provider_id=provider_id), created=False)
            if constraint not in ("case_unique_tracking_code", "reporteridentity_unique_per_channel"):
                raise
            # A tracking-code collision, or a concurrent intake created the same reporter: try again.
    raise RuntimeError("case intake failed repeatedly on unique constraints")


def _tracking_code_free() -> str:
    """A new code that is not a merged report's former code either (those live on as aliases)."""
    while True:
        code = tracking_code_new()
        if not TrackingCodeAlias.objects.filter(code=code).exists():
            return code


def _intake_validate(*, channel, description, priority, lat, lng) -> None:
    errors = {}
    if channel not in _CHANNELS:
        errors["channel"] = _("Unknown channel “%(channel)s”.") % {"channel": channel}
    if not (description or "").strip():
        errors["description"] = _("Describe what the report is about.")
    elif len(description) > DESCRIPTION_MAX:
        errors["description"] = _("The description is too long (at most %(max)s characters).") % {
            "max": DESCRIPTION_MAX
        }
    if priority not in _PRIORITIES:
        errors["priority"] = _("Unknown priority “%(priority)s”.") % {"priority": priority}
    if (lat is None) != (lng is None):
        errors["latitude"] = _("Give both latitude and longitude, or neither.")
    elif lat is not None and not (-90 <= float(lat) <= 90 and -180 <= float(lng) <= 180):
        errors["latitude"] = _("The coordinates are out of range.")
    if errors:
        raise ValidationError(errors)


def _constraint_name(exc: IntegrityError) -> str:
    diag = getattr(exc.__cause__, "diag", None)
    return getattr(diag, "constraint_name", "") or ""


def _category_resolve(category: Category | str | None) -> rules.CategoryRules:
    code = (category.code if isinstance(category, Category) else category) or FALLBACK_CATEGORY
    found = rules.category_rules(code)
    if found is None:
        raise ValidationError({"category": _("Unknown category “%(code)s”.") % {"code": code}})
    return found


def _ward_resolve(ward: Ward | int | None) -> Ward | None:
    if ward is None or isinstance(ward, Ward):
        return ward
    found = rules.ward_by_code(ward)
    if found is None:
        raise ValidationError({"ward": _("Ward or commune %(code)s is not in this province.") % {"code": ward}})
    return found


def _case_create(
    *,
    channel,
    provider_id,
    description,
    reporter_input,
    category_rules: rules.CategoryRules,
    priority,
    ward,
    address,
    latitude,
    longitude,
    received_at,
    actor,
) -> Case:
    """Store the case, its first events and notifications in one statement (see `cases.sql`)."""
    now = clock.now()
    category = category_rules.category
    phone = _reporter_phone(reporter_input)
    prelude, reporter_override, reporter = None, {}, None
    if reporter_input and phone and not reporter_input.channel_id:
        prelude = ("reporter", _REPORTER_UPSERT + " RETURNING id", _reporter_params(reporter_input, phone, now))
        reporter_override = {"reporter_id": "(SELECT id FROM reporter)"}
    elif reporter_input:
        reporter = _reporter_ensure(reporter_input, channel, phone)
    emergency = category.is_emergency
    if emergency:
        priority = Priority.URGENT
    agency = (rules.emergency_agency() if emergency else None) or rules.agency_for(category, ward)
    forwarded = emergency and agency is not None
    targets = category_rules.targets[priority]
    clocks = {
        name: deadlines.clock_start(
            spec=category_rules.spec, start=received_at, target=target, at_risk_fraction=targets.at_risk_fraction
        )
        for name, target in (("response", targets.response), ("resolution", targets.resolution))
    }
    case = Case(
        tracking_code=_tracking_code_free(),
        channel=channel,
        provider_id=provider_id,
        reporter=reporter,
        category=category,
        priority=priority,
        is_emergency=emergency,
        description=description,
        ward=ward,
        address=address,
        latitude=latitude,
        longitude=longitude,
        agency=agency,
        # An operator who types in a call keeps the case until they forward or hand it over.
        assignee=actor,
        search_text=search_document(description, address),
        received_at=received_at,
        response_due_at=clocks["response"].due_at,
        response_risk_at=clocks["response"].risk_at,
        resolution_due_at=clocks["resolution"].due_at,
        resolution_risk_at=clocks["resolution"].risk_at,
        # An emergency is forwarded the moment it arrives: it never waits in a queue.
        status=S.FORWARDED if forwarded else S.NEW,
        forwarded_at=now if forwarded else None,
        responded_at=now if forwarded else None,
    )
    events = [CaseEvent(actor=actor, action=Action.RECEIVED, new_value=channel, created_at=now)]
    messages = []
    if emergency:
        events.append(CaseEvent(actor=actor, action=Action.EMERGENCY, created_at=now))
    if forwarded:
        events.append(CaseEvent(action=Action.FORWARDED, field="agency", new_value=agency.code, created_at=now))
        messages += _agency_notice_messages(case, agency)
    if channel in ACKNOWLEDGED_CHANNELS and reporter_input is not None:
        messages.append(_acknowledgement(case, channel))
    inserted = insert_with_children(
        case,
        children=[Row(row, parent="case_id") for row in (*events, *messages)],
        prelude=prelude,
        main_overrides=reporter_override,
    )
    case.pk = inserted.main_id
    case._state.adding = False
    if prelude:
        case.reporter_id = inserted.prelude_id
    if messages:
        message_ids = inserted.child_ids[len(events) :]
        transaction.on_commit(lambda: outbox_dispatch(message_ids))
    return case


def _reporter_phone(reporter_input: ReporterInput | None) -> str:
    if not reporter_input or not reporter_input.phone:
        return ""
    try:
        return phone_e164(reporter_input.phone)
    except ValidationError as exc:
        raise ValidationError({"phone": exc.messages}) from exc


def _acknowledgement(case: Case, channel: str) -> OutboxMessage:
    with message_language():
        body = _("The 1022 hotline of %(province)s has received your report. Tracking code: %(code)s.") % {
            "province": _province_name(),
            "code": case.display_code,
        }
    return outbox_message(kind=OutboxMessage.Kind.ACKNOWLEDGEMENT, channel=channel, body=body)


def _reporter_ensure(data: ReporterInput, channel: str, phone: str) -> Reporter:
    """Find the reporter by channel id or phone, or create them; fill in what was missing."""
    name, email = data.name.strip()[:150], data.email.strip()[:254]
    if data.channel_id:
        identity = (
            ReporterIdentity.objects.select_related("reporter")
            .filter(channel=channel, external_id=data.channel_id)
            .first()
        )
        reporter = identity.reporter if identity else None
        if reporter is None:
            reporter = _reporter_upsert(name=name, phone=phone, email=email) if phone else None
            reporter = reporter or Reporter.objects.create(name=name, email=email)
            ReporterIdentity.objects.create(reporter=reporter, channel=channel, external_id=data.channel_id)
        else:
            _reporter_complete(reporter, name=name, phone=phone, email=email)
        return reporter
    if phone:
        return _reporter_upsert(name=name, phone=phone, email=email)
    return Reporter.objects.create(name=name, email=email)


# One round trip for the common case (a caller with a number), and no race between two calls
# from the same number: the partial unique index on phone decides.
_REPORTER_UPSERT = """
    INSERT INTO cases_reporter (name, phone, email, created_at, updated_at)
    VALUES (%s, %s, %s, %s, %s)
    ON CONFLICT (phone) WHERE phone <> '' DO UPDATE SET
        name = CASE WHEN cases_reporter.name = '' THEN EXCLUDED.name ELSE cases_reporter.name END,
        email = CASE WHEN cases_reporter.email = '' THEN EXCLUDED.email ELSE cases_reporter.email END,
        updated_at = EXCLUDED.updated_at
"""


def _reporter_params(data: ReporterInput, phone: str, now: datetime) -> list:
    return [data.name.strip()[:150], phone, data.email.strip()[:254], now, now]


def _reporter_upsert(*, name: str, phone: str, email: str) -> Reporter:
    now = clock.now()
    with connection.cursor() as cursor:
        cursor.execute(_REPORTER_UPSERT + " RETURNING id", [name, phone, email, now, now])
        (pk,) = cursor.fetchone()
    return Reporter.objects.get(pk=pk)


def _reporter_complete(reporter: Reporter, *, name: str, phone: str, email: str) -> None:
    changed = []
    for field, value in (("name", name), ("phone", phone), ("email", email)):
        if value and not getattr(reporter, field):
            if field == "phone" and Reporter.objects.filter(phone=value).exists():
                continue  # the number belongs to another reporter record; never steal it
            setattr(reporter, field, value)
            changed.append(field)
    if changed:
        reporter.save(update_fields=[*changed, "updated_at"])


# --- transitions --------------------------------------------------------------------------------


@transaction.atomic
def case_forward(*, case: Case, actor, agency: Agency, note: str = "") -> Case:
    """Send the case to the competent agency (again, if it went elsewhere before)."""
    _require_operator(actor)
    case = _locked(case)
    _check(case, Action.FORWARDED)
    if not agency.is_active:
        raise ValidationError({"agency": _("%(agency)s is not active.") % {"agency": agency.name}})
    if case.agency_id == agency.pk and case.status in (S.FORWARDED, S.IN_PROGRESS):
        raise IllegalTransition(_("Case %(code)s is already with %(agency)s.") % _names(case, agency=agency))
    now = clock.now()
    old_agency = case.agency.code if case.agency else ""
    old_status = case.status
    case.agency = agency
    case.status = S.FORWARDED
    case.forwarded_at = now
    case.responded_at = case.responded_at or now
    if old_status == S.ANSWERED:
        # Sent back for a better answer: the resolution clock runs again.
        case.resolved_at = None
        case.answered_at = None
    case.save()
    _event(case, actor, Action.FORWARDED, "agency", old_agency, agency.code, note)
    _agency_notice(case, agency)
    return case


@transaction.atomic
def case_acknowledge(*, case: Case, actor) -> Case:
    """The agency confirms it has taken the case on."""
    case = _locked(case)
    _require_agency_or_operator(actor, case)
    _check(case, Action.ACKNOWLEDGED)
    return _move(case, actor, Action.ACKNOWLEDGED)


@transaction.atomic
def case_answer(*, case: Case, actor, answer: str) -> Case:
    """The agency's answer: it stops the resolution clock; the operators close the case with it."""
    case = _locked(case)
    _require_agency_or_operator(actor, case)
    _check(case, Action.ANSWERED)
    answer = _required_text(answer, "answer", _("Write the answer."))
    now = clock.now()
    case.answered_at = now
    case.resolved_at = case.resolved_at or now
    case.resolution = answer
    return _move(case, actor, Action.ANSWERED, note=answer)


@transaction.atomic
def case_return(*, case: Case, actor, reason: str) -> Case:
    """The agency hands the case back (not competent, wrong ward...); the operators forward it again."""
    case = _locked(case)
    _require_agency_or_operator(actor, case)
    _check(case, Action.RETURNED)
    reason = _required_text(reason, "reason", _("Say why the case is returned."))
    old_agency = case.agency.code if case.agency else ""
    case.agency = None
    _event(case, actor, Action.RETURNED, "agency", old_agency, "", reason)
    return _move(case, actor, Action.RETURNED, note=reason)


@transaction.atomic
def case_request_info(*, case: Case, actor, question: str) -> Case:
    """Ask the reporter for more; the clocks pause until they answer."""
    case = _locked(case)
    _require_agency_or_operator(actor, case)
    _check(case, Action.INFO_REQUESTED)
    question = _required_text(question, "question", _("Write what the reporter should tell us."))
    case.paused_at = clock.now()
    case = _move(case, actor, Action.INFO_REQUESTED, note=question)
    _reporter_reply(case, question)
    return case


@transaction.atomic
def case_info_received(*, case: Case, actor=None, text: str = "") -> Case:
    """The reporter answered: the case returns to the state it waited in, with the paused time given back."""
    if actor is not None:
        _require_agency_or_operator(actor, case)
    case = _locked(case)
    _check(case, Action.INFO_RECEIVED)
    asked = case.events.filter(action=Action.INFO_REQUESTED).order_by("-created_at", "-pk").first()
    previous = asked.old_value if asked else S.NEW
    now = clock.now()
    spec = deadlines.calendar_spec(case.category.sla_policy.calendar)
    for name in ("response", "resolution"):
        due, risk = getattr(case, f"{name}_due_at"), getattr(case, f"{name}_risk_at")
        if due and risk and case.paused_at:
            moved = deadlines.clock_resume(
                spec=spec, paused_at=case.paused_at, resumed_at=now, clock=deadlines.Clock(due_at=due, risk_at=risk)
            )
            setattr(case, f"{name}_due_at", moved.due_at)
            setattr(case, f"{name}_risk_at", moved.risk_at)
    case.paused_at = None
    return _move(case, actor, Action.INFO_RECEIVED, note=text, target=previous)


@transaction.atomic
def case_follow_up(*, case: Case, text: str, channel: str, provider_id: str = "") -> CaseEvent:
    """The reporter wrote or called again about their open case: recorded on it; the state stays.

    Idempotent on (channel, provider_id): a provider retrying a webhook gets the event recorded the first time.
    """
    if channel not in _CHANNELS:
        raise ValidationError({"channel": _("Unknown channel “%(channel)s”.") % {"channel": channel}})
    case = _locked(case)
    if not case.is_open:
        raise IllegalTransition(_("Case %(code)s is finished.") % _names(case))
    # Like the first contact's event, it names the channel; with the provider's id it is found again.
    source = (f"{channel}:{provider_id}" if provider_id else channel)[:200]
    if provider_id:
        earlier = case.events.filter(action=Action.RECEIVED_AGAIN, new_value=source).first()
        if earlier is not None:
            return earlier
    event = _event(case, None, Action.RECEIVED_AGAIN, new=source, note=(text or "").strip())
    Case.objects.filter(pk=case.pk).update(updated_at=clock.now())
    return event


@transaction.atomic
def case_close(*, case: Case, actor, resolution: str, notify_reporter: bool = True) -> Case:
    """Close with the resolution the reporter is told."""
    _require_operator(actor)
    case = _locked(case)
    _check(case, Action.CLOSED)
    resolution = _required_text(resolution, "resolution", _("Write the resolution."))
    now = clock.now()
    case.resolution = resolution
    case.closed_at = now
    case.resolved_at = case.resolved_at or now
    case.responded_at = case.responded_at or now
    case.paused_at = None
    case = _move(case, actor, Action.CLOSED, note=resolution)
    if notify_reporter:
        with message_language():
            text = _("Your report %(code)s is closed: %(resolution)s") % {
                "code": case.display_code,
                "resolution": resolution,
            }
        _reporter_reply(case, text)
    return case


@transaction.atomic
def case_reopen(*, case: Case, actor, reason: str) -> Case:
    """Open a finished case again, with a fresh resolution clock from now."""
    _require_operator(actor)
    case = _locked(case)
    _check(case, Action.REOPENED)
    reason = _required_text(reason, "reason", _("Say why the case is reopened."))
    now = clock.now()
    spec = deadlines.calendar_spec(case.category.sla_policy.calendar)
    targets = deadlines.targets_for(case.category.sla_policy, case.priority)
    resolution = deadlines.clock_start(
        spec=spec, start=now, target=targets.resolution, at_risk_fraction=targets.at_risk_fraction
    )
    case.resolution_due_at, case.resolution_risk_at = resolution.due_at, resolution.risk_at
    case.resolution_at_risk_since = case.resolution_breached_since = None
    case.closed_at = case.resolved_at = case.answered_at = None
    case.duplicate_of = None
    return _move(case, actor, Action.REOPENED, note=reason)


@transaction.atomic
def case_reject(*, case: Case, actor, reason: str) -> Case:
    """Refuse a report that is not for the hotline (out of scope, abusive, a test call), saying why."""
    _require_operator(actor)
    case = _locked(case)
    _check(case, Action.REJECTED)
    reason = _required_text(reason, "reason", _("Say why the case is rejected."))
    now = clock.now()
    case.closed_at = now
    case.resolved_at = case.resolved_at or now
    case.responded_at = case.responded_at or now
    case.paused_at = None
    return _move(case, actor, Action.REJECTED, note=reason)


@transaction.atomic
def case_mark_duplicate(*, case: Case, actor, original: Case, note: str = "") -> Case:
    """Fold a repeated report into the case that already handles it."""
    _require_operator(actor)
    case = _locked(case)
    _check(case, Action.DUPLICATE)
    while original.duplicate_of_id is not None:
        original = original.duplicate_of
    if original.pk == case.pk:
        raise ValidationError({"original": _("A case cannot be a duplicate of itself.")})
    now = clock.now()
    case.duplicate_of = original
    case.closed_at = now
    case.resolved_at = case.resolved_at or now
    case.responded_at = case.responded_at or now
    case.paused_at = None
    _event(case, actor, Action.DUPLICATE, "duplicate_of", "", original.tracking_code, note)
    return _move(case, actor, Action.DUPLICATE)


@transaction.atomic
def case_classify(
    *, case: Case, actor, category: Category | None = None, priority: str | None = None, ward: Ward | None = None
) -> Case:
    """Correct the category, priority or ward; deadlines are recomputed from receipt, routing if not yet forwarded."""
    _require_operator(actor)
    case = _locked(case)
    _check(case, Action.CLASSIFIED)
    if priority is not None and priority not in Priority.values:
        raise ValidationError({"priority": _("Unknown priority “%(priority)s”.") % {"priority": priority}})
    changes = []
    for field, value, shown in (
        ("category", category, lambda c: c.code if c else ""),
        ("priority", priority, str),
        ("ward", ward, lambda w: str(w.code) if w else ""),
    ):
        if value is not None and getattr(case, field) != value:
            changes.append((field, shown(getattr(case, field)), shown(value)))
            setattr(case, field, value)
    if not changes:
        return case
    category = Category.objects.select_related("sla_policy__calendar").get(pk=case.category_id)
    spec = deadlines.calendar_spec(category.sla_policy.calendar)
    targets = deadlines.targets_for(category.sla_policy, case.priority)
    for name, target in (("response", targets.response), ("resolution", targets.resolution)):
        started = deadlines.clock_start(
            spec=spec, start=case.received_at, target=target, at_risk_fraction=targets.at_risk_fraction
        )
        setattr(case, f"{name}_due_at", started.due_at)
        setattr(case, f"{name}_risk_at", started.risk_at)
    # A deadline moved later than now is no longer at risk or missed; the sweeper marks it again if it is.
    now = clock.now()
    for name in ("response", "resolution"):
        if getattr(case, f"{name}_risk_at") > now:
            setattr(case, f"{name}_at_risk_since", None)
        if getattr(case, f"{name}_due_at") > now:
            setattr(case, f"{name}_breached_since", None)
    if case.forwarded_at is None:
        case.agency = routing.agency_for(category=category, ward=case.ward)
    case.is_emergency = category.is_emergency
    case.save()
    for field, old, new in changes:
        _event(case, actor, Action.CLASSIFIED, field, old, new)
    return case


@transaction.atomic
def case_note_add(*, case: Case, actor, text: str, to_reporter: bool = False) -> CaseEvent:
    """An internal note for colleagues, or a message to the reporter on the channel the case came from."""
    case = _locked(case)
    _require_agency_or_operator(actor, case)
    text = _required_text(text, "text", _("Write the note."))
    if to_reporter:
        event = _event(case, actor, Action.REPLY, note=text)
        _reporter_reply(case, text)
    else:
        event = _event(case, actor, Action.NOTE, note=text)
    Case.objects.filter(pk=case.pk).update(updated_at=clock.now())
    return event


@transaction.atomic
def case_assign(*, case: Case, actor, assignee=None) -> Case:
    """Give the case to an operator (to oneself when `assignee` is None): it shows in their "mine" queue."""
    _require_operator(actor)
    assignee = assignee or actor
    if not assignee.has_perm("cases.work_case"):
        raise ValidationError({"assignee": _("%(user)s is not an operator.") % {"user": assignee.get_username()}})
    case = _locked(case)
    if not case.is_open:
        raise IllegalTransition(_("Case %(code)s is finished.") % _names(case))
    if case.assignee_id == assignee.pk:
        return case
    old = case.assignee.get_username() if case.assignee else ""
    case.assignee = assignee
    case.save(update_fields=["assignee", "updated_at"])
    _event(case, actor, Action.ASSIGNED, "assignee", old, assignee.get_username())
    return case


@transaction.atomic
def reporter_reveal(*, case: Case, actor, reason: str) -> Reporter | None:
    """Show a reporter's full identity to someone allowed to see it, and record who, when and why."""
    if not actor.has_perm("cases.reveal_reporter"):
        raise PermissionDenied(_("You may not see reporters' contact details."))
    reason = _required_text(reason, "reason", _("Say why you need the reporter's contact details."))
    _event(case, actor, Action.REVEALED, note=reason)
    logger.info("reporter of case %s revealed by user %s", case.pk, actor.pk)
    return case.reporter


# --- helpers ------------------------------------------------------------------------------------


def _locked(case: Case) -> Case:
    return (
        Case.objects.select_for_update(of=("self",))
        .select_related("agency", "category", "reporter", "assignee")
        .get(pk=case.pk)
    )


def _check(case: Case, action: str) -> None:
    sources, _target = TRANSITIONS[action]
    if case.status not in sources:
        raise IllegalTransition(
            _("Cannot %(action)s case %(code)s: it is “%(status)s”.")
            % {"action": _ACTION_VERBS[action](), "code": case.display_code, "status": case.get_status_display()}
        )


def _move(case: Case, actor, action: str, *, note: str = "", target: str | None = None) -> Case:
    old = case.status
    new = target or TRANSITIONS[action][1] or old
    case.status = new
    case.save()
    _event(case, actor, action, "status", old, new, note)
    return case


def _event(case: Case, actor, action: str, field: str = "", old: str = "", new: str = "", note: str = "") -> CaseEvent:
    return CaseEvent.objects.create(
        case=case,
        actor=actor,
        action=action,
        field=field,
        old_value=str(old)[:200],
        new_value=str(new)[:200],
        note=note,
        created_at=clock.now(),
    )


def _required_text(value: str, field: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: message})
    return value


def _require_operator(actor) -> None:
    if actor is None or not actor.has_perm("cases.work_case"):
        raise PermissionDenied(_("Only the hotline's operators may do this."))


def _require_agency_or_operator(actor, case: Case) -> None:
    if actor is None:
        raise PermissionDenied(_("Only the hotline's operators may do this."))
    if actor.has_perm("cases.work_case"):
        return
    membership = getattr(actor, "agency_membership", None)
    if membership is None or case.agency_id is None or membership.agency_id != case.agency_id:
        raise PermissionDenied(_("This case is not with your agency."))


def _agency_notice(case: Case, agency: Agency) -> None:
    for message in _agency_notice_messages(case, agency):
        message.case = case
        outbox_enqueue(message)


def _agency_notice_messages(case: Case, agency: Agency) -> list[OutboxMessage]:
    if not agency.email:
        return []  # the agency works from its workspace; nothing to mail
    due = case.resolution_due_at.astimezone(sla.VN_TZ).strftime("%H:%M %d/%m/%Y") if case.resolution_due_at else ""
    with message_language():
        return _agency_notice_build(case, agency, due)


def _agency_notice_build(case: Case, agency: Agency, due: str) -> list[OutboxMessage]:
    return [
        outbox_message(
            kind=OutboxMessage.Kind.AGENCY_NOTICE,
            channel=Channel.EMAIL,
            recipient=agency.email,
            subject=_("[1022] Case %(code)s forwarded to %(agency)s") % _names(case, agency=agency),
            # No reporter identity in an agency e-mail: the workspace shows what the agency may see.
            body=_("Case %(code)s (%(category)s) was forwarded to %(agency)s.\n\n%(description)s\n\nDeadline: %(due)s")
            % {
                **_names(case, agency=agency),
                "category": case.category.name,
                "description": case.description,
                "due": due,
            },
        )
    ]


def _reporter_reply(case: Case, text: str) -> None:
    if case.reporter is None:
        return  # anonymous: nobody to tell
    outbox_enqueue(outbox_message(kind=OutboxMessage.Kind.REPLY, channel=case.channel, case=case, body=text))


def _province_name() -> str:
    tenant = getattr(connection, "tenant", None)
    return getattr(tenant, "name", "")


def _names(case: Case, *, agency: Agency | None = None) -> dict[str, str]:
    return {"code": case.display_code, "agency": agency.name if agency else ""}


_ACTION_VERBS = {
    Action.FORWARDED: lambda: _("forward"),
    Action.ACKNOWLEDGED: lambda: _("acknowledge"),
    Action.ANSWERED: lambda: _("answer"),
    Action.RETURNED: lambda: _("return"),
    Action.INFO_REQUESTED: lambda: _("ask the reporter about"),
    Action.INFO_RECEIVED: lambda: _("resume"),
    Action.CLOSED: lambda: _("close"),
    Action.REOPENED: lambda: _("reopen"),
    Action.REJECTED: lambda: _("reject"),
    Action.DUPLICATE: lambda: _("mark as duplicate"),
    Action.CLASSIFIED: lambda: _("reclassify"),
}
assert set(_ACTION_VERBS) == set(TRANSITIONS), "every transition needs a verb for its error message"
