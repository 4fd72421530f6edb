"""Routing: local matters to the commune office serving the ward, the rest to the category's agency."""

from __future__ import annotations

from cases import routing, rules
from cases.defaults import commune_agency_code
from cases.models import Agency, Category, Channel, Ward
from cases.services import case_intake


def _category(code: str) -> Category:
    return Category.objects.select_related("default_agency").get(code=code)


def _deactivate(*codes: str) -> None:
    Agency.objects.filter(code__in=codes).update(is_active=False)
    rules.rules_clear()


def test_local_category_with_a_ward_goes_to_the_commune_office_handling_it(in_a, ward):
    noise = _category("tieng-on")
    assert noise.is_local

    agency = routing.agency_for(category=noise, ward=ward)

    assert agency.code == f"X{ward.code:05d}-CA" == commune_agency_code(ward.code, "CA")
    assert agency.kind == Agency.Kind.COMMUNE
    assert agency.wards.filter(pk=ward.pk).exists()


def test_each_local_category_goes_to_its_own_office(in_a, ward):
    assert routing.agency_for(category=_category("thu-tuc-hanh-chinh"), ward=ward).code.endswith("-PVHCC")
    assert routing.agency_for(category=_category("chinh-sach-an-sinh"), ward=ward).code.endswith("-VHXH")
    assert routing.agency_for(category=_category("dat-dai"), ward=ward).code.endswith("-KT")


def test_intake_of_a_local_matter_with_a_ward_is_routed_to_the_commune(in_a, ward):
    case = case_intake(
        channel=Channel.WEB, description="Karaoke đến nửa đêm.", category="tieng-on", ward=ward.code
    ).case

    assert case.ward_id == ward.pk
    assert case.agency.code == f"X{ward.code:05d}-CA"


def test_local_category_without_a_ward_goes_to_the_default_agency(in_a):
    assert routing.agency_for(category=_category("tieng-on"), ward=None).code == "CA"

    case = case_intake(channel=Channel.WEB, description="Karaoke đến nửa đêm.", category="tieng-on").case
    assert case.agency.code == "CA"


def test_non_local_category_goes_to_its_default_agency_even_with_a_ward(in_a, ward):
    power = _category("dien")
    assert not power.is_local

    assert routing.agency_for(category=power, ward=ward).code == "DIEN"
    case = case_intake(channel=Channel.VOICE, description="Mất điện cả khu.", category="dien", ward=ward).case
    assert case.agency.code == "DIEN"


def test_a_ward_nobody_serves_falls_back_to_the_default_agency(in_a):
    lonely = Ward.objects.create(code=99_999, name="Xã Thử Nghiệm", division_type="xã")

    assert routing.agency_for(category=_category("tieng-on"), ward=lonely).code == "CA"


def test_an_inactive_commune_office_is_skipped_for_the_committee(in_a, ward):
    _deactivate(commune_agency_code(ward.code, "CA"))

    assert routing.agency_for(category=_category("tieng-on"), ward=ward).code == commune_agency_code(ward.code, "UBND")
    case = case_intake(
        channel=Channel.WEB, description="Karaoke đến nửa đêm.", category="tieng-on", ward=ward.code
    ).case
    assert case.agency.code == commune_agency_code(ward.code, "UBND")


def test_an_inactive_commune_falls_back_to_the_default_agency(in_a, ward):
    _deactivate(*(commune_agency_code(ward.code, suffix) for suffix in ("CA", "UBND")))

    assert routing.agency_for(category=_category("tieng-on"), ward=ward).code == "CA"


def test_an_inactive_default_agency_is_not_routed_to(in_a, ward):
    _deactivate("DIEN")

    assert routing.agency_for(category=_category("dien"), ward=ward) is None
    case = case_intake(channel=Channel.VOICE, description="Mất điện cả khu.", category="dien").case
    assert case.agency is None
    assert case.status == "new"


def test_an_inactive_115_is_skipped(in_a):
    _deactivate("CC115")

    case = case_intake(channel=Channel.VOICE, description="Tai nạn, cần xe cấp cứu.", category="cap-cuu").case

    assert case.agency is None
    assert case.status == "new"
    assert case.is_emergency
