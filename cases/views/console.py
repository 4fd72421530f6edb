"""The operator console: inbox, case page, new case from a call, callbacks.

Open to operators and supervisors (`cases.work_case`). Everything is read through
`cases.selectors`, so a case of another province or a guessed code is simply not found.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from cases import callbacks, services
from cases.codes import phone_e164
from cases.forms import CallbackNewForm, CallbackOutcomeForm, IntakeForm, ReplyForm, RevealForm
from cases.inbox import COUNT_CAP, OPERATOR_QUEUES, inbox_page, queue_counts
from cases.models import Callback, Case, Reporter
from cases.selectors import case_for, reporter_view
from cases.views.actions import OPERATOR_ACTIONS
from cases.views.common import (
    action_items,
    action_refused,
    case_timeline,
    errors_attach,
    inbox_form,
    queue_tabs,
    wants_results,
)
from channels.twilio_api import province_url
from channels.voice import services as voice_calls
from cms.models import FaqPage
from cms.search import MAX_QUERY, quick_answers

operator_required = permission_required("cases.work_case", raise_exception=True)
HISTORY_SIZE = 10


@login_required
@operator_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    form, data = inbox_form(request, OPERATOR_QUEUES)
    page = inbox_page(request.user, data, queues=OPERATOR_QUEUES)
    context = {"form": form, "page": page, "area": "console"}
    if wants_results(request):
        return render(request, "cases/_inbox_results.html", context)
    # The tabs come without counts; the page fetches them apart, so the list never waits for them.
    context["tabs"] = queue_tabs(
        OPERATOR_QUEUES, current=page.queue, counts=None, callbacks_url=reverse("cases:callbacks")
    )
    context["refresh_url"] = f"{reverse('cases:counts')}?queue={page.queue}"
    return render(request, "cases/inbox.html", context)


@login_required
@operator_required
@require_GET
def inbox_counts(request: HttpRequest) -> HttpResponse:
    asked = request.GET.get("queue", "")
    current = asked if asked in OPERATOR_QUEUES else OPERATOR_QUEUES[0]
    counts = queue_counts(request.user, OPERATOR_QUEUES)
    counts["callbacks"] = callbacks.callbacks_pending()[:COUNT_CAP].count()
    tabs = queue_tabs(OPERATOR_QUEUES, current=current, counts=counts, callbacks_url=reverse("cases:callbacks"))
    return render(
        request,
        "cases/_queue_tabs.html",
        {
            "tabs": tabs,
            "refresh_url": f"{reverse('cases:counts')}?queue={current}",
            "refresh_trigger": "every 30s",
        },
    )


@login_required
@operator_required
@require_GET
def case_detail(request: HttpRequest, code: str) -> HttpResponse:
    case = case_for(request.user, code)
    return _case_page(request, case)


@login_required
@operator_required
@require_POST
def case_act(request: HttpRequest, code: str, action: str) -> HttpResponse:
    case = case_for(request.user, code)
    if refused := action_refused(request, case, OPERATOR_ACTIONS, action, _case_page):
        return refused
    return redirect("cases:detail", code=case.tracking_code)


@login_required
@operator_required
@require_POST
def case_reveal(request: HttpRequest, code: str) -> HttpResponse:
    case = case_for(request.user, code)
    form = RevealForm(request.POST)
    if form.is_valid():
        try:
            services.reporter_reveal(case=case, actor=request.user, reason=form.cleaned_data["reason"])
            return _case_page(request, case, revealed=True)
        except ValidationError as exc:
            errors_attach(form, exc)
    return _case_page(request, case, reveal_form=form, status=400)


def _case_page(
    request: HttpRequest,
    case: Case,
    *,
    failed: tuple[str, object] | None = None,
    revealed: bool = False,
    reveal_form: RevealForm | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    case = Case.objects.select_related("category", "agency", "ward", "reporter", "assignee", "duplicate_of").get(
        pk=case.pk
    )
    user = request.user
    actions, danger_actions = action_items(OPERATOR_ACTIONS, case, user, failed)
    quick = _quick_answer_prepare(request, actions) if failed is None else {}
    return render(
        request,
        "cases/case_detail.html",
        {
            "case": case,
            "area": "console",
            "timeline": case_timeline(case, with_messages=True),
            "reporter": reporter_view(user, case.reporter, revealed=revealed),
            "can_reveal": user.has_perm("cases.reveal_reporter") and case.reporter_id is not None and not revealed,
            "reveal_form": reveal_form or RevealForm(),
            "actions": actions,
            "danger_actions": danger_actions,
            "action_url": "cases:act",
            "error": error,
            "other_cases": _reporter_cases(case.reporter, exclude=case),
            **quick,
        },
        status=status,
    )


@login_required
@operator_required
@require_GET
def case_quick_answers(request: HttpRequest, code: str) -> HttpResponse:
    """The FAQ's answers matching what the operator types in the reply (htmx swaps them in)."""
    case = case_for(request.user, code)
    query = request.GET.get("qa", "").strip()[:MAX_QUERY]
    return render(request, "cases/_quick_answers.html", {"case": case, **_quick_answer_list(query)})


def _quick_answer_list(query: str) -> dict:
    found = quick_answers(query) if query else []
    return {"quick_query": query, "quick": [{"page": page, "text": _quick_answer_text(page)} for page in found]}


def _quick_answer_text(page: FaqPage) -> str:
    # The citizen follows the link on their phone: the province's public address, not the console's.
    return page.quick_answer(province_url(page.url))


