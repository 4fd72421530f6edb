"""A task sent from inside a province runs in that province's schema, on a real worker over the real broker."""

import uuid

from django.conf import settings
from django.db import connection

import pytest
from django_tenants.utils import tenant_context

from cases.models import Agency
from tests.celery_probe import record_schema
from tests.servers import celery_worker, database_url, wait_for

pytestmark = pytest.mark.slow


@pytest.fixture
def worker(db):
    queue = f"probe-{uuid.uuid4().hex[:8]}"  # never picks up work meant for a running `make run`
    overrides = {
        "DATABASE_URL": database_url(connection.settings_dict),
        "REDIS_URL": settings.REDIS_URL,
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
    }
    with celery_worker(queue=queue, env_overrides=overrides, include="tests.celery_probe"):
        yield queue


def test_a_task_runs_in_the_schema_it_was_sent_from(worker, province_a, province_b):
    code = f"PROBE-{uuid.uuid4().hex[:6]}"
    with tenant_context(province_b):
        record_schema.apply_async(args=[code], queue=worker)

    # The worker commits in its own connection; the probe row stays in the throwaway test database.
    def probe_row():
        with tenant_context(province_b):
            return Agency.objects.filter(code=code).first()

    probe = wait_for(probe_row)

    assert probe is not None, "the worker did not run the task"
    assert probe.name == f"probe from {province_b.schema_name}"
    with tenant_context(province_a):
        assert not Agency.objects.filter(code=code).exists()
