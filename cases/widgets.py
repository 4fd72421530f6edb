"""Form widgets for long option lists."""

from __future__ import annotations

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

SELECTED = mark_safe(" selected")


def option_tags(pairs, *, chosen: set[str]) -> str:
    """<option>s for (value, label) pairs, the chosen values selected."""
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        ((str(key), SELECTED if str(key) in chosen else "", label) for key, label in pairs),
    )


class QuickSelect(forms.Select):
    """A <select> built in Python.

    Django renders every option through its own template; for the province's directory
    (hundreds of agencies and wards) that is most of an inbox page's time.
    """

    def render(self, name, value, attrs=None, renderer=None):
        options = option_tags(self.choices, chosen={str(item) for item in self.format_value(value)})
        return format_html(
            '<select name="{}"{}>{}</select>', name, flatatt(self.build_attrs(self.attrs, attrs)), options
        )
