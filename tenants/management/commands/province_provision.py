import os

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from tenants.registry import UnitKind, UnknownProvince, find_unit
from tenants.services import national_ensure, province_provision


class Command(BaseCommand):
    help = (
        "Create a province from the official registry (vietnam-provinces): schema, domain, dialing prefixes, "
        "hotline numbers, roles, an admin account and its Wagtail site. Safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument("reference", help="slug (binhduong, hochiminh) or official code (74, 79)")
        generation = parser.add_mutually_exclusive_group()
        generation.add_argument(
            "--legacy", action="store_true", help="a unit as it was before 1 July 2025 (63 provinces)"
        )
        generation.add_argument(
            "--current", action="store_true", help="a unit in force since 1 July 2025 (34 provinces)"
        )
        parser.add_argument("--admin-username", default="admin")
        parser.add_argument("--admin-email", default="")
        parser.add_argument(
            "--admin-password",
            default=None,
            help="password of a newly created admin account (default: $PROVINCE_ADMIN_PASSWORD, else generated)",
        )
        parser.add_argument("--base-domain", default=None, help=f"default: BASE_DOMAIN ({settings.BASE_DOMAIN})")

    def handle(self, *args, **options):
        kind = UnitKind.LEGACY if options["legacy"] else UnitKind.CURRENT if options["current"] else None
        try:
            unit = find_unit(options["reference"], kind=kind)
        except UnknownProvince as exc:
            raise CommandError(
                f"Không tìm thấy tỉnh/thành «{options['reference']}» trong danh mục hành chính "
                f"(vietnam-provinces). Dùng slug như binhduong, hochiminh hoặc mã như 74, 79; "
                f"thêm --legacy cho đơn vị trước 1/7/2025."
            ) from exc
        base_domain = options["base_domain"] or settings.BASE_DOMAIN
        password = options["admin_password"] or os.environ.get("PROVINCE_ADMIN_PASSWORD") or None

        national_ensure(base_domain=base_domain)
        result = province_provision(
            unit=unit,
            base_domain=base_domain,
            admin_username=options["admin_username"],
            admin_email=options["admin_email"],
            admin_password=password,
        )

        self.stdout.write(f"{unit.label} → schema «{result.province.schema_name}»")
        if result.changes:
            for line in result.changes:
                self.stdout.write(self.style.SUCCESS(f"  + {line}"))
        else:
            self.stdout.write("  Không có thay đổi: tỉnh đã được khởi tạo đầy đủ.")
        for conflict in result.conflicts:
            self.stdout.write(
                self.style.WARNING(f"  ! đầu số {conflict} thuộc tỉnh khác; chuyển đầu số khi sáp nhập tỉnh.")
            )
        if result.generated_admin_password:
            self.stdout.write(
                self.style.WARNING(
                    f"  Mật khẩu quản trị tạo ngẫu nhiên (chỉ hiện một lần): "
                    f"{options['admin_username']} / {result.generated_admin_password}"
                )
            )
