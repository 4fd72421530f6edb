from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from tenants import demo


class Command(BaseCommand):
    help = "Seed the demo provinces and accounts (idempotent; DEMO_MODE only) and print their URLs and logins."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8000, help="port shown in the printed URLs")

    def handle(self, *args, **options):
        try:
            demo.seed(base_domain=settings.BASE_DOMAIN, log=self.stdout.write)
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(demo.summary(base_domain=settings.BASE_DOMAIN, port=options["port"]))
