"""What a new province starts with: calendars, deadline policies, agencies, categories, wards.

Everything here is a default the province's admin edits afterwards. `defaults_ensure` only
creates what is missing (matched by code), so running it again never overwrites an edit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import time

from django.db import transaction

from cases.models import Agency, BusinessCalendar, CalendarPeriod, Category, SlaPolicy, SlaPriorityTarget, Ward
from cases.national import NATIONAL_CATEGORY_BY_CODE
from tenants.registry import OfficialWard

CALENDAR_ALWAYS_OPEN = "24-7"
CALENDAR_OFFICE = "hanh-chinh"
OFFICE_PERIODS = ((time(7, 30), time(11, 30)), (time(13, 30), time(17, 0)))

POLICY_EMERGENCY = "khan-cap"
POLICY_FAST = "nhanh"
POLICY_STANDARD = "tieu-chuan"


@dataclass(frozen=True)
class PolicyDefault:
    code: str
    name: str
    calendar: str
    response_minutes: int
    resolution_minutes: int
    # (priority, response, resolution) overrides
    priority_targets: tuple[tuple[str, int, int], ...] = ()


POLICIES = (
    PolicyDefault(POLICY_EMERGENCY, "Khẩn cấp (24/7)", CALENDAR_ALWAYS_OPEN, 5, 60),
    PolicyDefault(POLICY_FAST, "Xử lý nhanh (24/7, 1 giờ / 24 giờ)", CALENDAR_ALWAYS_OPEN, 60, 24 * 60),
    # Five working days of 7.5 hours; urgent cases within one working day.
    PolicyDefault(
        POLICY_STANDARD,
        "Tiêu chuẩn (giờ hành chính, 4 giờ / 5 ngày làm việc)",
        CALENDAR_OFFICE,
        240,
        5 * 450,
        priority_targets=(("urgent", 60, 450), ("high", 120, 3 * 450)),
    ),
)


@dataclass(frozen=True)
class AgencyDefault:
    code: str
    # "{place}" becomes "tỉnh Cà Mau" or "Thành phố Hồ Chí Minh".
    name: str
    kind: str = Agency.Kind.DEPARTMENT
    parent: str | None = None


AGENCIES = (
    AgencyDefault("VP-UBND", "Văn phòng UBND {place}"),
    AgencyDefault("TTPVHCC", "Trung tâm Phục vụ hành chính công {place}"),
    AgencyDefault("VP-DBQH-HDND", "Văn phòng Đoàn ĐBQH và HĐND {place}"),
    AgencyDefault("SNV", "Sở Nội vụ {place}"),
    AgencyDefault("STP", "Sở Tư pháp {place}"),
    AgencyDefault("STC", "Sở Tài chính {place}"),
    AgencyDefault("SCT", "Sở Công Thương {place}"),
    AgencyDefault("SNNMT", "Sở Nông nghiệp và Môi trường {place}"),
    AgencyDefault("SXD", "Sở Xây dựng {place}"),
    AgencyDefault("SKHCN", "Sở Khoa học và Công nghệ {place}"),
    AgencyDefault("SVHTTDL", "Sở Văn hóa, Thể thao và Du lịch {place}"),
    AgencyDefault("SGDDT", "Sở Giáo dục và Đào tạo {place}"),
    AgencyDefault("SYT", "Sở Y tế {place}"),
    AgencyDefault("CDC", "Trung tâm Kiểm soát bệnh tật {place}", parent="SYT"),
    AgencyDefault("CC115", "Trung tâm Cấp cứu 115 {place}", kind=Agency.Kind.EMERGENCY, parent="SYT"),
    AgencyDefault("TTT", "Thanh tra {place}"),
    AgencyDefault("CA", "Công an {place}"),
    AgencyDefault("DIEN", "Công ty Điện lực {place}", kind=Agency.Kind.UTILITY),
    AgencyDefault("NUOC", "Công ty Cấp nước {place}", kind=Agency.Kind.UTILITY),
    AgencyDefault("MTDT", "Công ty Môi trường đô thị {place}", kind=Agency.Kind.UTILITY),
)

# Offices of each commune: (code suffix, name pattern). "{ward}" is e.g. "phường Thủ Dầu Một".
COMMUNE_OFFICES = (
    ("UBND", "UBND {ward}"),
    ("KT", "Phòng Kinh tế, Hạ tầng và Đô thị {ward}"),
    ("VHXH", "Phòng Văn hóa – Xã hội {ward}"),
    ("PVHCC", "Trung tâm Phục vụ hành chính công {ward}"),
    ("CA", "Công an {ward}"),
)


@dataclass(frozen=True)
class CategoryDefault:
    code: str  # also the national code
    agency: str
    policy: str = POLICY_STANDARD
    # Commune office (suffix from COMMUNE_OFFICES) handling it locally; None: province-wide.
    commune_office: str | None = None
    emergency: bool = False


CATEGORIES = (
    CategoryDefault("thu-tuc-hanh-chinh", "TTPVHCC", commune_office="PVHCC"),
    CategoryDefault("chinh-sach-an-sinh", "SNV", commune_office="VHXH"),
    CategoryDefault("phong-chong-dich", "CDC", POLICY_FAST),
    CategoryDefault("tu-van-y-te", "SYT", POLICY_FAST),
    CategoryDefault("cap-cuu", "CC115", POLICY_EMERGENCY, emergency=True),
    CategoryDefault("an-toan-thuc-pham", "SYT"),
    CategoryDefault("trat-tu-do-thi", "SXD", commune_office="KT"),
    CategoryDefault("ha-tang-ngap-nuoc", "SXD", POLICY_FAST, commune_office="KT"),
    CategoryDefault("moi-truong", "SNNMT", commune_office="KT"),
    CategoryDefault("tieng-on", "CA", POLICY_FAST, commune_office="CA"),
    CategoryDefault("giao-thong", "SXD"),
    CategoryDefault("an-ninh-trat-tu", "CA", POLICY_FAST, commune_office="CA"),
    CategoryDefault("dien", "DIEN", POLICY_FAST),
    CategoryDefault("nuoc", "NUOC", POLICY_FAST),
    CategoryDefault("giao-duc", "SGDDT"),
    CategoryDefault("lao-dong-viec-lam", "SNV"),
    CategoryDefault("dat-dai", "SNNMT", commune_office="KT"),
    CategoryDefault("lua-dao", "CA"),
    CategoryDefault("gop-y", "VP-UBND"),
    CategoryDefault("khac", "VP-UBND"),
)
FALLBACK_CATEGORY = "khac"


def place_name(*, name: str, division_type: str) -> str:
    """How agency names refer to the province: "tỉnh Cà Mau", "Thành phố Hồ Chí Minh"."""
    return f"tỉnh {name}" if division_type.lower() == "tỉnh" else f"Thành phố {name}"


def ward_label(ward: OfficialWard | Ward) -> str:
    """ "Phường Thủ Dầu Một" → "phường Thủ Dầu Một", as it reads inside an agency's name."""
    return ward.name[0].lower() + ward.name[1:]


