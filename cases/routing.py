"""Which agency a case goes to: local matters to the commune serving the ward, the rest to the category's agency."""

from __future__ import annotations

from cases.models import Agency, Category, Ward


def agency_for(*, category: Category, ward: Ward | None) -> Agency | None:
    """The default competent agency for a category in a ward.

    A local category reported with a ward goes to the active commune-level agency that
    serves the ward and handles the category (its committee if no office does); anything
    else, or a ward nobody serves, goes to the category's default agency.
    """
    if category.is_local and ward is not None:
        serving = Agency.objects.filter(is_active=True, kind=Agency.Kind.COMMUNE, wards=ward)
        local = serving.filter(categories=category).order_by("pk").first()
        if local is None:
            local = serving.filter(parent__isnull=True).order_by("pk").first()
        if local is not None:
            return local
    default = category.default_agency
    return default if default is not None and default.is_active else None


def emergency_agency() -> Agency | None:
    """Where emergencies go: the province's active emergency service (115)."""
    return Agency.objects.filter(is_active=True, kind=Agency.Kind.EMERGENCY).order_by("pk").first()
