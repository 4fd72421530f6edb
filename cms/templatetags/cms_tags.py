"""The public site's template tags."""

from __future__ import annotations

import re

from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe

from cases.search import search_fold, search_words

register = template.Library()


@register.inclusion_tag("cms/_announcement.html", takes_context=True)
def announcement_banner(context):
    """The province's banner, when its admin has switched it on (only on a province's host)."""
    request = context.get("request")
    if request is None or context.get("province") is None:
        return {"announcement": None}
    from cms.models import AnnouncementSettings

    announcement = AnnouncementSettings.load(request_or_site=request)
    return {"announcement": announcement if announcement.shown else None}


@register.simple_tag
def highlight(text: str, query: str) -> str:
    """`text` with each word that `query` matches (diacritics aside, by prefix) in <mark>."""
    words = search_words(query)
    if not words:
        return escape(text)
    # Folded one character at a time, so positions in the folded text are positions in the original.
    folded = "".join((search_fold(char) or char)[:1] for char in text)
    pattern = re.compile(r"(?<![a-z0-9])(?:" + "|".join(re.escape(word) for word in words) + r")[a-z0-9]*")
    out, last = [], 0
    for match in pattern.finditer(folded):
        out += [escape(text[last : match.start()]), "<mark>", escape(text[match.start() : match.end()]), "</mark>"]
        last = match.end()
    out.append(escape(text[last:]))
    return mark_safe("".join(out))