def _quick_answer_prepare(request: HttpRequest, actions: list[dict]) -> dict:
    """Without scripts: ?qa= lists answers under the reply, ?faq=<id> puts one into it."""
    reply = next((item for item in actions if item["action"].key == "reply"), None)
    if reply is None:
        return {}
    context = _quick_answer_list(request.GET.get("qa", "").strip()[:MAX_QUERY])
    chosen = request.GET.get("faq", "")
    page = FaqPage.objects.live().public().filter(pk=chosen).first() if chosen.isdigit() else None
    if page is not None:
        reply["form"] = ReplyForm(initial={"text": _quick_answer_text(page)})
    reply["open"] = bool(page or context["quick_query"])
    return context


def _reporter_cases(reporter: Reporter | None, *, exclude: Case | None = None) -> list[Case]:
    if reporter is None:
        return []
    cases = Case.objects.filter(reporter=reporter).select_related("category").order_by("-received_at")
    if exclude is not None:
        cases = cases.exclude(pk=exclude.pk)
    return list(cases[:HISTORY_SIZE])


@login_required
@operator_required
def case_new(request: HttpRequest) -> HttpResponse:
    """A case typed in while on the phone; `?phone=` comes from the call that is being taken."""
    if request.method == "POST":
        form = IntakeForm(request.POST)
        if form.is_valid():
            try:
                case = _intake(request, form.cleaned_data)
            except ValidationError as exc:
                errors_attach(form, exc)
            else:
                messages.success(request, _("Case %(code)s created.") % {"code": case.display_code})
                return redirect("cases:detail", code=case.tracking_code)
        status = 400
    else:
        form = IntakeForm(initial=_intake_initial(request))
        status = 200
    phone = form["phone"].value() or ""
    call = voice_calls.call_on_line(form["call"].value() or "")
    return render(
        request,
        "cases/case_new.html",
        {"form": form, "area": "console", "call": call, **_caller_history(phone)},
        status=status,
    )


def _intake_initial(request: HttpRequest) -> dict:
    """From the call being taken: its number, and the category of the menu key the caller chose."""
    initial = {"phone": request.GET.get("phone", "")[:30], "call": request.GET.get("call", "")[:64]}
    call = voice_calls.call_on_line(initial["call"])
    if call is not None and call.option is not None and call.option.category_id:
        initial["category"] = call.option.category_id
    return initial


def _intake(request: HttpRequest, data: dict) -> Case:
    reporter = (
        services.ReporterInput(name=data["name"].strip(), phone=data["phone"])
        if data["phone"] or data["name"].strip()
        else None
    )
    call = voice_calls.call_on_line(data["call"])
    result = services.case_intake(
        channel=data["channel"],
        description=data["description"],
        # A case typed in on a call belongs to that call: submitting twice still makes one.
        provider_id=call.call_sid if call else f"console-{data['submission']}",
        reporter=reporter,
        category=data["category"],
        priority=data["priority"],
        ward=data["ward"],
        address=data["address"],
        actor=request.user,
    )
    if call is not None:
        voice_calls.call_link_case(call_sid=call.call_sid, case=result.case)
    return result.case


@login_required
@operator_required
@require_GET
def caller_history(request: HttpRequest) -> HttpResponse:
    return render(request, "cases/_caller_history.html", _caller_history(request.GET.get("phone", "")))


def _caller_history(raw: str) -> dict:
    raw = (raw or "").strip()[:30]
    if not raw:
        return {"history_phone": "", "history": [], "history_error": ""}
    try:
        phone = phone_e164(raw)
    except ValidationError as exc:
        return {"history_phone": raw, "history": [], "history_error": exc.messages[0]}
    reporter = Reporter.objects.filter(phone=phone).first()
    return {"history_phone": raw, "history": _reporter_cases(reporter), "history_error": ""}


@login_required
@operator_required
def callback_list(request: HttpRequest) -> HttpResponse:
    form = CallbackNewForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                callbacks.callback_schedule(
                    actor=request.user,
                    reason=Callback.Reason.REQUESTED,
                    phone=form.cleaned_data["phone"],
                    due_at=form.cleaned_data["due_at"],
                    note=form.cleaned_data["note"],
                )
            except ValidationError as exc:
                errors_attach(form, exc)
            else:
                messages.success(request, _("The callback is in the queue."))
                return redirect("cases:callbacks")
        status = 400
    return _callbacks_page(request, new_form=form, status=status)


@login_required
@operator_required
@require_POST
def callback_record(request: HttpRequest, pk: int) -> HttpResponse:
    callback = get_object_or_404(Callback, pk=pk, done_at__isnull=True)
    form = CallbackOutcomeForm(request.POST)
    if form.is_valid():
        try:
            callbacks.callback_record(
                callback=callback,
                actor=request.user,
                outcome=form.cleaned_data["outcome"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            errors_attach(form, exc)
        else:
            messages.success(request, _("Outcome recorded."))
            return redirect("cases:callbacks")
    return _callbacks_page(request, failed=(callback.pk, form), status=400)


def _callbacks_page(request, *, new_form=None, failed=None, status=200) -> HttpResponse:
    pending = list(callbacks.callbacks_pending()[:200])
    rows = [
        {
            "callback": callback,
            "form": failed[1] if failed and failed[0] == callback.pk else CallbackOutcomeForm(),
            "new_case_url": f"{reverse('cases:new')}?phone={callback.phone}",
        }
        for callback in pending
    ]
    return render(
        request,
        "cases/callbacks.html",
        {"rows": rows, "new_form": new_form or CallbackNewForm(), "area": "console"},
        status=status,
    )
