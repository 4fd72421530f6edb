"""Forms of the operator console and the agency workspace. Messages are translated (Vietnamese first)."""

from __future__ import annotations

import uuid

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from cases.codes import phone_e164, tracking_code_clean
from cases.models import Agency, Callback, Case, Category, Channel, Priority, Ward
from cases.services import DESCRIPTION_MAX

TEXT_MAX = 5000
REQUIRED = {"required": _("This field is required.")}


def _text(label, *, required: bool = True, rows: int = 3, help_text: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=TEXT_MAX,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages=REQUIRED,
    )


class AgencyChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, agency: Agency) -> str:
        return agency.name


class ForwardForm(forms.Form):
    agency = AgencyChoiceField(
        label=_("Agency"),
        queryset=Agency.objects.none(),
        error_messages={"required": _("Choose the agency."), "invalid_choice": _("Choose an active agency.")},
    )
    note = _text(_("Note for the agency"), required=False, rows=2)

    def __init__(self, *args, suggested: list[Agency] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.suggested = list(suggested)
        self.fields["agency"].queryset = Agency.objects.filter(is_active=True).order_by("name")
        if suggested and not self.is_bound:
            self.initial["agency"] = suggested[0].pk


class NoteForm(forms.Form):
    text = _text(_("Internal note"))


class ReplyForm(forms.Form):
    text = _text(_("Message to the reporter"), rows=4)


class ResolutionForm(forms.Form):
    resolution = _text(_("Resolution told to the reporter"), rows=4)
    notify_reporter = forms.BooleanField(label=_("Send it to the reporter"), required=False, initial=True)


class ReasonForm(forms.Form):
    reason = _text(_("Reason"), rows=2)


class AnswerForm(forms.Form):
    answer = _text(_("The agency's answer"), rows=5)


class QuestionForm(forms.Form):
    question = _text(_("What the reporter should tell us"), rows=3)


class InfoReceivedForm(forms.Form):
    text = _text(_("What the reporter added"), rows=3)


class DuplicateForm(forms.Form):
    original = forms.CharField(label=_("Tracking code of the original case"), max_length=20, error_messages=REQUIRED)

    def clean_original(self) -> Case:
        code = tracking_code_clean(self.cleaned_data["original"])
        original = Case.objects.with_code(code).first() if code else None
        if original is None:
            raise ValidationError(_("No case has this tracking code."))
        return original


class ClassifyForm(forms.Form):
    category = forms.ModelChoiceField(label=_("Category"), queryset=Category.objects.none(), error_messages=REQUIRED)
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices)
    ward = forms.ModelChoiceField(label=_("Ward or commune"), queryset=Ward.objects.none(), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = Category.objects.filter(is_active=True).order_by("order", "name")
        self.fields["ward"].queryset = Ward.objects.order_by("name")


class CallbackForm(forms.Form):
    due_at = forms.DateTimeField(
        label=_("Call back by"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%d/%m/%Y %H:%M"],
        required=False,
        help_text=_("Empty: within 30 minutes."),
        error_messages={"invalid": _("Enter a date and time, e.g. 25/11/2026 14:30.")},
    )
    note = _text(_("What to call about"), required=False, rows=2)


class CallbackNewForm(CallbackForm):
    phone = forms.CharField(label=_("Phone number"), max_length=30, error_messages=REQUIRED)
    field_order = ["phone", "due_at", "note"]

    def clean_phone(self) -> str:
        try:
            return phone_e164(self.cleaned_data["phone"])
        except ValidationError as exc:
            raise ValidationError(exc.messages) from exc


class CallbackOutcomeForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("How did the call go?"),
        choices=Callback.Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose how the call went.")},
    )
    note = _text(_("Note"), required=False, rows=2)


class RevealForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for showing the full contact details (recorded)"),
        max_length=500,
        error_messages={"required": _("Say why you need the reporter's contact details.")},
    )


# Channels an operator types a report in from; the digital ones arrive by themselves.
CONSOLE_CHANNELS = [(c.value, c.label) for c in (Channel.VOICE, Channel.WALK_IN, Channel.EMAIL, Channel.SMS)]


class IntakeForm(forms.Form):
    """A report taken by an operator: on the phone, at the desk, or copied from a letter."""

    phone = forms.CharField(label=_("Caller's number"), max_length=30, required=False)
    name = forms.CharField(label=_("Caller's name"), max_length=150, required=False)
    channel = forms.ChoiceField(label=_("Channel"), choices=CONSOLE_CHANNELS, initial=Channel.VOICE)
    category = forms.ModelChoiceField(
        label=_("Category"),
        queryset=Category.objects.none(),
        required=False,
        empty_label=_("Not classified yet"),
    )
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices, initial=Priority.NORMAL)
    ward = forms.ModelChoiceField(
        label=_("Ward or commune"), queryset=Ward.objects.none(), required=False, empty_label=_("Unknown")
    )
    address = forms.CharField(label=_("Address or place"), max_length=300, required=False)
    description = forms.CharField(
        label=_("What the caller reports"),
        max_length=DESCRIPTION_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": _("Describe what the report is about.")},
    )
    # Makes a double submit (a double click, a retried POST) create one case, not two.
    submission = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)
    # The call being answered (the screen pop): the case is that call's, once.
    call = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = Category.objects.filter(is_active=True).order_by("order", "name")
        self.fields["ward"].queryset = Ward.objects.order_by("name")

    def clean_phone(self) -> str:
        raw = self.cleaned_data["phone"].strip()
        if not raw:
            return ""
        try:
            return phone_e164(raw)
        except ValidationError as exc:
            raise ValidationError(exc.messages) from exc
