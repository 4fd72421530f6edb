"""Reading the hotline's mailbox over IMAP: each unread mail is stored, taken in, then marked read.

`BODY.PEEK[]` fetches a mail without marking it read, and `\\Seen` is set only once the mail is
stored: a run that dies half-way leaves the rest unread for the next run, and a mail fetched twice
is stored once (its Message-ID is unique). A PostgreSQL advisory lock per province keeps two runs
(a slow one and the next minute's) from reading the same mailbox at once; it is released when the
run ends, and by the database if the worker dies.
"""

from __future__ import annotations

import contextlib
import imaplib
import logging
import ssl
from collections.abc import Iterator

from django.db import connection

from channels.mail.models import InboundMail, MailSettings
from channels.mail.services import mail_store, mail_take_in

logger = logging.getLogger(__name__)

TIMEOUT = 30  # seconds for each network operation
# Per run; a full mailbox is emptied over the following minutes rather than in one long run.
BATCH = 50


class MailboxError(Exception):
    """The server answered something other than OK."""


def mailbox_fetch() -> int:
    """Take in the province's unread mail; returns how many mails were stored. Never raises for the server."""
    account = MailSettings.load()
    if not (account.imap_host and account.imap_user and account.imap_password):
        return 0
    with _mailbox_lock() as held:
        if not held:
            logger.info("mailbox read skipped: another run holds it")
            return 0
        try:
            return _fetch(account)
        except (imaplib.IMAP4.error, MailboxError, OSError) as exc:
            # The kind of failure only: the server's words may name the account.
            logger.warning("mailbox not read (%s)", type(exc).__name__)
            return 0


def _fetch(account: MailSettings) -> int:
    client = _connect(account)
    try:
        _ok(client.login(account.imap_user, account.imap_password))
        _ok(client.select(_mailbox_name(account.imap_folder or "INBOX")))
        found = _ok(client.uid("SEARCH", None, "UNSEEN"))
        uids = found[0].split()[:BATCH] if found and found[0] else []
        stored = 0
        for uid in uids:
            raw = _message(_ok(client.uid("FETCH", uid, "(BODY.PEEK[])")))
            if raw is None:
                continue  # deleted meanwhile
            mail = mail_store(raw=raw, source=InboundMail.Source.IMAP)
            stored += 1
            _take_in(mail)
            _ok(client.uid("STORE", uid, "+FLAGS", "(\\Seen)"))
        return stored
    finally:
        with contextlib.suppress(Exception):
            client.logout()


def _take_in(mail: InboundMail) -> None:
    if mail.status != InboundMail.Status.RECEIVED:
        return
    try:
        mail_take_in(mail.pk)
    except Exception as exc:
        # Stored: `mails_retry` takes it in later, and the mailbox moves on.
        logger.warning("mail %s stored, not yet taken in (%s)", mail.pk, type(exc).__name__)


def _connect(account: MailSettings) -> imaplib.IMAP4:
    if account.imap_ssl:
        return imaplib.IMAP4_SSL(
            account.imap_host, account.imap_port, ssl_context=ssl.create_default_context(), timeout=TIMEOUT
        )
    return imaplib.IMAP4(account.imap_host, account.imap_port, timeout=TIMEOUT)


def _ok(answer: tuple[str, list]) -> list:
    status, data = answer
    if status != "OK":
        raise MailboxError(status)
    return data


def _message(data: list) -> bytes | None:
    """The mail's bytes in a FETCH answer: imaplib gives each literal as (prefix, bytes)."""
    for item in data:
        if isinstance(item, tuple) and len(item) == 2 and isinstance(item[1], bytes):
            return item[1]
    return None


def _mailbox_name(name: str) -> str:
    # A name with spaces or quotes must be sent as an IMAP quoted string; imaplib does not quote it.
    if name.isascii() and name.replace("/", "").replace(".", "").replace("_", "").replace("-", "").isalnum():
        return name
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'


@contextlib.contextmanager
def _mailbox_lock() -> Iterator[bool]:
    """Whether this run holds the province's mailbox (a session advisory lock keyed by the schema)."""
    key = f"{connection.schema_name}:mail-fetch"
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(hashtext(%s))", [key])
        (held,) = cursor.fetchone()
    try:
        yield held
    finally:
        if held:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(hashtext(%s))", [key])
