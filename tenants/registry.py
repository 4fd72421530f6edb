"""The official list of provincial units, from `vietnam-provinces`.

Two generations coexist: the 34 units in force since 1 July 2025 ("current") and the
63 units before Resolution 202/2025/QH15 ("legacy"). A hotline tenant can stand for
either. Slugs are the library's codename without underscores; legacy codenames carry
the division type ("tinh_binh_duong"), which is dropped so that a province keeps its
slug across generations (legacy Thanh Hóa and current Thanh Hóa are both "thanhhoa").
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from functools import cache

from vietnam_provinces import Province as CurrentProvince
from vietnam_provinces import Ward as CurrentWard
from vietnam_provinces.legacy import Province as LegacyProvince

# Legacy codename prefixes naming the division type, longest first.
_DIVISION_PREFIXES = ("thanh_pho_", "tinh_")
_NAME_PREFIXES = ("Thành phố ", "Tỉnh ")

# Corrections to the library's legacy → current mapping, by legacy code. 2026.9.0 lists
# legacy Tiền Giang (82) as a source of both Tây Ninh and Đồng Tháp; under Resolution
# 202/2025/QH15 it joined Đồng Tháp only (Long An joined Tây Ninh).
_LEGACY_SUCCESSOR_OVERRIDES = {82: 82}


class UnitKind(enum.StrEnum):
    CURRENT = "current"
    LEGACY = "legacy"


class UnknownProvince(LookupError):
    pass


@dataclass(frozen=True)
class OfficialUnit:
    kind: UnitKind
    code: int
    name: str
    full_name: str
    division_type: str
    slug: str
    # Area codes without the trunk 0; the unit's own code first.
    area_codes: tuple[str, ...]
    # For a legacy unit: the current unit it became part of. For a current unit: its legacy sources.
    successor_code: int | None = None
    source_codes: tuple[int, ...] = ()

    @property
    def current_code(self) -> int | None:
        """The official (post-2025) code a tenant of this unit carries, if it is the same territory."""
        if self.kind is UnitKind.CURRENT:
            return self.code
        successor = current_unit_by_code().get(self.successor_code or -1)
        return successor.code if successor and successor.source_codes == (self.code,) else None

    @property
    def legacy_code(self) -> int | None:
        """The legacy code a tenant of this unit carries, if the territory did not change."""
        if self.kind is UnitKind.LEGACY:
            return self.code
        return self.source_codes[0] if len(self.source_codes) == 1 else None

    @property
    def label(self) -> str:
        generation = "từ 1/7/2025" if self.kind is UnitKind.CURRENT else "trước 1/7/2025"
        return f"{self.full_name} (mã {self.code:02d}, {generation})"


def slug_from_codename(codename: str) -> str:
    for prefix in _DIVISION_PREFIXES:
        if codename.startswith(prefix):
            codename = codename[len(prefix) :]
            break
    return codename.replace("_", "")


def short_name(full_name: str) -> str:
    for prefix in _NAME_PREFIXES:
        if full_name.startswith(prefix):
            return full_name[len(prefix) :]
    return full_name


def _successor_of_legacy(legacy_code: int) -> int | None:
    if legacy_code in _LEGACY_SUCCESSOR_OVERRIDES:
        return _LEGACY_SUCCESSOR_OVERRIDES[legacy_code]
    matches = CurrentProvince.search_from_legacy(code=legacy_code)
    return int(matches[0].province.code) if len(matches) == 1 else None


@cache
def legacy_units() -> tuple[OfficialUnit, ...]:
    return tuple(
        OfficialUnit(
            kind=UnitKind.LEGACY,
            code=int(p.code),
            name=short_name(p.name),
            full_name=p.name,
            division_type=str(p.division_type),
            slug=slug_from_codename(p.codename),
            area_codes=(str(p.phone_code),),
            successor_code=_successor_of_legacy(int(p.code)),
        )
        for p in LegacyProvince.iter_all()
    )


@cache
def current_units() -> tuple[OfficialUnit, ...]:
    legacy_by_code = {unit.code: unit for unit in legacy_units()}
    units = []
    for p in CurrentProvince.iter_all():
        code = int(p.code)
        sources = tuple(
            int(source.code)
            for source in p.get_legacy_sources()
            if legacy_by_code[int(source.code)].successor_code == code
        )
        area_codes = [str(p.phone_code)]
        for source in sources:
            for area_code in legacy_by_code[source].area_codes:
                if area_code not in area_codes:
                    area_codes.append(area_code)
        units.append(
            OfficialUnit(
                kind=UnitKind.CURRENT,
                code=code,
                name=short_name(p.name),
                full_name=p.name,
                division_type=str(p.division_type),
                slug=slug_from_codename(p.codename),
                area_codes=tuple(area_codes),
                source_codes=sources,
            )
        )
    return tuple(units)


@cache
def current_unit_by_code() -> dict[int, OfficialUnit]:
    return {unit.code: unit for unit in current_units()}


def find_unit(reference: str, *, kind: UnitKind | None = None) -> OfficialUnit:
    """Find a unit by slug ("binhduong", "binh_duong") or code ("74", "074").

    Current units win when a reference names both generations (a code such as 82, or a
    slug such as "camau"), unless ``kind`` says otherwise.
    """
    ref = reference.strip().lower()
    generations = [kind] if kind else [UnitKind.CURRENT, UnitKind.LEGACY]
    for generation in generations:
        units = current_units() if generation is UnitKind.CURRENT else legacy_units()
        for unit in units:
            if _matches(unit, ref):
                return unit
    raise UnknownProvince(reference)


def _matches(unit: OfficialUnit, ref: str) -> bool:
    if re.fullmatch(r"\d{1,3}", ref):
        return unit.code == int(ref)
    return unit.slug == ref.replace("_", "").replace("-", "")


@dataclass(frozen=True)
class OfficialWard:
    code: int
    name: str
    division_type: str


def wards_of(unit: OfficialUnit) -> tuple[OfficialWard, ...]:
    """The communes and wards (in force since 1 July 2025) that lie in the unit's territory.

    A legacy unit keeps the current wards of its successor that were formed, wholly or in
    part, from its own legacy wards: Bình Dương's hotline still serves Thủ Dầu Một.
    """
    if unit.kind is UnitKind.CURRENT:
        wards = CurrentWard.iter_by_province(unit.code)
    elif unit.successor_code is None:
        wards = ()
    else:
        wards = (
            ward
            for ward in CurrentWard.iter_by_province(unit.successor_code)
            if any(int(source.province_code) == unit.code for source in ward.get_legacy_sources())
        )
    return tuple(OfficialWard(int(w.code), w.name, str(w.division_type.value)) for w in wards)
