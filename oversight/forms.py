"""The oversight pages' filters: a range of local days and, optionally, one national category."""

from __future__ import annotations

from datetime import date, timedelta

from django import forms
from django.utils.translation import gettext_lazy as _

from cases import clock
from cases.national import NATIONAL_CATEGORY_CHOICES
from cases.sla import VN_TZ
from oversight.selectors import Scope

DEFAULT_DAYS = 30
# Two years of days is the longest range a page is asked to draw; the rollups keep more.
MAX_DAYS = 2 * 366


def today() -> date:
    return clock.now().astimezone(VN_TZ).date()


class ScopeForm(forms.Form):
    start = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    category = forms.ChoiceField(
        label=_("National category"), required=False, choices=[("", _("All categories")), *NATIONAL_CATEGORY_CHOICES]
    )

    def clean(self):
        data = super().clean()
        end = data.get("end") or today()
        start = data.get("start") or end - timedelta(days=DEFAULT_DAYS - 1)
        if start > end:
            raise forms.ValidationError(_("The start date is after the end date."))
        if (end - start).days >= MAX_DAYS:
            raise forms.ValidationError(_("Choose at most two years."))
        data["start"], data["end"] = start, end
        return data

    def scope(self) -> Scope:
        """The valid scope asked for, or the default one (the last 30 days) when the form has errors."""
        if self.is_valid():
            data = self.cleaned_data
            return Scope(start=data["start"], end=data["end"], category=data.get("category") or "")
        end = today()
        return Scope(start=end - timedelta(days=DEFAULT_DAYS - 1), end=end)
