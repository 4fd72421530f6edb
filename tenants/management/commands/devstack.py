"""`make run`: migrate every schema, seed the demo, then run web, Celery worker and beat together.

Ctrl-C stops all three, and the embedded PostgreSQL and Redis if this run uses them.
"""

import os
import shlex
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection

from honcho.manager import Manager

from config import embedded
from config.database import ensure_database


class Command(BaseCommand):
    help = "Migrate, seed the demo and serve the web app with a Celery worker and beat (development)."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", 8000)))
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--no-seed", action="store_true", help="skip the demo seed")

    def handle(self, *args, **options):
        uses_embedded_db, uses_embedded_redis = settings.DATABASE_EMBEDDED, settings.REDIS_EMBEDDED
        embedded_in = "nhúng, dữ liệu trong {}".format
        db_source = embedded_in(embedded.postgres_dir(settings.VAR_DIR)) if uses_embedded_db else "DATABASE_URL"
        redis_source = embedded_in(embedded.redis_dir(settings.VAR_DIR)) if uses_embedded_redis else "REDIS_URL"
        self.stdout.write(f"PostgreSQL: {db_source}")
        self.stdout.write(f"Redis:      {redis_source}")

        if ensure_database(connection.settings_dict):
            self.stdout.write(f"Đã tạo cơ sở dữ liệu «{connection.settings_dict['NAME']}».")
        call_command("migrate_schemas", interactive=False, verbosity=0)
        self.stdout.write(self.style.SUCCESS("Đã cập nhật cấu trúc dữ liệu của mọi schema."))
        if settings.DEMO_MODE and not options["no_seed"]:
            call_command("seed_demo", port=options["port"], stdout=self.stdout)

        # Children reuse the services resolved here instead of each starting its own.
        env = {**os.environ, "DATABASE_URL": settings.DATABASE_URL, "REDIS_URL": settings.REDIS_URL}
        python = shlex.quote(sys.executable)
        manager = Manager()
        manager.add_process("web", f"{python} manage.py runserver {options['host']}:{options['port']}", env=env)
        manager.add_process("worker", f"{python} -m celery -A config worker -l INFO --concurrency 2", env=env)
        manager.add_process("beat", f"{python} -m celery -A config beat -l INFO", env=env)
        try:
            manager.loop()
        finally:
            if uses_embedded_redis and embedded.stop_redis(settings.VAR_DIR):
                self.stdout.write("Đã dừng Redis nhúng.")
            if uses_embedded_db and embedded.stop_postgres(settings.VAR_DIR):
                self.stdout.write("Đã dừng PostgreSQL nhúng.")
        # Ctrl-C (130) and SIGTERM (143) are how a developer stops the stack: not a failure.
        sys.exit(0 if manager.returncode in (None, 130, 143) else manager.returncode)
