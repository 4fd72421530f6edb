"""Recompute the daily call measures of every province (or the ones named) over the last N days.

For after a fix to the measures or a restore of call records: beat only keeps today and yesterday fresh.
"""

from django.core.management.base import BaseCommand, CommandError

from django_tenants.utils import tenant_context

from cases import clock
from cases.sla import VN_TZ
from channels.voice.measures import measures_recent
from tenants.models import Province


class Command(BaseCommand):
    help = "Recompute the daily call measures (VoiceDay, TransferDay) of each province over the last N days."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=30, help="how many days back, today included (default 30)")
        parser.add_argument(
            "--province", action="append", default=[], metavar="SLUG", help="only this province (repeatable)"
        )

    def handle(self, *args, **options):
        days = options["days"]
        if days < 1:
            raise CommandError("--days phải từ 1 trở lên.")
        provinces = Province.objects.provinces().order_by("slug")
        if options["province"]:
            provinces = provinces.filter(slug__in=options["province"])
            unknown = set(options["province"]) - set(provinces.values_list("slug", flat=True))
            if unknown:
                raise CommandError(f"Không có tỉnh/thành: {', '.join(sorted(unknown))}")
        today = clock.now().astimezone(VN_TZ).date()
        for province in provinces:
            # Merged and suspended provinces keep their records; their history is rebuilt too.
            with tenant_context(province):
                rebuilt = measures_recent(today=today, days=days)
            offered = sum(day.offered for day in rebuilt)
            self.stdout.write(f"{province.name}: {len(rebuilt)} ngày, {offered} cuộc gọi đến")
