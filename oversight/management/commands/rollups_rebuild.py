"""Count every province's reports and calls into the national rollups again, from the first day of records.

Beat keeps the rollups current every few minutes; this is for a new deployment, after restoring a
province, or after a change to how the rollups count.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from django_tenants.utils import tenant_context

from oversight.rollups import rollups_refresh
from tenants.selectors import provinces_named


class Command(BaseCommand):
    help = "Rebuild the national rollups of every province, or of the provinces named by slug."

    def add_arguments(self, parser):
        parser.add_argument("slugs", nargs="*", help="provinces to rebuild (all when none is named)")

    def handle(self, *args, slugs: list[str], **options):
        try:
            provinces = provinces_named(slugs)
        except LookupError as unknown:
            raise CommandError(f"Không có tỉnh: {unknown}") from unknown
        for province in provinces:
            with tenant_context(province):
                result = rollups_refresh(rebuild=True)
            self.stdout.write(
                f"{province.slug}: {result.case_days} ngày phản ánh, {result.call_days} ngày cuộc gọi, "
                f"{result.rows} dòng tổng hợp"
            )
