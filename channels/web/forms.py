"""The citizen's report form and the status look-up form. Reusable outside the plain views (the
province's Wagtail pages will render the same forms)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import get_language, gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from cases.attachments import IMAGE_MAX_BYTES, CleanImage, image_clean
from cases.codes import phone_e164, tracking_code_clean
from cases.models import Category, Ward
from channels.web import protection

DESCRIPTION_MAX = 4000
UPLOAD_ACCEPT = "image/jpeg,image/png,image/webp"


class CategoryChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Category) -> str:
        return obj.name_en if get_language() == "en" and obj.name_en else obj.name


def report_categories():
    """What the form offers: the province's active categories, emergencies apart (they are a phone call)."""
    return Category.objects.filter(is_active=True, is_emergency=False).order_by("order", "name")


def emergency_categories():
    return Category.objects.filter(is_active=True, is_emergency=True).order_by("order", "name")


class DescribedForm(forms.Form):
    """Ties each input to its help text and error (aria-describedby, aria-invalid) for screen readers."""

    def describe(self):
        for name, field in self.fields.items():
            bound = self[name]
            ids = []
            if field.help_text:
                ids.append(f"{bound.auto_id}_help")
            if self.is_bound and name in self.errors:
                ids.append(f"{bound.auto_id}_error")
                field.widget.attrs["aria-invalid"] = "true"
            if ids:
                field.widget.attrs["aria-describedby"] = " ".join(ids)
        return self


class ReportForm(DescribedForm):
    category = CategoryChoice(
        label=_("What is it about?"),
        queryset=Category.objects.none(),
        to_field_name="code",
        empty_label=_("— Choose a topic —"),
        error_messages={
            "required": _("Choose what the report is about."),
            "invalid_choice": _("Choose one of the topics in the list."),
        },
    )
    description = forms.CharField(
        label=pgettext_lazy("report form", "Description"),
        max_length=DESCRIPTION_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={
            "required": _("Describe what you are reporting."),
            "max_length": _(
                "The description is too long (at most %(limit_value)d characters, you wrote %(show_value)d)."
            ),
        },
    )
    ward = forms.ModelChoiceField(
        label=_("Ward or commune"),
        queryset=Ward.objects.none(),
        to_field_name="code",
        required=False,
        empty_label=_("— Not known or not about a place —"),
        error_messages={"invalid_choice": _("Choose a ward or commune of the province from the list.")},
    )
    address = forms.CharField(
        label=_("Address or place"),
        help_text=_("House number, street, hamlet, or a landmark nearby."),
        max_length=300,
        required=False,
        error_messages={"max_length": _("The address is too long (at most %(limit_value)d characters).")},
    )
    photo = forms.FileField(
        label=_("Photo (optional)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": UPLOAD_ACCEPT}),
        error_messages={"invalid": _("The file could not be read; choose it again."), "empty": _("The file is empty.")},
    )
    name = forms.CharField(
        label=_("Your name"),
        max_length=150,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={"max_length": _("The name is too long (at most %(limit_value)d characters).")},
    )
    phone = forms.CharField(
        label=_("Phone number"),
        help_text=_("To be answered by SMS and to follow the report with the last four digits."),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
        error_messages={"max_length": _("Enter a valid phone number, e.g. 0912 345 678.")},
    )
    email = forms.EmailField(
        label=_("E-mail"),
        help_text=_("To be answered by e-mail."),
        max_length=254,
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={"invalid": _("Enter a valid e-mail address, e.g. ten@example.vn.")},
    )
    # Hidden from people (CSS and aria-hidden); bots fill in every field.
    website = forms.CharField(label=_("Leave this field empty"), required=False)
    # The submission id, signed with the time the form was shown (`channels.web.protection`).
    submission = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Formatted here, in the request's language: a lazy text formatted at import is frozen in one.
        self.fields["description"].help_text = gettext(
            "What happened, where and since when. At most %(max)s characters."
        ) % {"max": DESCRIPTION_MAX}
        self.fields["photo"].help_text = gettext(
            "JPEG, PNG or WebP, at most %(max)s MB. Its location data is removed."
        ) % {"max": IMAGE_MAX_BYTES // (1024 * 1024)}
        self.fields["category"].queryset = report_categories()
        self.fields["ward"].queryset = Ward.objects.order_by("name")
        self.fields["website"].widget.attrs.update({"autocomplete": "off", "tabindex": "-1"})
        if not self.is_bound:
            self.initial.setdefault("submission", protection.token_new())

    def clean_phone(self) -> str:
        raw = self.cleaned_data["phone"].strip()
        if not raw:
            return ""
        try:
            return phone_e164(raw)
        except ValidationError:
            raise ValidationError(_("Enter a valid phone number, e.g. 0912 345 678."), code="invalid") from None

    def clean_photo(self) -> CleanImage | None:
        upload = self.cleaned_data.get("photo")
        return image_clean(upload) if upload else None

    def honeypot_filled(self) -> bool:
        return bool(self.data.get(protection.HONEYPOT_FIELD, "").strip())

    def token(self) -> protection.FormToken:
        """The submission id and render time the form was posted with; TokenRefused if not genuine."""
        return protection.token_read(self.data.get("submission", ""))

    def fresh_token(self) -> None:
        """Sign the form again for showing it once more: the same submission id when it had a genuine one.

        A genuine token keeps its render time unless it is too old, so a form refused for being sent
        too quickly is accepted once the time has passed, not refused again on the next click.
        """
        try:
            token = self.token()
        except protection.TokenRefused:
            submission_id, rendered_at = None, None
        else:
            submission_id, rendered_at = token.submission_id, token.rendered_at
            if protection.token_is_stale(token):
                rendered_at = None
        self.data = self.data.copy()
        self.data["submission"] = protection.token_new(submission_id=submission_id, rendered_at=rendered_at)


class LookupForm(DescribedForm):
    code = forms.CharField(
        label=_("Tracking code"),
        help_text=_("The nine digits you were given, e.g. 482 913 075."),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        error_messages={"required": _("Enter the tracking code.")},
    )
    secret = forms.CharField(
        label=_("Last four digits of your phone number, or your PIN"),
        help_text=_("Reports sent without a phone number were given a four-digit PIN."),
        max_length=4,
        min_length=4,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "pattern": "[0-9]{4}"}),
        error_messages={
            "required": _("Enter the four digits."),
            "min_length": _("Enter exactly four digits."),
            "max_length": _("Enter exactly four digits."),
        },
    )

    def clean_code(self) -> str:
        code = tracking_code_clean(self.cleaned_data["code"])
        if code is None:
            raise ValidationError(_("This is not a tracking code: check the nine digits."), code="invalid")
        return code

    def clean_secret(self) -> str:
        secret = self.cleaned_data["secret"].strip()
        if not secret.isdigit():
            raise ValidationError(_("Enter exactly four digits."), code="invalid")
        return secret
