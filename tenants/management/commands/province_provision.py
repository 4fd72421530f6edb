import os
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from tenants.models import Province
from tenants.provision_all import AdminAccount, BatchResult, ProgressBar, default_jobs, provinces_provision_current
from tenants.registry import UnitKind, UnknownProvince, find_unit
from tenants.services import ProvisionResult, national_ensure, province_provision


class Command(BaseCommand):
    help = (
        "Create a province from the official registry (vietnam-provinces): schema, domain, dialing prefixes, "
        "hotline numbers, roles, an admin account, its Wagtail site and FAQ list, default agencies, categories "
        "and phone menu. With --all-current, the 34 provinces in force since 1 July 2025. Safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "reference",
            nargs="?",
            help="slug (binhduong, hochiminh) or official code (74, 79); none with --all-current",
        )
        generation = parser.add_mutually_exclusive_group()
        generation.add_argument(
            "--legacy", action="store_true", help="a unit as it was before 1 July 2025 (63 provinces)"
        )
        generation.add_argument(
            "--current", action="store_true", help="a unit in force since 1 July 2025 (34 provinces)"
        )
        generation.add_argument(
            "--all-current",
            action="store_true",
            help="every unit in force since 1 July 2025; resumes an interrupted run",
        )
        parser.add_argument(
            "--jobs",
            type=int,
            default=default_jobs(),
            help="with --all-current: provinces prepared side by side (default: %(default)s)",
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
        base_domain = options["base_domain"] or settings.BASE_DOMAIN
        password = options["admin_password"] or os.environ.get("PROVINCE_ADMIN_PASSWORD") or None
        if options["all_current"]:
            if options["reference"]:
                raise CommandError(
                    f"Dùng một trong hai: tỉnh/thành «{options['reference']}» hoặc --all-current, không dùng cả hai."
                )
            if options["jobs"] < 1:
                raise CommandError("--jobs phải từ 1 trở lên.")
            self._provision_all(
                base_domain=base_domain,
                jobs=options["jobs"],
                admin=AdminAccount(options["admin_username"], options["admin_email"], password),
                verbosity=options["verbosity"],
            )
            return
        if not options["reference"]:
            raise CommandError(
                "Cho biết tỉnh/thành cần khởi tạo (slug như hochiminh hoặc mã như 79), "
                "hoặc dùng --all-current để khởi tạo cả 34 tỉnh/thành hiện hành."
            )

        kind = UnitKind.LEGACY if options["legacy"] else UnitKind.CURRENT if options["current"] else None
        try:
            unit = find_unit(options["reference"], kind=kind)
        except UnknownProvince as exc:
            raise CommandError(
                f"Không tìm thấy tỉnh/thành «{options['reference']}» trong danh mục hành chính "
                f"(vietnam-provinces). Dùng slug như binhduong, hochiminh hoặc mã như 74, 79; "
                f"thêm --legacy cho đơn vị trước 1/7/2025."
            ) from exc
        merged = Province.objects.filter(slug=unit.slug, status=Province.Status.MERGED).select_related("merged_into")
        if merged:
            # Its hotline lives in its successor; provisioning would refill a schema the merger emptied.
            raise CommandError(f"{unit.full_name} đã sáp nhập vào {merged[0].merged_into.name}; không khởi tạo lại.")

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
        self._write_conflicts_and_password(result, options["admin_username"])

    def _provision_all(self, *, base_domain: str, jobs: int, admin: AdminAccount, verbosity: int) -> None:
        self.stdout.write(
            f"Khởi tạo các tỉnh/thành có hiệu lực từ 1/7/2025, {jobs} tiến trình song song "
            f"(chạy lại để tiếp tục nếu bị ngắt)."
        )
        started = time.perf_counter()
        batch = provinces_provision_current(
            base_domain=base_domain, jobs=jobs, admin=admin, progress=ProgressBar(self.stderr._out)
        )
        seconds = time.perf_counter() - started
        for line in batch.setup_changes:
            self.stdout.write(self.style.SUCCESS(f"+ {line}"))
        for result in batch.results:
            self._write_batch_result(result, verbose=verbosity >= 2, admin_username=admin.username)
        self._write_batch_summary(batch, seconds)

    def _write_batch_result(self, result: ProvisionResult, *, verbose: bool, admin_username: str) -> None:
        province = result.province
        if result.changes:
            what = "tạo mới" if result.created else "bổ sung"
            self.stdout.write(
                self.style.SUCCESS(
                    f"+ {province.full_name or province.name} → schema «{province.schema_name}»: "
                    f"{what}, {len(result.changes)} thay đổi"
                )
            )
            for line in result.changes if verbose else ():
                self.stdout.write(f"    + {line}")
        elif result.conflicts:
            self.stdout.write(f"  {province.full_name or province.name} → schema «{province.schema_name}»")
        self._write_conflicts_and_password(result, admin_username)

    def _write_conflicts_and_password(self, result: ProvisionResult, admin_username: str) -> None:
        for conflict in result.conflicts:
            self.stdout.write(
                self.style.WARNING(f"  ! đầu số {conflict} thuộc tỉnh khác; chuyển đầu số khi sáp nhập tỉnh.")
            )
        if result.generated_admin_password:
            self.stdout.write(
                self.style.WARNING(
                    f"  Mật khẩu quản trị tạo ngẫu nhiên (chỉ hiện một lần): "
                    f"{admin_username} / {result.generated_admin_password}"
                )
            )

    def _write_batch_summary(self, batch: BatchResult, seconds: float) -> None:
        total = len(batch.results)
        created = sum(1 for result in batch.results if result.created)
        completed = len(batch.changed) - created
        conflicts = sum(len(result.conflicts) for result in batch.results)
        elapsed = f"{seconds:.1f}".replace(".", ",")
        if not batch.changed and not batch.setup_changes:
            self.stdout.write(f"Không có thay đổi: {total} tỉnh/thành đã được khởi tạo đầy đủ ({elapsed} giây).")
        else:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Xong trong {elapsed} giây: {total} tỉnh/thành, {created} tạo mới, {completed} bổ sung, "
                    f"{total - created - completed} đã đầy đủ."
                )
            )
        if conflicts:
            self.stdout.write(
                self.style.WARNING(f"{conflicts} đầu số thuộc tỉnh khác: giữ nguyên, chuyển khi sáp nhập tỉnh.")
            )
