"""Rebuild the FAQ search index of every province (or of those named), each in its own schema.

After an upgrade that changes what the search indexes; django-tenants' `all_tenants_command update_index`
would also visit the public schema, which has no search tables.
"""

from __future__ import annotations

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from django_tenants.utils import tenant_context

from tenants.selectors import provinces_named


class Command(BaseCommand):
    help = "Rebuild the FAQ search index of every province, or of the provinces named by slug."

    def add_arguments(self, parser):
        parser.add_argument("slugs", nargs="*", help="provinces to rebuild (all when none is named)")

    def handle(self, *args, slugs: list[str], **options):
        try:
            provinces = provinces_named(slugs)
        except LookupError as unknown:
            raise CommandError(f"Không có tỉnh: {unknown}") from unknown
        for province in provinces:
            with tenant_context(province):
                call_command("update_index", verbosity=0, stdout=self.stdout)
            self.stdout.write(f"{province.slug}: đã lập lại chỉ mục tìm kiếm")
