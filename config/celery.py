"""Celery app. Tasks sent from inside a province run inside that province's schema
(tenant-schemas-celery carries the schema in the message headers)."""

import os

from tenant_schemas_celery.app import CeleryApp

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = CeleryApp("tongdai1022")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
