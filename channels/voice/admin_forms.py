"""Admin forms of the phone line (the models name them as their `base_form_class`).

Nothing here imports the models: `channels.voice.models` imports this module.
"""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from wagtail.admin.forms import WagtailAdminModelForm

from cases.codes import phone_e164
from tenants import roles

# The people who answer the hotline's calls and callbacks.
ANSWERING_ROLES = (roles.OPERATOR, roles.SUPERVISOR)


class VoiceSettingsForm(WagtailAdminModelForm):
    """The auth token signs every webhook: it is typed in, never shown back, and a blank field keeps it."""

    auth_token = forms.CharField(
        label=_("Twilio auth token"),
        required=False,
        max_length=128,
        strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["auth_token"]
        if self.instance.auth_token:
            field.help_text = _("A token is saved; it is never shown. Leave blank to keep it, or type a new one.")
            field.widget.attrs["placeholder"] = "••••••••"
        else:
            field.help_text = _("From the Twilio console, beside the account SID. It is never shown once saved.")

    def clean_auth_token(self) -> str:
        # Runs before the form's values reach the instance, which still holds the stored token.
        return self.cleaned_data.get("auth_token") or self.instance.auth_token


class IvrMenuForm(WagtailAdminModelForm):
    """A menu whose key appears twice would play only one of the two actions: say which key is doubled."""

    def clean(self):
        cleaned = super().clean()
        seen: set[str] = set()
        for form in self.formsets["options"].forms:
            if not form.is_valid() or form.cleaned_data.get("DELETE"):
                continue
            key = form.cleaned_data.get("key")
            if key in seen:
                form.add_error("key", _("Key %(key)s is already used in this menu.") % {"key": key})
            elif key:
                seen.add(key)
        return cleaned


class OperatorLineForm(WagtailAdminModelForm):
    """Only the province's operators and supervisors answer calls; numbers are stored as Twilio dials them."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        groups = [role.group_name for role in ANSWERING_ROLES]
        self.fields["user"].queryset = (
            get_user_model().objects.filter(is_active=True, groups__name__in=groups).distinct().order_by("username")
        )

    def clean_number(self) -> str:
        number = self.cleaned_data["number"].strip()
        if number.lower().startswith("sip:"):
            return number
        try:
            return phone_e164(number)
        except ValidationError as exc:
            message = _("Enter a phone number (0912 345 678, +84 912 345 678) or a SIP address (sip:…).")
            raise ValidationError(message) from exc
