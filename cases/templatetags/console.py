"""Template helpers of the console: the deadline badge and how long is left."""

from __future__ import annotations

from django import template
from django.utils.html import format_html_join
from django.utils.translation import gettext as _

from cases import display
from cases.codes import phone_national
from cases.widgets import option_tags

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
    suggested = [(agency.pk, agency.name) for agency in form.suggested]
    # A chosen suggestion is selected once, in its group; the same agency lower down is not.
    chosen_below = set() if any(str(pk) == chosen for pk, _name in suggested) else {chosen}
    every = form.fields["agency"].queryset.values_list("pk", "name")
    groups = [(_("Suggested"), suggested, {chosen})] if suggested else []
    groups.append((_("All agencies"), every, chosen_below))
    return format_html_join(
        "",
        '<optgroup label="{}">{}</optgroup>',
        ((label, option_tags(pairs, chosen=marked)) for label, pairs, marked in groups),
    )
