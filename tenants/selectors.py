"""Reads of the platform's province registry (public schema)."""

from __future__ import annotations

from django_tenants.utils import get_public_schema_name, schema_context

from tenants.models import Province


def provinces_named(slugs: list[str]) -> list[Province]:
    """Every province when `slugs` is empty, else those named; LookupError lists the slugs no province has."""
    with schema_context(get_public_schema_name()):
        provinces = Province.objects.provinces().order_by("slug")
        if slugs:
            provinces = provinces.filter(slug__in=slugs)
        found = list(provinces)
    unknown = sorted(set(slugs) - {province.slug for province in found})
    if unknown:
        raise LookupError(", ".join(unknown))
    return found
