"""A report from the web form, taken in once; and what the status page may tell about a case.

The submission is stored on its own first (so nothing is lost if taking it in fails), then taken
in through `cases.services.case_intake` under a lock on its row: a double click, a re-sent POST
or two concurrent requests all end on the one case.
"""

from __future__ import annotations

import functools
import hmac
import logging
import secrets
import uuid
from dataclasses import dataclass, field
from datetime import datetime

from django.contrib.auth.hashers import check_password, make_password
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from cases.attachments import CleanImage, attachment_add, image_store
from cases.models import Case, CaseEvent, CaseStatus, Category, Channel, Ward
from cases.services import ReporterInput, case_intake
from cases.sql import insert_new
from channels.web.models import WebSubmission

logger = logging.getLogger(__name__)

S = CaseStatus
Action = CaseEvent.Action


@dataclass(frozen=True)
class ReportInput:
    """What the citizen filled in, cleaned by `channels.web.forms.ReportForm`."""

    category: Category
    description: str
    ward: Ward | None = None
    address: str = ""
    name: str = ""
    phone: str = ""  # E.164
    email: str = ""
    photo: CleanImage | None = None

    @classmethod
    def from_form(cls, data: dict) -> ReportInput:
        return cls(**{name: data.get(name) or default for name, default in _DEFAULTS.items()})

    @property
    def anonymous(self) -> bool:
        return not (self.name or self.phone or self.email)


_DEFAULTS = {
    "category": None,
    "description": "",
    "ward": None,
    "address": "",
    "name": "",
    "phone": "",
    "email": "",
    "photo": None,
}


@dataclass(frozen=True)
class Submitted:
    submission: WebSubmission
    case: Case | None
    # The lookup PIN, only to the request that took the report in, and only without a phone number.
    pin: str = ""
    # False for a repeat of a submission taken in before (a double click, a re-sent POST).
    created: bool = False


def report_submit(*, submission_id: uuid.UUID, report: ReportInput) -> Submitted:
    """Store the report, then open its case. Idempotent on the submission id."""
    stored = WebSubmission.objects.select_related("case").filter(submission_id=submission_id).first()
    if stored is not None and stored.case_id is not None:
        return Submitted(stored, stored.case)
    if stored is None:
        stored = _stored_first(submission_id, report)
    return _take_in(stored, report)


def _stored_first(submission_id: uuid.UUID, report: ReportInput) -> WebSubmission:
    photo_name = image_store(report.photo) if report.photo else ""
    submission = WebSubmission(submission_id=submission_id, payload=_payload(report, photo_name))
    # On its own, outside any transaction the intake may roll back.
    if insert_new(submission, unique=("submission_id",)):
        return submission
    # A concurrent request with the same id stored it first: its photo is the one kept.
    if photo_name:
        default_storage.delete(photo_name)
    return WebSubmission.objects.get(submission_id=submission_id)


def _payload(report: ReportInput, photo_name: str) -> dict:
    return {
        "category": report.category.code,
        "description": report.description,
        "ward": report.ward.code if report.ward else None,
        "address": report.address,
        "name": report.name,
        "phone": report.phone,
        "email": report.email,
        "photo": photo_name,
        "photo_type": report.photo.content_type if report.photo else "",
    }


@transaction.atomic
def _take_in(stored: WebSubmission, report: ReportInput) -> Submitted:
    submission = WebSubmission.objects.select_for_update().get(pk=stored.pk)
    if submission.case_id is not None:
        return Submitted(submission, submission.case)
    payload = submission.payload
    reporter = None
    if not report.anonymous:
        reporter = ReporterInput(name=report.name, phone=report.phone, email=report.email)
    case = case_intake(
        channel=Channel.WEB,
        provider_id=f"web:{submission.submission_id}",
        reporter=reporter,
        category=report.category,
        ward=report.ward,
        address=report.address,
        description=report.description,
    ).case
    if payload.get("photo") and report.photo:
        attachment_add(case=case, name=payload["photo"], image=report.photo)
    pin = "" if report.phone else f"{secrets.randbelow(10_000):04d}"
    submission.case = case
    submission.lookup_pin_hash = make_password(pin) if pin else ""
    submission.save(update_fields=["case", "lookup_pin_hash"])
    logger.info("web report %s taken in as case %s", submission.pk, case.pk)
    return Submitted(submission, case, pin=pin, created=True)


