"""The official registry: slugs, codes that collide across generations, and who owns which area code."""

from collections import Counter

import pytest

from tenants.registry import UnitKind, UnknownProvince, current_units, find_unit, legacy_units, slug_from_codename


@pytest.mark.parametrize(
    ("codename", "slug"),
    [
        ("binh_duong", "binhduong"),
        ("ho_chi_minh", "hochiminh"),
        ("tinh_binh_duong", "binhduong"),
        ("thanh_pho_hue", "hue"),
    ],
)
def test_slug_is_the_codename_without_division_type_or_underscores(codename, slug):
    assert slug_from_codename(codename) == slug


def test_both_generations_are_complete_and_slugs_unique_within_each():
    assert len(current_units()) == 34
    assert len(legacy_units()) == 63
    for units in (current_units(), legacy_units()):
        assert len({unit.slug for unit in units}) == len(units)


def test_a_code_that_names_two_provinces_resolves_by_generation():
    # 82 was Tiền Giang before 1 July 2025 and is Đồng Tháp since.
    assert find_unit("82").name == "Đồng Tháp"
    assert find_unit("82", kind=UnitKind.LEGACY).name == "Tiền Giang"


def test_a_legacy_only_unit_is_found_without_saying_legacy():
    unit = find_unit("binhduong")
    assert unit.kind is UnitKind.LEGACY
    assert unit.code == 74
    assert unit.area_codes == ("274",)
    assert find_unit("74") == unit


def test_merged_units_answer_every_area_code_of_their_sources():
    assert find_unit("hochiminh").area_codes == ("28", "274", "254")
    assert set(find_unit("dongnai").area_codes) == {"251", "271"}
    assert set(find_unit("camau").area_codes) == {"290", "291"}
    assert find_unit("thanhhoa").area_codes == ("237",)


def test_every_legacy_area_code_belongs_to_exactly_one_current_unit():
    owners = Counter(code for unit in current_units() for code in unit.area_codes)
    legacy_codes = {code for unit in legacy_units() for code in unit.area_codes}

    assert legacy_codes <= set(owners)
    assert [code for code, count in owners.items() if count > 1] == []


def test_tien_giang_joined_dong_thap_only():
    assert "273" in find_unit("dongthap").area_codes
    assert "273" not in find_unit("tayninh").area_codes


@pytest.mark.parametrize("reference", ["atlantis", "0", "999", ""])
def test_unknown_reference_raises(reference):
    with pytest.raises(UnknownProvince):
        find_unit(reference)
