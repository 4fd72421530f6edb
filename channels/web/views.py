"""The province site's report form (/phan-anh/), its confirmation, the status page (/tra-cuu/), and
staff's view of a report's photo. Thin: protection checks, one form, one service, one page."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core import signing
from django.core.files.storage import default_storage
from django.db import connection
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from django_tenants.utils import get_public_schema_name

from cases.attachments import IMAGE_MAX_BYTES, attachment_for
from channels.http import declared_length
from channels.web import protection
from channels.web.forms import LookupForm, ReportForm, emergency_categories
from channels.web.models import WebSubmission
from channels.web.services import ReportInput, case_lookup, report_submit
from cms.models import LookupPage, ReportPage

logger = logging.getLogger(__name__)

# The photo and the text fields with room to spare; anything larger is not from the form.
REQUEST_MAX = IMAGE_MAX_BYTES + 512 * 1024
CONFIRMATION_SALT = "channels.web.confirmation"
# How long the confirmation link shows the tracking code (the status page works for ever).
CONFIRMATION_MAX_AGE = 7 * 24 * 60 * 60
SESSION_PINS = "web_report_pins"
# What a refused client is told to wait (the shortest limit window), in seconds.
RETRY_AFTER = 10 * 60


def _province_only(request: HttpRequest) -> None:
    if connection.schema_name == get_public_schema_name():
        raise Http404("the web form belongs to a province's site")


@never_cache
@require_http_methods(["GET", "POST"])
def report(request: HttpRequest) -> HttpResponse:
    _province_only(request)
    if request.method == "GET":
        return _report_page(request, ReportForm())
    if declared_length(request) > REQUEST_MAX:
        # The body is not read, so what was typed cannot be shown again: the citizen is told so.
        message = _(
            "Your report has NOT been sent: the photo is too large (at most %(max)s MB). Please fill in the form "
            "again and choose a smaller photo, or send the report without one."
        ) % {"max": IMAGE_MAX_BYTES // (1024 * 1024)}
        return _report_refused(request, ReportForm(), message, status=413)
    form = ReportForm(request.POST, request.FILES)
    try:
        token = form.token()
    except protection.TokenRefused:
        message = _(
            "Your report has NOT been sent: the form could not be checked (it may come from an old page). "
            "Please check it and send it again."
        )
        return _report_refused(request, form, message)
    done = WebSubmission.objects.filter(submission_id=token.submission_id, case__isnull=False).first()
    if done is not None:
        return _to_confirmation(done)  # a double click or a re-sent POST: the same case
    if form.honeypot_filled():
        logger.info("web report refused: honeypot filled")
        return _report_refused(
            request, form, _("Your report has NOT been sent. Please check it and send it again, or call 1022.")
        )
    try:
        protection.token_check_age(token)
    except protection.TokenRefused as refused:
        message = {
            "too_fast": _(
                "Your report has NOT been sent: the form was sent too quickly after it was opened. "
                "Please check it and send it again."
            ),
            "stale": _(
                "Your report has NOT been sent: the form was open for too long. Please check it and send it again."
            ),
        }[refused.reason]
        return _report_refused(request, form, message)
    client = protection.client_key(request)
    if protection.limit_reached("report", client, settings.WEB_REPORT_LIMITS):
        # The form again with everything typed in, saying plainly that it was not sent.
        logger.info("web report refused: too many from one client")
        return _report_refused(request, form, _too_many_reports(), status=429, retry_after=True)
    if not form.is_valid():
        return _report_page(request, form, status=400)
    submitted = report_submit(submission_id=token.submission_id, report=ReportInput.from_form(form.cleaned_data))
    if submitted.created:
        protection.limit_count("report", client, settings.WEB_REPORT_LIMITS)
    if submitted.pin:
        pins = request.session.get(SESSION_PINS, {})
        pins[str(token.submission_id)] = submitted.pin
        request.session[SESSION_PINS] = pins
    return _to_confirmation(submitted.submission)


def _report_refused(
    request: HttpRequest, form: ReportForm, message: str, *, status: int = 400, retry_after: bool = False
) -> HttpResponse:
    """The form again, with what the citizen typed, signed again, and the reason it was not sent."""
    form.fresh_token()
    response = _report_page(request, form, refused=message, status=status)
    if retry_after:
        response["Retry-After"] = str(RETRY_AFTER)
    return response


def _too_many_reports() -> str:
    return _(
        "Your report has NOT been sent: too many reports came from your connection in a short time. "
        "What you wrote is still below; please send it again in a few minutes, or call 1022."
    )


def _report_page(request: HttpRequest, form: ReportForm, *, refused: str = "", status: int = 200) -> HttpResponse:
    context = {
        "page": ReportPage.shown(),
        "form": form.describe(),
        "refused": refused,
        "emergencies": list(emergency_categories()),
        "photo_lost": form.is_bound and bool(request.FILES),
    }
    return render(request, "channels/web/report_form.html", context, status=status)


def _to_confirmation(submission: WebSubmission) -> HttpResponse:
    token = signing.dumps(str(submission.submission_id), salt=CONFIRMATION_SALT)
    return redirect("web:confirmation", token=token)


@never_cache
@require_GET
def confirmation(request: HttpRequest, token: str) -> HttpResponse:
    """The tracking code of the report this browser sent; the link is signed, so it names no other case."""
    _province_only(request)
    try:
        submission_id = signing.loads(token, salt=CONFIRMATION_SALT, max_age=CONFIRMATION_MAX_AGE)
    except signing.BadSignature as exc:
        raise Http404("no such confirmation") from exc
    submission = WebSubmission.objects.select_related("case").filter(submission_id=submission_id).first()
    if submission is None or submission.case is None:
        raise Http404("no such confirmation")
    context = {
        "case": submission.case,
        "pin": request.session.get(SESSION_PINS, {}).get(str(submission_id), ""),
        "has_phone": bool(submission.payload.get("phone")),
        "lookup_url": reverse("web:lookup"),
    }
    response = render(request, "channels/web/report_done.html", context)
    response["Referrer-Policy"] = "no-referrer"  # the signed link must not leak to other sites
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def lookup(request: HttpRequest) -> HttpResponse:
    """Find a case by its code and the last four digits of the phone (or the PIN). POST, so codes stay out of logs."""
    _province_only(request)
    if request.method == "GET":
        return _lookup_page(request, LookupForm())
    client = protection.client_key(request)
    if protection.limit_reached("lookup", client, settings.WEB_LOOKUP_LIMITS):
        return too_many(request)
    form = LookupForm(request.POST)
    if not form.is_valid():
        return _lookup_page(request, form, status=400)
    protection.limit_count("lookup", client, settings.WEB_LOOKUP_LIMITS)
    code = form.cleaned_data["code"]
    per_code = [(settings.WEB_LOOKUP_FAILURES_PER_CODE, 24 * 60 * 60)]
    if protection.limit_reached("lookup-code", code, per_code):
        # Whoever holds the code must wait too: otherwise its four digits could be guessed.
        reason = _(
            "This tracking code was looked up with wrong digits too many times today. Please try again tomorrow."
        )
        return too_many(request, reason=reason, retry_after=24 * 60 * 60)
    found = case_lookup(code=code, secret=form.cleaned_data["secret"])
    if found is None:
        protection.limit_count("lookup-code", code, per_code)
        return _lookup_page(request, form, not_found=True, status=404)
    return _lookup_page(request, LookupForm(), found=found)


def _lookup_page(request: HttpRequest, form: LookupForm, *, found=None, not_found=False, status=200) -> HttpResponse:
    context = {"page": LookupPage.shown(), "form": form.describe(), "found": found, "not_found": not_found}
    return render(request, "channels/web/lookup.html", context, status=status)


def too_many(request: HttpRequest, *, reason: str = "", retry_after: int = RETRY_AFTER) -> HttpResponse:
    reason = reason or _("Too many requests came from your connection in a short time. Please wait a few minutes.")
    response = render(request, "channels/web/too_many.html", {"reason": reason}, status=429)
    response["Retry-After"] = str(retry_after)
    return response


@require_GET
def attachment(request: HttpRequest, pk: int) -> HttpResponse:
    """A report's photo, to staff who may see the case (never a public URL: 404 to everyone else)."""
    found = attachment_for(request.user, pk)
    try:
        file = default_storage.open(found.file.name, "rb")
    except FileNotFoundError as exc:
        raise Http404("file missing") from exc
    response = FileResponse(file, content_type=found.content_type)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Disposition"] = "inline"
    return response
