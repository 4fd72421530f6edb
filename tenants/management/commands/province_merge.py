from django.core.management.base import BaseCommand, CommandError

from django_tenants.utils import get_public_schema_name, schema_context

from tenants.merge import MergeRefused, merge_execute, merge_start
from tenants.models import MergeRun, Province


class Command(BaseCommand):
    help = (
        "Merge a province into its successor (the 2025 reorganisation): reports, reporters, agencies, calls, "
        "pages, accounts, numbers and dialing prefixes move in one transaction. --dry-run reports what would move."
    )

    def add_arguments(self, parser):
        parser.add_argument("source", help="slug of the province that is merged (binhduong)")
        parser.add_argument("--into", required=True, help="slug of its successor (hochiminh)")
        parser.add_argument(
            "--users",
            choices=[choice.value for choice in MergeRun.Users],
            default=MergeRun.Users.MOVE,
            help="move the accounts to the successor (default) or copy them disabled",
        )
        parser.add_argument("--dry-run", action="store_true", help="do everything, report it, and roll it back")

    def handle(self, *args, **options):
        with schema_context(get_public_schema_name()):
            source = _province(options["source"])
            target = _province(options["into"])
            try:
                run = merge_start(
                    source, target, users=options["users"], dry_run=options["dry_run"], requested_by="manage.py"
                )
                run = merge_execute(run, progress=self.stdout.write)
            except MergeRefused as exc:
                raise CommandError(str(exc)) from exc
            except Exception as exc:
                raise CommandError(f"Sáp nhập thất bại, đã hoàn tác toàn bộ: {exc}") from exc
        self.stdout.write(report_text(run))


def _province(slug: str) -> Province:
    province = Province.objects.provinces().filter(slug=slug).first()
    if province is None:
        raise CommandError(f"Không có tỉnh «{slug}» trên nền tảng.")
    return province


def report_text(run: MergeRun) -> str:
    report = run.report
    title = "Chạy thử (đã hoàn tác, chưa có gì thay đổi)" if run.dry_run else "Đã sáp nhập"
    lines = [f"{title}: {run.source.name} → {run.target.name}"]
    for table in report.get("tables", {}).values():
        parts = []
        if table["copied"]:
            parts.append(f"{table['copied']} chuyển")
        if table["matched"]:
            parts.append(f"{table['matched']} gộp với dữ liệu có sẵn")
        if table["left"]:
            parts.append(f"{table['left']} ở lại")
        lines.append(f"  {table['label']}: {', '.join(parts)}")
    if report.get("prefixes"):
        lines.append(f"  Đầu số chuyển sang {run.target.name}: {', '.join(report['prefixes'])}")
    if report.get("numbers"):
        lines.append(f"  Số tổng đài chuyển sang {run.target.name}: {', '.join(report['numbers'])}")
    if report.get("section_path"):
        lines.append(f"  Trang hỏi đáp chuyển về mục {report['section_path']} của {run.target.name}")
    for line in report.get("review", []):
        lines.append(f"  ! {line}")
    return "\n".join(lines)
