"""Pieces shared by the operator console and the agency workspace."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from cases.inbox import COUNT_CAP, InboxForm, Queue
from cases.models import Agency, Case
from cases.views.actions import action_named


def wants_results(request: HttpRequest) -> bool:
    """htmx asking for the result list alone (a search as one types, the periodic refresh)."""
    return request.headers.get("HX-Request") == "true" and request.headers.get("HX-Target") == "inbox-results"


def inbox_form(request: HttpRequest, queues) -> tuple[InboxForm, dict]:
    """The bound filter form and the values to use: the valid ones (an invalid filter is shown, not applied)."""
    form = InboxForm(request.GET, queues=queues)
    form.is_valid()
    data = {name: value for name, value in getattr(form, "cleaned_data", {}).items() if name not in form.errors}
    return form, data


@dataclass(frozen=True)
class Tab:
    label: str
    url: str
    current: bool = False
    count: str | None = None
    alert: bool = False


def queue_tabs(queues, *, current: str, counts: dict[str, int] | None, callbacks_url: str = "") -> list[Tab]:
    """The queue tabs; with counts, "99+" past the cap, and overdue work flagged."""

    def shown(key: str) -> str | None:
        if counts is None or key not in counts:
            return None
        return f"{COUNT_CAP - 1}+" if counts[key] >= COUNT_CAP else str(counts[key])

    tabs = [
        Tab(
            str(queue.label),
            f"?queue={queue.value}",
            current=queue == current,
            count=shown(queue),
            alert=queue == Queue.OVERDUE and bool(counts and counts.get(queue)),
        )
        for queue in queues
    ]
    if callbacks_url:
        pending = bool(counts and counts.get("callbacks"))
        tabs.append(Tab(str(_("Callbacks")), callbacks_url, count=shown("callbacks"), alert=pending))
    return tabs


def action_refused(request: HttpRequest, case: Case, actions, key: str, page) -> HttpResponse | None:
    """Run the named action with the posted form: None when done, else the page again (409 or 400)."""
    found = action_named(actions, key)
    if found is None or not found.available(case, request.user):
        return page(request, case, error=_("This action is not possible in the case's current state."), status=409)
    form = found.form_for(case, request.POST)
    if form.is_valid():
        try:
            found.run(case, request.user, form.cleaned_data)
        except ValidationError as exc:
            errors_attach(form, exc)
        else:
            messages.success(request, found.done)
            return None
    return page(request, case, failed=(found.key, form), status=400)


def action_items(actions, case: Case, user, failed: tuple[str, object] | None) -> tuple[list[dict], list[dict]]:
    """The actions the case allows, each with its form (the failed one bound and open): ordinary, then dangerous."""
    items = []
    for action in actions:
        if action.available(case, user):
            again = bool(failed and failed[0] == action.key)
            items.append({"action": action, "form": failed[1] if again else action.form_for(case), "open": again})
    return [i for i in items if not i["action"].danger], [i for i in items if i["action"].danger]


def errors_attach(form, exc: ValidationError) -> None:
    """A service's error on the field it names if the form has it, otherwise on the form."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def case_timeline(case: Case, *, with_messages: bool) -> list[dict]:
    """Events and (for operators) the messages sent about the case, in time order."""
    events = list(case.events.select_related("actor").order_by("created_at", "pk"))
    # Events record agencies by code, which stays true if the agency is renamed; people read names.
    codes = {event.new_value for event in events if event.field == "agency" and event.new_value}
    names = dict(Agency.objects.filter(code__in=codes).values_list("code", "name"))
    items = [
        {
            "at": event.created_at,
            "kind": "event",
            "event": event,
            "agency": names.get(event.new_value, event.new_value) if event.field == "agency" else "",
        }
        for event in events
    ]
    if with_messages:
        items += [
            {"at": message.created_at, "kind": "message", "message": message}
            # `sms`: the provider's delivery receipt, for messages that went out as text messages.
            for message in case.outbox_messages.select_related("sms").order_by("created_at", "pk")
        ]
    return sorted(items, key=lambda item: item["at"])
