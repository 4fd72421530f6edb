"""Template helpers of the console: the deadline badge and how long is left."""

from __future__ import annotations

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _

from cases import display
from cases.codes import phone_national
from cases.widgets import SELECTED

register = template.Library()


@register.simple_tag
def deadline_badge(case, now=None) -> str:
    return display.deadline_badge(case, now)


@register.filter
def national_phone(e164: str) -> str:
    """For operators returning a call: the number as they dial it."""
    return phone_national(e164) if e164 else ""


@register.simple_tag
def agency_options(form) -> str:
    """The forward form's directory: suggestions first, then every active agency (hundreds: built in Python)."""
    chosen = str(form["agency"].value() or "")
    suggested = {agency.pk for agency in form.suggested}

    def options(pairs, *, mark: bool) -> str:
        return format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            ((pk, SELECTED if mark and str(pk) == chosen else "", name) for pk, name in pairs),
        )

    groups = []
    if form.suggested:
        pairs = [(agency.pk, agency.name) for agency in form.suggested]
        groups.append(format_html('<optgroup label="{}">{}</optgroup>', _("Suggested"), options(pairs, mark=True)))
    every = form.fields["agency"].queryset.values_list("pk", "name")
    mark_in_all = chosen and int(chosen) not in suggested if chosen.isdigit() else False
    groups.append(
        format_html('<optgroup label="{}">{}</optgroup>', _("All agencies"), options(every, mark=mark_in_all))
    )
    return format_html_join("", "{}", ((group,) for group in groups))
