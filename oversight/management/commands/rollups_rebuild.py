"""Count every province's reports and calls into the national rollups again, from the first day of records.

Beat keeps the rollups current every few minutes; this is for a new deployment, after restoring a
province, or after a change to how the rollups count.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from django_tenants.utils import get_public_schema_name, schema_context, tenant_context

from oversight.rollups import rollups_refresh
from tenants.models import Province


class Command(BaseCommand):
    help = "Rebuild the national rollups of every province, or of the provinces named by slug."

    def add_arguments(self, parser):
        parser.add_argument("slugs", nargs="*", help="provinces to rebuild (all when none is named)")

    def handle(self, *args, slugs: list[str], **options):
        with schema_context(get_public_schema_name()):
            provinces = Province.objects.provinces().order_by("slug")
            if slugs:
                provinces = provinces.filter(slug__in=slugs)
            provinces = list(provinces)
        unknown = sorted(set(slugs) - {province.slug for province in provinces})
        if unknown:
            raise CommandError(f"Không có tỉnh: {', '.join(unknown)}")
        for province in provinces:
            with tenant_context(province):
                result = rollups_refresh(rebuild=True)
            self.stdout.write(
                f"{province.slug}: {result.case_days} ngày phản ánh, {result.call_days} ngày cuộc gọi, "
                f"{result.rows} dòng tổng hợp"
            )