def commune_agency_code(ward_code: int, suffix: str) -> str:
    return f"X{ward_code:05d}-{suffix}"


@transaction.atomic
def defaults_ensure(*, name: str, division_type: str, wards: Sequence[OfficialWard]) -> list[str]:
    """Create in the active province schema whatever default is missing. Returns a line per kind created."""
    changes = []
    changes += _calendars_ensure()
    changes += _policies_ensure()
    changes += _wards_ensure(wards)
    changes += _agencies_ensure(place_name(name=name, division_type=division_type))
    changes += _commune_agencies_ensure()
    changes += _categories_ensure()
    return changes


def _calendars_ensure() -> list[str]:
    changes = []
    _, created = BusinessCalendar.objects.get_or_create(
        code=CALENDAR_ALWAYS_OPEN, defaults={"name": "24/7", "always_open": True}
    )
    if created:
        changes.append("lịch 24/7")
    office, created = BusinessCalendar.objects.get_or_create(
        code=CALENDAR_OFFICE, defaults={"name": "Giờ hành chính (7:30–11:30, 13:30–17:00, thứ Hai–thứ Sáu)"}
    )
    if created:
        CalendarPeriod.objects.bulk_create(
            CalendarPeriod(calendar=office, weekday=weekday, start=start, end=end)
            for weekday in range(5)
            for start, end in OFFICE_PERIODS
        )
        changes.append("lịch giờ hành chính")
    return changes


