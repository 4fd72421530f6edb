"""How a case's deadline reads on a screen: on time, at risk or overdue, and how long is left."""

from __future__ import annotations

from datetime import timedelta

from django.utils.html import format_html
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from cases import clock


def duration_short(delta: timedelta) -> str:
    """2 ngày 3 giờ / 4 giờ 05 phút / 12 phút: what an operator reads at a glance."""
    minutes = int(abs(delta).total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        return _("%(days)d d %(hours)d h") % {"days": days, "hours": hours}
    if hours:
        return _("%(hours)d h %(minutes)02d min") % {"hours": hours, "minutes": minutes}
    return _("%(minutes)d min") % {"minutes": minutes}


def deadline_badge(case, now=None) -> str:
    """On time / at risk / overdue, with the time left or past, for an open case.

    Built in Python rather than an included template: the inbox shows one per row.
    """
    badge = _deadline_state(case, now)
    if not badge["state"]:
        return ""
    return format_html(
        '<span class="badge badge-{}" title="{}">{}<span class="badge-time"> · {}</span></span>',
        badge["state"],
        localtime(badge["due"]).strftime("%H:%M %d/%m/%Y"),
        badge["label"],
        badge["text"],
    )


def _deadline_state(case, now=None) -> dict:
    now = now or clock.now()
    if not case.is_open or case.next_due_at is None:
        return {"state": ""}
    left = case.next_due_at - now
    if case.is_overdue or left <= timedelta(0):
        state, text = "overdue", _("Overdue by %(time)s") % {"time": duration_short(left)}
        label = _("Overdue")
    elif case.is_at_risk or _risk_passed(case, now):
        state, text, label = "risk", _("%(time)s left") % {"time": duration_short(left)}, _("At risk")
    else:
        state, text, label = "ok", _("%(time)s left") % {"time": duration_short(left)}, _("On time")
    if case.status == "waiting_reporter":
        text = _("Paused: waiting for the reporter")
    return {"state": state, "label": label, "text": text, "due": case.next_due_at}


def _risk_passed(case, now) -> bool:
    risk = case.response_risk_at if case.responded_at is None else case.resolution_risk_at
    return risk is not None and risk <= now
