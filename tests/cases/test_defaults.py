"""What a province starts with, as the session's demo seed provisioned it."""

from __future__ import annotations

from datetime import time

from django_tenants.utils import tenant_context

from cases.defaults import (
    AGENCIES,
    CALENDAR_ALWAYS_OPEN,
    CALENDAR_OFFICE,
    CATEGORIES,
    COMMUNE_OFFICES,
    POLICIES,
    commune_agency_code,
    defaults_ensure,
)
from cases.models import Agency, BusinessCalendar, Category, SlaPolicy, Ward
from cases.national import NATIONAL_CATEGORY_BY_CODE
from tenants.registry import UnitKind, find_unit, wards_of


def test_province_has_the_twenty_categories_each_with_a_national_code(in_a):
    categories = list(Category.objects.select_related("default_agency", "sla_policy"))

    assert len(categories) == 20
    assert {c.code for c in categories} == {d.code for d in CATEGORIES}
    for category in categories:
        assert category.national_code in NATIONAL_CATEGORY_BY_CODE
        assert category.national_code == category.code
        assert category.name == NATIONAL_CATEGORY_BY_CODE[category.code].name
        assert category.is_active


def test_categories_follow_their_defaults(in_a):
    by_code = {c.code: c for c in Category.objects.select_related("default_agency")}
    for default in CATEGORIES:
        category = by_code[default.code]
        assert category.default_agency.code == default.agency, default.code
        assert category.is_local == (default.commune_office is not None)
        assert category.is_emergency == default.emergency
        assert category.handling_agencies.filter(code=default.agency).exists()


def test_only_the_emergency_category_is_an_emergency(in_a):
    assert list(Category.objects.filter(is_emergency=True).values_list("code", flat=True)) == ["cap-cuu"]


def test_province_has_the_default_agencies(in_a):
    agencies = {a.code: a for a in Agency.objects.exclude(kind=Agency.Kind.COMMUNE).select_related("parent")}

    for default in AGENCIES:
        agency = agencies[default.code]
        assert agency.kind == default.kind
        assert (agency.parent.code if agency.parent else None) == default.parent
        assert agency.is_active
        assert "Bình Dương" in agency.name
    assert agencies["CC115"].kind == Agency.Kind.EMERGENCY


def test_every_ward_has_its_five_commune_agencies(in_a):
    wards = list(Ward.objects.all())
    assert wards
    communes = Agency.objects.filter(kind=Agency.Kind.COMMUNE)
    assert communes.count() == len(COMMUNE_OFFICES) * len(wards) == 5 * len(wards)

    for ward in wards:
        serving = {a.code: a for a in communes.filter(wards=ward).select_related("parent")}
        assert set(serving) == {commune_agency_code(ward.code, suffix) for suffix, _name in COMMUNE_OFFICES}
        committee = serving[commune_agency_code(ward.code, "UBND")]
        assert committee.parent is None
        for code, agency in serving.items():
            if agency is not committee:
                assert agency.parent == committee, code


def test_wards_are_the_provinces_own(in_a):
    official = {w.code for w in wards_of(find_unit("binhduong", kind=UnitKind.LEGACY))}

    assert set(Ward.objects.values_list("code", flat=True)) == official


def test_office_hours_and_always_open_calendars(in_a):
    always = BusinessCalendar.objects.get(code=CALENDAR_ALWAYS_OPEN)
    office = BusinessCalendar.objects.get(code=CALENDAR_OFFICE)

    assert always.always_open
    assert not always.periods.exists()
    assert not office.always_open
    assert office.public_holidays
    assert [(p.weekday, p.start, p.end) for p in office.periods.order_by("weekday", "start")] == [
        (day, start, end) for day in range(5) for start, end in ((time(7, 30), time(11, 30)), (time(13, 30), time(17)))
    ]


def test_default_policies_exist(in_a):
    policies = {p.code: p for p in SlaPolicy.objects.select_related("calendar")}

    for default in POLICIES:
        policy = policies[default.code]
        assert policy.calendar.code == default.calendar
        assert (policy.response_minutes, policy.resolution_minutes) == (
            default.response_minutes,
            default.resolution_minutes,
        )
        assert {(t.priority, t.response_minutes, t.resolution_minutes) for t in policy.priority_targets.all()} == set(
            default.priority_targets
        )


def test_running_the_defaults_again_creates_nothing(in_a):
    counts = (Category.objects.count(), Agency.objects.count(), Ward.objects.count(), SlaPolicy.objects.count())

    changes = defaults_ensure(
        name=in_a.name, division_type=in_a.division_type, wards=wards_of(find_unit("binhduong", kind=UnitKind.LEGACY))
    )

    assert changes == []
    assert (Category.objects.count(), Agency.objects.count(), Ward.objects.count(), SlaPolicy.objects.count()) == counts


def test_epidemic_control_goes_to_the_cdc_in_ca_mau(province_b):
    with tenant_context(province_b):
        category = Category.objects.select_related("default_agency__parent").get(code="phong-chong-dich")

        assert category.default_agency.code == "CDC"
        assert category.default_agency.parent.code == "SYT"
        assert "Cà Mau" in category.default_agency.name
