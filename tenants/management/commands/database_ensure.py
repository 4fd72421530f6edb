from django.core.management.base import BaseCommand
from django.db import connection

from config.database import ensure_database


class Command(BaseCommand):
    help = "Create the database named by DATABASE_URL on its server if it does not exist yet."

    def handle(self, *args, **options):
        name = connection.settings_dict["NAME"]
        created = ensure_database(connection.settings_dict)
        self.stdout.write(f"Đã tạo cơ sở dữ liệu «{name}»." if created else f"Cơ sở dữ liệu «{name}» đã có.")
