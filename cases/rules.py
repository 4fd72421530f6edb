"""What intake needs to know about a category, read once and kept for a short while.

Every case needs its category's policy, calendar (with holidays and overrides), targets
per priority and default agency. Reading them for every call would cost more than the
case itself, so each process keeps them for `RULES_TTL` seconds, keyed by province
schema: an admin's edit reaches intake within that time, and provinces never share an entry.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.db import connection

from cases import deadlines, routing, sla
from cases.models import Agency, Category, Priority, Ward

RULES_TTL = 30.0

_cache: dict[tuple, tuple[float, object]] = {}


@dataclass(frozen=True)
class CategoryRules:
    category: Category
    spec: sla.CalendarSpec
    targets: dict[str, deadlines.Targets]


def _cached(key: tuple, build):
    key = (connection.schema_name, *key)
    entry = _cache.get(key)
    now = time.monotonic()
    if entry is not None and entry[0] > now:
        return entry[1]
    value = build()
    _cache[key] = (now + RULES_TTL, value)
    return value


def rules_clear() -> None:
    """Forget everything cached in this process (tests, and admins' saves in this process)."""
    _cache.clear()


def category_rules(code: str) -> CategoryRules | None:
    """The active category with this code and its deadline rules, or None."""
    return _cached(("category", code), lambda: _category_rules_build(code))


def _category_rules_build(code: str) -> CategoryRules | None:
    category = (
        Category.objects.select_related("sla_policy__calendar", "default_agency")
        .prefetch_related("sla_policy__priority_targets")
        .filter(code=code, is_active=True)
        .first()
    )
    if category is None:
        return None
    policy = category.sla_policy
    return CategoryRules(
        category=category,
        spec=deadlines.calendar_spec(policy.calendar),
        targets={priority: deadlines.targets_for(policy, priority) for priority in Priority.values},
    )


def agency_for(category: Category, ward: Ward | None) -> Agency | None:
    """`routing.agency_for`, remembered per category and ward."""
    return _cached(
        ("route", category.pk, ward.pk if ward else None), lambda: routing.agency_for(category=category, ward=ward)
    )


def emergency_agency() -> Agency | None:
    return _cached(("emergency",), routing.emergency_agency)


def ward_by_code(code: int) -> Ward | None:
    return _cached(("ward", code), lambda: Ward.objects.filter(code=code).first())