def _policies_ensure() -> list[str]:
    calendars = {c.code: c for c in BusinessCalendar.objects.all()}
    changes = []
    for default in POLICIES:
        policy, created = SlaPolicy.objects.get_or_create(
            code=default.code,
            defaults={
                "name": default.name,
                "calendar": calendars[default.calendar],
                "response_minutes": default.response_minutes,
                "resolution_minutes": default.resolution_minutes,
            },
        )
        if created:
            SlaPriorityTarget.objects.bulk_create(
                SlaPriorityTarget(policy=policy, priority=p, response_minutes=r, resolution_minutes=s)
                for p, r, s in default.priority_targets
            )
            changes.append(f"chính sách thời hạn «{default.name}»")
    return changes


def _wards_ensure(wards: Sequence[OfficialWard]) -> list[str]:
    existing = set(Ward.objects.values_list("code", flat=True))
    missing = [Ward(code=w.code, name=w.name, division_type=w.division_type) for w in wards if w.code not in existing]
    Ward.objects.bulk_create(missing)
    return [f"{len(missing)} xã, phường"] if missing else []


def _agencies_ensure(place: str) -> list[str]:
    existing = set(Agency.objects.values_list("code", flat=True))
    created = []
    for default in AGENCIES:
        if default.code in existing:
            continue
        parent = Agency.objects.get(code=default.parent) if default.parent else None
        Agency.objects.create(
            code=default.code, name=default.name.format(place=place), kind=default.kind, parent=parent
        )
        created.append(default.code)
    return [f"{len(created)} cơ quan cấp tỉnh"] if created else []


def _commune_agencies_ensure() -> list[str]:
    """Each ward's committee and its offices, parented under the committee and serving the ward."""
    existing = set(Agency.objects.filter(kind=Agency.Kind.COMMUNE).values_list("code", flat=True))
    wards = list(Ward.objects.all())
    new_agencies = []
    for ward in wards:
        for suffix, pattern in COMMUNE_OFFICES:
            code = commune_agency_code(ward.code, suffix)
            if code not in existing:
                new_agencies.append(
                    Agency(code=code, name=pattern.format(ward=ward_label(ward)), kind=Agency.Kind.COMMUNE)
                )
    if not new_agencies:
        return []
    Agency.objects.bulk_create(new_agencies)
    by_code = {a.code: a for a in Agency.objects.filter(kind=Agency.Kind.COMMUNE)}
    served = []
    for ward in wards:
        committee = by_code[commune_agency_code(ward.code, "UBND")]
        for suffix, _pattern in COMMUNE_OFFICES:
            agency = by_code[commune_agency_code(ward.code, suffix)]
            if suffix != "UBND" and agency.parent_id is None:
                agency.parent = committee
            served.append(Agency.wards.through(agency_id=agency.pk, ward_id=ward.pk))
    Agency.objects.bulk_update([a for a in by_code.values() if a.parent_id], ["parent"])
    Agency.wards.through.objects.bulk_create(served, ignore_conflicts=True)
    return [f"{len(new_agencies)} cơ quan cấp xã"]


def _categories_ensure() -> list[str]:
    existing = set(Category.objects.values_list("code", flat=True))
    agencies = {a.code: a for a in Agency.objects.exclude(kind=Agency.Kind.COMMUNE)}
    policies = {p.code: p for p in SlaPolicy.objects.all()}
    created = 0
    for order, default in enumerate(CATEGORIES, start=1):
        if default.code in existing:
            continue
        national = NATIONAL_CATEGORY_BY_CODE[default.code]
        category = Category.objects.create(
            code=default.code,
            name=national.name,
            name_en=national.name_en,
            national_code=national.code,
            default_agency=agencies.get(default.agency),
            sla_policy=policies[default.policy],
            is_local=default.commune_office is not None,
            is_emergency=default.emergency,
            order=order * 10,
        )
        handlers = [agencies[default.agency]] if default.agency in agencies else []
        if default.commune_office:
            handlers += Agency.objects.filter(code__endswith=f"-{default.commune_office}", kind=Agency.Kind.COMMUNE)
        category.handling_agencies.add(*handlers)
        created += 1
    return [f"{created} lĩnh vực"] if created else []
