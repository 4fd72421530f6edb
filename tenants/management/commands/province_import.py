"""Restore a province from an archive of province_export, as a new province with its own schema."""

from __future__ import annotations

import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from tenants.archive import ArchiveError, province_import


class Command(BaseCommand):
    help = (
        "Import a province archive (province_export) into a new schema: every table, media file and "
        "whatever domain, prefix or number no other province holds. Refuses an existing slug."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path, help="the .tar.gz written by province_export")
        parser.add_argument("--slug", default=None, help="slug and schema of the new province (default: the archive's)")
        parser.add_argument("--base-domain", default=None, help=f"default: BASE_DOMAIN ({settings.BASE_DOMAIN})")

    def handle(self, *args, archive: Path, slug: str | None, base_domain: str | None, **options):
        started = time.perf_counter()
        try:
            result = province_import(
                archive, slug=slug, base_domain=base_domain or settings.BASE_DOMAIN, progress=self.stdout.write
            )
        except ArchiveError as exc:
            raise CommandError(str(exc)) from exc
        province = result.province
        self.stdout.write(
            self.style.SUCCESS(
                f"Đã nhập {province.name} → schema «{province.schema_name}», {result.tables} bảng, "
                f"{result.rows} dòng, {result.files} tệp, trong {time.perf_counter() - started:.1f} giây. "
                f"Trạng thái: {province.get_status_display()}."
            )
        )
        self.stdout.write(f"  + tên miền {result.host}")
        for line in result.not_restored:
            self.stdout.write(self.style.WARNING(f"  ! không khôi phục: {line}"))
        self.stdout.write(
            f"Số liệu toàn quốc của tỉnh được Celery beat đếm trong vài phút; đếm ngay: "
            f"manage.py rollups_rebuild {province.slug}"
        )
