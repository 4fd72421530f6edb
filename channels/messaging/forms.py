"""The admin form of a provider account: secrets are typed in, never shown back, and a blank field keeps them."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from wagtail.admin.forms import WagtailAdminModelForm


class SecretSettingsForm(WagtailAdminModelForm):
    """For a settings model that lists its secret fields in `secret_fields`."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in getattr(self._meta.model, "secret_fields", ()):
            if name not in self.fields:
                continue
            field = self.fields[name]
            field.widget = forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"})
            if getattr(self.instance, name):
                field.widget.attrs["placeholder"] = "••••••••"
                field.help_text = _("Saved; never shown. Leave blank to keep it, or type a new one.")

    def _clean_fields(self):
        super()._clean_fields()
        # Runs before the values reach the instance, which still holds the stored secrets.
        for name in getattr(self._meta.model, "secret_fields", ()):
            if name in self.cleaned_data and not self.cleaned_data[name]:
                self.cleaned_data[name] = getattr(self.instance, name)
