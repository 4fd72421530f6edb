"""The "Thử tổng đài" page of a province's Wagtail admin: walk a call through the province's own menu."""

from __future__ import annotations

from django import forms
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django.views.generic import FormView

from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from channels.voice.simulator import SimulationError, call_simulate, key_params, twiml_pretty
from tenants.models import PhoneNumber

SIMULATE_PERMISSION = "hotline_channels.change_voicesettings"
DEFAULT_CALLER = "0912345678"
# Enough for an agency's number and two backups; the last result repeats for any further transfer.
TRANSFER_FIELDS = 3

DIAL_CHOICES = [
    ("no-answer", _("No answer")),
    ("busy", _("Busy")),
    ("failed", _("Failed")),
    ("completed", pgettext_lazy("call", "Answered")),
]
QUEUE_CHOICES = [
    ("leave", _("Waits too long and leaves the queue")),
    ("hangup", _("Hangs up while waiting")),
    ("bridged", _("An operator answers")),
]


class SimulateForm(forms.Form):
    to = forms.ChoiceField(label=_("Number called"))
    caller = forms.CharField(label=_("Caller's number"), initial=DEFAULT_CALLER, max_length=20)
    digits = forms.CharField(
        label=_("Keys pressed"),
        required=False,
        max_length=40,
        help_text=_("In order, e.g. “2”, or “31” for key 1 of the menu behind key 3."),
    )
    queue_result = forms.ChoiceField(label=_("In the operators' queue, the caller…"), choices=QUEUE_CHOICES)
    recording_seconds = forms.IntegerField(
        label=_("Length of the voice message (s)"),
        initial=20,
        min_value=0,
        max_value=180,
        help_text=_("0: the caller hangs up at the beep."),
    )

    def __init__(self, *args, numbers: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to"].choices = [(number, number) for number in numbers]
        if numbers:
            self.fields["to"].initial = numbers[0]
        for position in range(1, TRANSFER_FIELDS + 1):
            self.fields[f"dial_{position}"] = forms.ChoiceField(
                label=_("Transfer %(position)s") % {"position": position},
                choices=DIAL_CHOICES,
                help_text=_("The last result repeats for any further transfer.") if position == TRANSFER_FIELDS else "",
            )

    def dial_statuses(self) -> list[str]:
        return [self.cleaned_data[f"dial_{position}"] for position in range(1, TRANSFER_FIELDS + 1)]


class SimulateView(WagtailAdminTemplateMixin, FormView):
    """Runs the simulator in-process on this province's host and shows each step and what it left."""

    template_name = "channels/voice_simulate.html"
    page_title = _("Test the hotline")
    header_icon = "tasks"
    form_class = SimulateForm

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(SIMULATE_PERMISSION):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_page_title()}]

    def get_form_kwargs(self):
        numbers = PhoneNumber.objects.filter(province_id=connection.tenant.pk).values_list("number", flat=True)
        return {**super().get_form_kwargs(), "numbers": list(numbers)}

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            simulation = call_simulate(
                to=data["to"],
                caller=data["caller"],
                digits=data["digits"],
                dial_statuses=form.dial_statuses(),
                queue_result=data["queue_result"],
                recording_seconds=data["recording_seconds"],
                host=self.request.get_host(),
            )
        except SimulationError as exc:
            form.add_error(None, str(exc))
            return self.form_invalid(form)
        return self.render_to_response(self.get_context_data(form=form, simulation=simulation))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        simulation = kwargs.get("simulation")
        if simulation is not None:
            context["steps"] = [step_display(step) for step in simulation]
            context["call"] = simulation.call
            context["callback"] = simulation.callback
            context["callbacks_url"] = reverse("cases:callbacks")
        context["settings_url"] = reverse("wagtailsettings:edit", args=["hotline_channels", "voicesettings"])
        return context


def step_display(step) -> dict:
    return {
        "summary": step.summary,
        "url": step.url,
        "status_code": step.status_code,
        "params": key_params(step),
        "twiml": twiml_pretty(step.twiml) if step.twiml.strip() else "",
    }
