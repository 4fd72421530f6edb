"""The outbox: a notification survives a dead broker and is delivered by a real worker once it is back."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import connection

import pytest
from django_tenants.utils import tenant_context

from cases import outbox
from cases.models import Case, Channel, OutboxMessage
from cases.services import ReporterInput, case_intake
from cases.tasks import outbox_flush
from config.celery import app
from tests.servers import celery_worker, database_url, free_port, redis_server, run_manage, wait_for

INTAKE_BY_EMAIL = """
from cases.services import ReporterInput, case_intake
result = case_intake(
    channel="email", provider_id="{provider_id}", description="Đèn đường hỏng cả tuần ở khu phố 3.",
    reporter=ReporterInput(name="Lê Văn Cường", email="{email}"),
)
print("CODE", result.case.tracking_code)
"""


@pytest.mark.slow
def test_intake_with_the_broker_down_loses_nothing_and_delivers_after_recovery(province_b, tmp_path):
    port = free_port()
    broker = f"redis://127.0.0.1:{port}/0"  # nothing listens there yet: the broker is down
    email = f"congdan-{uuid.uuid4().hex[:6]}@example.vn"
    env = {
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": database_url(connection.settings_dict),
        "REDIS_URL": settings.REDIS_URL,
        "CELERY_BROKER_URL": broker,
        # django-environ drops the first slash of a filemail path.
        "EMAIL_URL": f"filemail:///{tmp_path / 'mail'}",
    }
    code = INTAKE_BY_EMAIL.format(provider_id=uuid.uuid4().hex, email=email)
    intake = run_manage(["tenant_command", "shell", f"--schema={province_b.schema_name}", "-c", code], env)

    assert intake.returncode == 0, intake.stderr
    tracking_code = intake.stdout.split("CODE", 1)[1].strip()
    with tenant_context(province_b):
        case = Case.objects.get(tracking_code=tracking_code)
        message = OutboxMessage.objects.get(case=case, kind=OutboxMessage.Kind.ACKNOWLEDGEMENT)
        assert message.status == OutboxMessage.Status.PENDING
        assert message.attempts == 0

    queue = f"outbox-{uuid.uuid4().hex[:8]}"
    worker_log = tmp_path / "worker.log"
    mail_dir = tmp_path / "mail"
    with redis_server(port), celery_worker(queue=queue, env_overrides=env, log=worker_log):
        # What beat does every minute, sent through the recovered broker.
        with tenant_context(province_b), app.connection_for_write(broker) as broker_connection:
            outbox_flush.apply_async(queue=queue, connection=broker_connection)

        def delivered():
            with tenant_context(province_b):
                message.refresh_from_db()
            return message.status == OutboxMessage.Status.SENT

        assert wait_for(delivered), f"still {message.status}: {message.last_error}\n{worker_log.read_text()}"

    mails = [path.read_text() for path in mail_dir.iterdir()]
    assert any(email in mail and case.display_code in mail for mail in mails)


def test_a_failed_delivery_is_retried_with_backoff_then_given_up(province_a):
    with tenant_context(province_a):
        case = case_intake(channel=Channel.WEB, description="Hỏi giờ làm việc bộ phận một cửa.").case
        message = outbox.outbox_enqueue(
            outbox.outbox_message(kind=OutboxMessage.Kind.REPLY, channel=Channel.EMAIL, case=case, body="Trả lời")
        )
        # An anonymous reporter has no address: each attempt fails and waits longer.
        waits = []
        for _attempt in range(outbox.MAX_ATTEMPTS):
            OutboxMessage.objects.filter(pk=message.pk).update(next_attempt_at=message.created_at)
            status = outbox.outbox_deliver_one(message.pk)
            message.refresh_from_db()
            waits.append(message.next_attempt_at - message.created_at)

        assert status == OutboxMessage.Status.DEAD
        assert message.attempts == outbox.MAX_ATTEMPTS
        assert "no e-mail address" in message.last_error
        assert waits[1] > waits[0]


def test_a_due_message_is_delivered_once(province_a, mailoutbox):
    with tenant_context(province_a):
        case = case_intake(
            channel=Channel.EMAIL,
            description="Xin hỏi lịch tiếp công dân.",
            reporter=ReporterInput(name="Phạm Thu", email="thu@example.vn"),
        ).case
        message = OutboxMessage.objects.get(case=case)

        assert outbox.outbox_deliver_one(message.pk) == OutboxMessage.Status.SENT
        assert outbox.outbox_deliver_one(message.pk) == "skipped"
        assert message.pk not in outbox.outbox_due_ids()

    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["thu@example.vn"]
    assert case.display_code in mailoutbox[0].body