# --- the status page --------------------------------------------------------------------------


# What the citizen reads about each state: plain words, no internal vocabulary.
PUBLIC_STATUS = {
    S.NEW: _("Received, waiting to be handled"),
    S.FORWARDED: _("Forwarded to the agency in charge"),
    S.IN_PROGRESS: _("Being handled by the agency"),
    S.WAITING_REPORTER: _("Waiting for more information from you"),
    S.ANSWERED: _("Answered by the agency, being reviewed by the hotline"),
    S.CLOSED: _("Done"),
    S.REJECTED: _("Not accepted"),
    S.DUPLICATE: _("Joined to another report on the same matter"),
}
# Events whose note was sent to the reporter (`cases.services._reporter_reply`).
PUBLIC_EVENTS = {
    Action.REPLY: _("Reply from the hotline"),
    Action.INFO_REQUESTED: _("Question from the hotline"),
}


@dataclass(frozen=True)
class PublicMessage:
    at: datetime
    label: str
    text: str


@dataclass(frozen=True)
class PublicCase:
    """A case as anyone holding its code and digits may see it: no name, phone, e-mail, address or description."""

    display_code: str
    category: str
    status: str
    is_open: bool
    received_at: datetime
    due_at: datetime | None
    closed_at: datetime | None
    agency: str
    messages: list[PublicMessage] = field(default_factory=list)


def case_lookup(*, code: str, secret: str) -> PublicCase | None:
    """The case's public view if `secret` is the last four digits of its reporter's phone, or its PIN.

    None for an unknown code and for wrong digits alike.
    """
    # Two reports share a code only after a merger (one holds it as its former code): the digits decide.
    candidates = list(
        Case.objects.select_related("category", "agency", "reporter", "web_submission").with_code(code)[:2]
    )
    # Checked even for an unknown code, so the time taken does not tell which codes exist.
    for case in candidates or [None]:
        if _secret_matches(case, secret) and case is not None:
            return _public(case)
    return None


def _secret_matches(case: Case | None, secret: str) -> bool:
    phone = case.reporter.phone if case and case.reporter else ""
    submission = getattr(case, "web_submission", None) if case and not phone else None
    pin_hash = submission.lookup_pin_hash if submission is not None else ""
    # A password check on every path, so the time taken tells nothing about the code or the case.
    pin_matches = check_password(secret, pin_hash or _dummy_hash()) and bool(pin_hash)
    if phone:
        return hmac.compare_digest(phone[-4:], secret)
    return pin_matches


@functools.cache
def _dummy_hash() -> str:
    return make_password("0000")


def _public(case: Case) -> PublicCase:
    events = case.events.filter(action__in=list(PUBLIC_EVENTS)).exclude(note="").order_by("created_at", "pk")
    messages = [PublicMessage(event.created_at, str(PUBLIC_EVENTS[event.action]), event.note) for event in events]
    if case.status == S.CLOSED and case.resolution:
        messages.append(PublicMessage(case.closed_at or case.updated_at, str(_("Result")), case.resolution))
    return PublicCase(
        display_code=case.display_code,
        category=case.category.name,
        status=str(PUBLIC_STATUS[case.status]),
        is_open=case.is_open,
        received_at=case.received_at,
        due_at=case.resolution_due_at if case.is_open else None,
        closed_at=case.closed_at,
        agency=case.agency.name if case.agency and case.forwarded_at else "",
        messages=messages,
    )
