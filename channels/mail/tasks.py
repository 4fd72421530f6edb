"""The e-mail channel's per-province task (beat sends it to every active province, in its schema)."""

from __future__ import annotations

from celery import shared_task

from channels.mail.mailbox import mailbox_fetch
from channels.mail.services import mails_retry


@shared_task(ignore_result=True)
def mail_fetch() -> dict[str, int]:
    """Take in the mailbox's unread mail, then any stored mail a failure left behind."""
    return {"fetched": mailbox_fetch(), "retried": mails_retry()}
