"""A task the test worker loads (--include) to report which schema it ran in."""

from django.db import connection

from celery import shared_task

from cases.models import Agency


@shared_task
def record_schema(code: str) -> None:
    # Written to a province table: it lands in whichever schema the worker entered.
    Agency.objects.create(code=code, name=f"probe from {connection.schema_name}")
