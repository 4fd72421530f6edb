"""The demo: four provinces the customer named, with accounts whose password is published.

Runs only in demo mode (DEMO_MODE, on by default in development). Idempotent: each
step checks what exists, so `make run` can call it on every start. Later features
add their own demo data as further steps in `seed`.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from django_tenants.utils import get_public_schema_name, schema_context, tenant_context

from cases import rules
from cases.defaults import CALENDAR_ALWAYS_OPEN
from cases.demo import DAYS, cases_seed
from cases.models import Agency, AgencyMember, BusinessCalendar, Category, SlaPolicy
from channels.registry import demo_seeders
from channels.voice.demo import voice_demo_ensure
from cms.demo import faq_seed
from oversight.rollups import rollups_refresh
from tenants import roles
from tenants.models import Province
from tenants.registry import UnitKind, find_unit
from tenants.services import account_ensure, national_ensure, province_provision

DEMO_PASSWORD = "demo1022"


@dataclass(frozen=True)
class DemoProvince:
    slug: str
    # The agency the demo agency account works for: (code, name).
    agency: tuple[str, str]
    # Bình Dương promised every report handled within five hours of receipt, day and night.
    five_hour_promise: bool = False
    # The customer's four provinces are the units as they ran their hotlines before 1 July 2025;
    # their successors are current units, so that the demo can show the mergers.
    kind: UnitKind = UnitKind.LEGACY


DEMO_PROVINCES = (
    DemoProvince("binhduong", ("SYT", "Sở Y tế tỉnh Bình Dương"), five_hour_promise=True),
    DemoProvince("thanhhoa", ("SYT", "Sở Y tế tỉnh Thanh Hóa")),
    # Cà Mau's key 2 (epidemic control) goes to the provincial CDC: the agency of record.
    DemoProvince("camau", ("CDC", "Trung tâm Kiểm soát bệnh tật tỉnh Cà Mau")),
    DemoProvince("binhphuoc", ("SYT", "Sở Y tế tỉnh Bình Phước")),
    # Successors of the 2025 mergers: `province_merge binhduong --into hochiminh`, `binhphuoc --into dongnai`.
    DemoProvince("hochiminh", ("SYT", "Sở Y tế Thành phố Hồ Chí Minh"), kind=UnitKind.CURRENT),
    DemoProvince("dongnai", ("SYT", "Sở Y tế tỉnh Đồng Nai"), kind=UnitKind.CURRENT),
)
DEMO_CASES_PER_PROVINCE = 300
FIVE_HOUR_POLICY = "5-gio"
NATIONAL_ACCOUNTS = (("giamsat", roles.NATIONAL_VIEWER), ("quantri", roles.PLATFORM_ADMIN))
PROVINCE_ACCOUNTS = (
    ("admin", roles.PROVINCE_ADMIN),
    ("editor", roles.EDITOR),
    ("supervisor", roles.SUPERVISOR),
    ("operator", roles.OPERATOR),
    ("agency", roles.AGENCY_STAFF),
)


def demo_username(prefix: str, slug: str) -> str:
    # Usernames differ per province so that the demo shows an account cannot cross provinces.
    return f"{prefix}.{slug}"


def seed(
    *, base_domain: str, log=print, cases_per_province: int = DEMO_CASES_PER_PROVINCE, channel_demos: bool = True
) -> None:
    """`channel_demos=False` leaves out the messages each channel's demo delivers to its webhook (tests
    count what their own deliveries store; `tests/channels/test_channel_demos.py` runs those demos)."""
    if not settings.DEMO_MODE:
        raise ImproperlyConfigured("The demo seed publishes its passwords; it runs only with DEMO_MODE on.")
    for line in national_ensure(base_domain=base_domain):
        log(f"  + {line}")
    with schema_context(get_public_schema_name()):
        for username, role in NATIONAL_ACCOUNTS:
            if account_ensure(username=username, password=DEMO_PASSWORD, role=role):
                log(f"  + tài khoản quốc gia «{username}»")

    with schema_context(get_public_schema_name()):
        merged = {
            p.slug: p.merged_into.name
            for p in Province.objects.filter(status=Province.Status.MERGED).select_related("merged_into")
        }
    for demo in DEMO_PROVINCES:
        if demo.slug in merged:
            # Its hotline lives in its successor now; seeding it again would refill an emptied schema.
            log(f"{demo.slug}: đã sáp nhập vào {merged[demo.slug]}, bỏ qua")
            continue
        unit = find_unit(demo.slug, kind=demo.kind)
        result = province_provision(
            unit=unit,
            base_domain=base_domain,
            admin_username=demo_username("admin", demo.slug),
            admin_password=DEMO_PASSWORD,
        )
        log(f"{unit.full_name}: {len(result.changes)} thay đổi")
        for line in result.changes:
            log(f"  + {line}")
        with tenant_context(result.province):
            for line in _province_demo_ensure(demo):
                log(f"  + {line}")
            made = cases_seed(count=cases_per_province, seed=demo.slug)
            if made:
                log(f"  + {made} phản ánh mẫu trong {DAYS} ngày qua")
            for line in voice_demo_ensure(demo.slug):
                log(f"  + {line}")
            hotline = " hoặc ".join(f"{prefix} 1022" for prefix in result.province.trunk_prefixes()) or "1022"
            for line in faq_seed(demo.slug, result.province.name, hotline):
                log(f"  + {line}")
            for channel_seed in demo_seeders() if channel_demos else ():
                channel_seed(log=lambda line: log(f"  + {line}"))
            # National oversight shows the demo at once; beat keeps it current from here on. Derived
            # figures, not demo content: a refresh is not a change the seed reports.
            rollups_refresh()


@transaction.atomic
def _province_demo_ensure(demo: DemoProvince) -> list[str]:
    changes = []
    code, name = demo.agency
    agency, created = Agency.objects.get_or_create(code=code, defaults={"name": name})
    if created:
        changes.append(f"cơ quan «{name}»")
    for prefix, role in PROVINCE_ACCOUNTS:
        username = demo_username(prefix, demo.slug)
        # Demo mail goes to var/mail (development) so escalations to supervisors can be read.
        email = f"{username}@demo.1022.localhost"
        if account_ensure(username=username, password=DEMO_PASSWORD, role=role, email=email):
            changes.append(f"tài khoản «{username}»")
        if role is roles.AGENCY_STAFF:
            user = get_user_model().objects.get(username=username)
            AgencyMember.objects.get_or_create(user=user, defaults={"agency": agency})
    if demo.five_hour_promise:
        changes += _five_hour_policy_ensure()
    return changes


def _five_hour_policy_ensure() -> list[str]:
    """Every non-emergency category on one policy: forwarded within 1 hour, handled within 5, 24/7."""
    policy, created = SlaPolicy.objects.get_or_create(
        code=FIVE_HOUR_POLICY,
        defaults={
            "name": "Cam kết 5 giờ (24/7)",
            "calendar": BusinessCalendar.objects.get(code=CALENDAR_ALWAYS_OPEN),
            "response_minutes": 60,
            "resolution_minutes": 5 * 60,
        },
    )
    if not created:
        return []
    Category.objects.filter(is_emergency=False).update(sla_policy=policy)
    rules.rules_clear()
    return ["chính sách «Cam kết 5 giờ (24/7)» cho mọi lĩnh vực"]


def summary(*, base_domain: str, port: int) -> str:
    """The URLs and logins a newcomer needs, as printed by `make run`."""
    suffix = "" if port == 80 else f":{port}"
    lines = [
        "",
        "Tổng đài 1022 — bản demo",
        "=" * 72,
        f"Trang quốc gia:    http://{base_domain}{suffix}/",
        f"  quản trị nền tảng: http://{base_domain}{suffix}/admin/",
        f"  giám sát quốc gia (so sánh các tỉnh, biểu đồ, CSV/XLSX/PDF): http://{base_domain}{suffix}/oversight/",
        *(f"  {u:<18} / {DEMO_PASSWORD}   ({r.group_name})" for u, r in NATIONAL_ACCOUNTS),
    ]
    with schema_context(get_public_schema_name()):
        provinces = {
            p.slug: p
            for p in Province.objects.provinces().select_related("merged_into").prefetch_related("dialing_prefixes")
        }
    for demo in DEMO_PROVINCES:
        province = provinces.get(demo.slug)
        if province is None:
            continue
        host = f"http://{demo.slug}.{base_domain}{suffix}"
        if province.status == Province.Status.MERGED:
            successor = f"http://{province.merged_into.slug}.{base_domain}{suffix}{province.merged_section_path}"
            lines += [
                "",
                f"{province.name}: đã sáp nhập vào {province.merged_into.name}; {host}/ chuyển về {successor}",
            ]
            continue
        prefixes = ", ".join(f"{p} 1022" for p in province.trunk_prefixes())
        lines += [
            "",
            f"{province.name} ({prefixes}):  {host}/",
            f"  quản trị trang: {host}/admin/    đăng nhập: {host}/accounts/login/",
            f"  hỏi đáp: {host}/cau-hoi-thuong-gap/    tìm kiếm: {host}/tim-kiem/?q=tiem+vac+xin",
            f"  trang thông tin: biên tập viên gửi duyệt, quản trị tỉnh duyệt ở {host}/admin/"
            " (lịch sử sửa đổi: mục «History» của từng trang)",
            f"  bàn làm việc điện thoại viên: {host}/cases/    giám sát: {host}/cases/supervision/",
            "    (trên trang phản ánh, «Trả lời người phản ánh» có ô «Câu trả lời mẫu từ trang hỏi đáp»)",
            f"  phản ánh của cơ quan: {host}/agency/",
            f"  cuộc gọi: {host}/cases/calls/    gọi lại: {host}/cases/callbacks/",
            f"  thử tổng đài: {host}/admin/hotline/test/",
            f"  các kênh tiếp nhận (thiết lập, địa chỉ webhook, số phản ánh): {host}/admin/channels/",
            f"  phản ánh theo kênh: {host}/cases/?queue=all&channel=zalo (messenger, viber, email, web, app, open311)",
            f"  phản ánh trực tuyến: {host}/phan-anh/    tra cứu: {host}/tra-cuu/",
            f"  API ứng dụng: {host}/api/docs/    Open311: {host}/open311/v2/discovery.json",
            *(
                f"  {demo_username(prefix, demo.slug):<22} / {DEMO_PASSWORD}   ({role.group_name})"
                for prefix, role in PROVINCE_ACCOUNTS
            ),
        ]
    lines += [
        "",
        "Gọi thử (không cần điện thoại), ví dụ phím 2 của Cà Mau khi CDC không nghe máy:",
        "  .venv/bin/python manage.py call_simulate --to 02901022 --from 0912345678 --digits 2 --dial-status no-answer",
        f"Twilio: http://{base_domain}{suffix}/hooks/twilio/voice/incoming/ (dự phòng: …/voice/fallback/,"
        " trạng thái: …/voice/status/, SMS: /hooks/twilio/sms/)",
        "",
        "Sáp nhập theo Nghị quyết 202/2025/QH15 (chạy thử trước, rồi bỏ --dry-run; hoặc ở trang quản trị nền tảng):",
        "  .venv/bin/python manage.py province_merge binhduong --into hochiminh --dry-run",
        "  .venv/bin/python manage.py province_merge binhphuoc --into dongnai --dry-run",
        f"Quản trị nền tảng (tỉnh, tạm ngừng, sao lưu, sáp nhập): http://{base_domain}{suffix}/platform/",
        "",
        f"Kiểm tra hệ thống: http://{base_domain}{suffix}/healthz",
        "=" * 72,
        "",
    ]
    return "\n".join(lines)
