"""Write a province's whole archive: every table of its schema, its media files, its domains and numbers."""

from __future__ import annotations

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tenants.archive import ArchiveError, province_export
from tenants.selectors import provinces_named


class Command(BaseCommand):
    help = (
        "Export a province to one tar.gz (every table of its schema, its media files, its domains, dialing "
        "prefixes and hotline numbers), for province_import to restore. Default: VAR_DIR/archives/<slug>-<time>.tar.gz."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug", help="the province to export, e.g. camau")
        parser.add_argument("--output", type=Path, default=None, help="where to write the archive")

    def handle(self, *args, slug: str, output: Path | None, **options):
        try:
            [province] = provinces_named([slug])
        except LookupError as unknown:
            raise CommandError(f"Không có tỉnh «{unknown}».") from unknown
        started = time.perf_counter()
        try:
            path = province_export(province, path=output, progress=self.stdout.write)
        except ArchiveError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Đã xuất {province.name} vào {path} ({size_label(path.stat().st_size)}) "
                f"trong {time.perf_counter() - started:.1f} giây."
            )
        )


def size_label(size: int) -> str:
    for unit in ("byte", "KB", "MB"):
        if size < 1024:
            return f"{size:.0f} {unit}" if unit == "byte" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} GB"
