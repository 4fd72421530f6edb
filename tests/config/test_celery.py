"""A task sent from inside a province runs in that province's schema, on a real worker over the real broker."""

import os
import subprocess
import sys
import time
import uuid

from django.conf import settings
from django.db import connection

import pytest
from django_tenants.utils import tenant_context

from cases.models import Agency
from tests.celery_probe import record_schema
from tests.servers import database_url

pytestmark = pytest.mark.slow


@pytest.fixture
def worker(db):
    queue = f"probe-{uuid.uuid4().hex[:8]}"  # never picks up work meant for a running `make run`
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": database_url(connection.settings_dict),
        "REDIS_URL": settings.REDIS_URL,
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
    }
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "config",
        "worker",
        "--pool",
        "solo",
        "-l",
        "WARNING",
        "--without-mingle",
        "--without-gossip",
    ]
    process = subprocess.Popen(
        [*command, "-Q", queue, "--include", "tests.celery_probe"],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    yield queue
    process.terminate()
    process.wait(timeout=20)


def test_a_task_runs_in_the_schema_it_was_sent_from(worker, province_a, province_b):
    code = f"PROBE-{uuid.uuid4().hex[:6]}"
    with tenant_context(province_b):
        record_schema.apply_async(args=[code], queue=worker)

    # The worker commits in its own connection; the probe row stays in the throwaway test database.
    deadline = time.monotonic() + 60
    while True:
        with tenant_context(province_b):
            probe = Agency.objects.filter(code=code).first()
        if probe or time.monotonic() > deadline:
            break
        time.sleep(0.3)

    assert probe is not None, "the worker did not run the task"
    assert probe.name == f"probe from {province_b.schema_name}"
    with tenant_context(province_a):
        assert not Agency.objects.filter(code=code).exists()
