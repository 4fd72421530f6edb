"""Replies to people who wrote by e-mail: threaded into their conversation and sent from the hotline's mailbox.

The outbox's e-mail sender (`cases.outbox.email_send`) stays the one sender of the channel; this
module finishes the mails it builds for e-mail cases' reporters:
- the subject "Re: <what they wrote about> [1022 #482 913 075]", whose code threads their answer;
- a Message-ID of our own, kept as the outbox message's provider id, so an answer that quotes it
  (In-Reply-To/References) finds the case even when the subject was changed;
- In-Reply-To/References to the reporter's last mail, so their mail program shows one conversation;
- the province's SMTP server and address when its admin set them, else the platform's mail server
  with the hotline's address as Reply-To.

Imported at start-up (`channels.registry`), which registers the finisher with the outbox.
"""

from __future__ import annotations

import hashlib
import hmac
import smtplib
from email.utils import formataddr, parseaddr

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.core.mail.backends.smtp import EmailBackend
from django.db import connection

from cases.models import Case, Channel, OutboxMessage
from cases.outbox import DeliveryError, email_finisher, message_language
from channels.mail.models import InboundMail, MailSettings, SmtpSecurity
from channels.mail.parsing import REFERENCES_MAX, ParsedMail, message_bytes

SMTP_TIMEOUT = 20  # seconds; the outbox retries a slow server rather than holding a worker
TO_REPORTER = (OutboxMessage.Kind.ACKNOWLEDGEMENT, OutboxMessage.Kind.REPLY)


@email_finisher
def reporter_mail_finish(message: OutboxMessage, mail: EmailMessage) -> None:
    case = message.case if message.case_id else None
    if case is None or case.channel != Channel.EMAIL or message.kind not in TO_REPORTER:
        return  # agency notices, escalations and other channels' mail keep the platform's form
    account = MailSettings.load()
    last = (
        InboundMail.objects.filter(case=case, status=InboundMail.Status.TAKEN_IN)
        .order_by("-received_at", "-pk")
        .first()
    )
    if not message.subject:
        mail.subject = reply_subject(case, last.subject if last else "")
    mail.extra_headers["Message-ID"] = message_id_for(message, domain=_domain(account))
    if last is not None and last.has_header_id:
        mail.extra_headers["In-Reply-To"] = last.message_id
        mail.extra_headers["References"] = " ".join([*_references_of(last), last.message_id])
    if message.kind == OutboxMessage.Kind.ACKNOWLEDGEMENT:
        # RFC 3834: tells the reporter's own auto-responder not to answer the acknowledgement.
        mail.extra_headers["Auto-Submitted"] = "auto-replied"
    if not account.address:
        return
    if account.smtp_host:
        mail.from_email = formataddr((_hotline_name(), account.address))
        mail.connection = province_connection(account)
    else:
        # The platform's server may not send as the province's domain; answers still reach its mailbox.
        mail.reply_to = [account.address]


def reply_subject(case: Case, subject: str) -> str:
    topic = ParsedMail(sender="", sender_name="", subject=subject, text="").topic
    tag = f"[1022 #{case.display_code}]"
    if topic:
        return f"Re: {topic} {tag}"
    return f"{_hotline_name()} {tag}"


def message_id_for(message: OutboxMessage, *, domain: str) -> str:
    """The same for every attempt at one outbox row (a retry after a lost answer is the same mail), and
    unguessable: only someone who received the mail can quote it."""
    key = f"{connection.schema_name}:outbox:{message.pk}".encode()
    digest = hmac.new(settings.SECRET_KEY.encode(), key, hashlib.sha256).hexdigest()[:32]
    return f"<1022.{digest}@{domain}>"


def _domain(account: MailSettings) -> str:
    address = account.address or parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    return address.rpartition("@")[2] or "localhost"


def _references_of(mail: InboundMail) -> list[str]:
    """The thread the reporter's mail carried, oldest first, kept short."""
    try:
        headers = message_bytes(bytes(mail.raw))
        ids = str(headers.get("References", "") or "").split()
    except Exception:  # a thread that cannot be read is simply not repeated
        return []
    return [value for value in ids if value.startswith("<") and value.endswith(">")][-(REFERENCES_MAX - 1) :]


def _hotline_name() -> str:
    with message_language():
        province = getattr(getattr(connection, "tenant", None), "name", "")
        return f"Tổng đài 1022 {province}".strip()


class ProvinceSmtpBackend(EmailBackend):
    """Django's SMTP backend, whose failures say what went wrong and never to whom
    (smtplib's SMTPRecipientsRefused carries the addresses, and the outbox stores the error)."""

    def send_messages(self, email_messages):
        try:
            return super().send_messages(email_messages)
        except smtplib.SMTPRecipientsRefused:
            raise DeliveryError("the province's SMTP server refused the recipient") from None
        except smtplib.SMTPResponseException as exc:
            raise DeliveryError(f"the province's SMTP server refused the mail (SMTP {exc.smtp_code})") from None
        except (smtplib.SMTPException, OSError) as exc:
            raise DeliveryError(f"the province's SMTP server is not reachable ({type(exc).__name__})") from None


def province_connection(account: MailSettings) -> EmailBackend:
    return get_connection(
        backend="channels.mail.sender.ProvinceSmtpBackend",
        host=account.smtp_host,
        port=account.smtp_port,
        # Strings, never None: None would make Django fall back to the platform's own EMAIL_HOST_USER.
        username=account.smtp_user,
        password=account.smtp_password,
        use_tls=account.smtp_security == SmtpSecurity.STARTTLS,
        use_ssl=account.smtp_security == SmtpSecurity.SSL,
        timeout=SMTP_TIMEOUT,
        fail_silently=False,
    )
