"""Reads on cases, with access built in: what a user may see, and how much of the reporter.

"Not found" and "not yours" answer the same way, so a guessed tracking code reveals nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import Http404

from cases.codes import phone_masked, phone_national, tracking_code_clean
from cases.models import Case, Reporter


def cases_visible_to(user) -> QuerySet[Case]:
    """Operators and supervisors see the province's cases; agency staff those forwarded to their agency."""
    cases = Case.objects.select_related("category", "agency", "ward")
    if not user.is_authenticated or not user.has_perm("cases.view_case"):
        return cases.none()
    if user.has_perm("cases.work_case"):
        return cases
    membership = getattr(user, "agency_membership", None)
    if membership is None:
        return cases.none()
    return cases.filter(agency_id=membership.agency_id, forwarded_at__isnull=False)


def case_for(user, code: str) -> Case:
    """The case with this tracking code if the user may see it; 404 otherwise."""
    tracking_code = tracking_code_clean(code)
    case = cases_visible_to(user).with_code(tracking_code).first() if tracking_code else None
    if case is None:
        raise Http404("case not found")
    return case


@dataclass(frozen=True)
class ReporterView:
    """The reporter as a given user may see them."""

    # None: the user may not see the name (agency staff, national users).
    name: str | None
    phone: str
    email: str | None
    masked: bool


def reporter_view(user, reporter: Reporter | None, *, revealed: bool = False) -> ReporterView | None:
    """Masked unless the user may see more; full contact details only after an audited reveal."""
    if reporter is None:
        return None
    if revealed and user.has_perm("cases.reveal_reporter"):
        return ReporterView(
            name=reporter.name,
            phone=phone_national(reporter.phone) if reporter.phone else "",
            email=reporter.email,
            masked=False,
        )
    named = user.has_perm("cases.see_reporter")
    return ReporterView(
        name=reporter.name if named else None,
        phone=phone_masked(reporter.phone),
        email=None,
        masked=True,
    )
