"""What the hotline does with a mail: store it raw, then find the case it belongs to (or open one).

A mail joins a case in this order, the first that holds:
1. its subject names a tracking code ("[1022 #482 913 075]") and the sender is that case's reporter;
2. it answers (In-Reply-To/References) a mail the hotline sent about the case;
3. the sender has an open e-mail case;
else it opens a new case. A stranger quoting someone's code opens their own case: knowing a code
must not let anyone write into another person's report.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import ngettext

from cases import clock
from cases.attachments import attachment_add, image_clean, image_store
from cases.models import OPEN_STATES, Case, CaseStatus, Channel, OutboxMessage
from cases.outbox import message_language
from cases.services import DESCRIPTION_MAX, ReporterInput, case_follow_up, case_info_received, case_intake
from cases.sql import insert_new
from channels.mail.models import InboundMail, MailSettings
from channels.mail.parsing import ParsedMail, Unreadable, mail_parse, message_id_of

logger = logging.getLogger(__name__)

Status = InboundMail.Status
# A stored mail a failure left untaken is taken in again by the per-minute task, for this long.
RETRY_FOR = timedelta(days=1)
# …once it has waited this long, so the task does not race the request still taking it in.
RETRY_AFTER = timedelta(minutes=1)


def mail_store(*, raw: bytes, source: str) -> InboundMail:
    """Store the raw mail under its Message-ID, on its own, before anything else can fail."""
    mail = InboundMail(message_id=message_id_of(raw), source=source, raw=raw)
    if not insert_new(mail, unique=("message_id",)):
        # Delivered before (a retried webhook, or the webhook and the mailbox both): that row it is.
        mail = InboundMail.objects.get(message_id=mail.message_id)
    return mail


def mail_receive(*, raw: bytes, source: str) -> InboundMail:
    """Store the mail, then take it in. Idempotent on the Message-ID."""
    mail = mail_store(raw=raw, source=source)
    if mail.status == Status.RECEIVED:
        mail = mail_take_in(mail.pk)
    return mail


@transaction.atomic
def mail_take_in(mail_id: int) -> InboundMail:
    """Parse a stored mail and file it on its case; a mail taken in (or refused) before is left as it is."""
    mail = InboundMail.objects.select_for_update().get(pk=mail_id)
    if mail.status != Status.RECEIVED:
        return mail
    account = MailSettings.load()
    try:
        parsed = mail_parse(bytes(mail.raw), own_address=account.address)
    except Unreadable as exc:
        return _finished(mail, Status.FAILED, str(exc))
    mail.sender, mail.subject = parsed.sender[:254], parsed.subject[:255]
    if parsed.automatic:
        # Stored for the record; answering an auto-reply would start a loop between two robots.
        return _finished(mail, Status.IGNORED, parsed.automatic)
    try:
        with transaction.atomic():
            case = _case_for(mail, parsed)
    except ValidationError as exc:
        # Field names only: the messages may quote the mail.
        return _finished(mail, Status.FAILED, f"refused by the case: {sorted(getattr(exc, 'error_dict', {}))}")
    if case is None:
        return _finished(mail, Status.IGNORED, "no text and no photo")
    mail.case = case
    logger.info("mail %s taken in on case %s", mail.pk, case.pk)
    return _finished(mail, Status.TAKEN_IN, "")


def mails_retry() -> int:
    """Take in the stored mails a failure left behind (a crash, the database gone mid-way)."""
    now = clock.now()
    pending = InboundMail.objects.filter(
        status=Status.RECEIVED, received_at__gte=now - RETRY_FOR, received_at__lte=now - RETRY_AFTER
    ).values_list("pk", flat=True)[:100]
    done = 0
    for mail_id in list(pending):
        try:
            mail_take_in(mail_id)
            done += 1
        except Exception as exc:  # one bad mail must not keep the others waiting
            logger.warning("mail %s still not taken in (%s)", mail_id, type(exc).__name__)
    return done


def _finished(mail: InboundMail, status: str, error: str) -> InboundMail:
    mail.status, mail.error = status, error[:500]
    mail.save(update_fields=["sender", "subject", "case", "status", "error"])
    return mail


# --- the case a mail belongs to -----------------------------------------------------------------


def _case_for(mail: InboundMail, parsed: ParsedMail) -> Case | None:
    provider_id = f"{Channel.EMAIL}:{mail.pk}"
    case = _by_code(parsed) or _by_reference(parsed) or _open_case_of(parsed.sender)
    if case is None:
        description = _description(parsed)
        if not description:
            return None
        case = case_intake(
            channel=Channel.EMAIL,
            provider_id=provider_id,
            reporter=ReporterInput(name=parsed.sender_name[:150], email=parsed.sender, channel_id=parsed.sender),
            description=description[:DESCRIPTION_MAX],
        ).case
    else:
        text = (parsed.text or parsed.topic or _photos_note(len(parsed.photos)))[:DESCRIPTION_MAX]
        if case.status == CaseStatus.WAITING_REPORTER:
            case = case_info_received(case=case, text=text)
        else:
            case_follow_up(case=case, text=text, channel=Channel.EMAIL, provider_id=provider_id)
    _photos_attach(case, parsed.photos)
    return case


def _open(cases):
    return cases.select_for_update(of=("self",)).filter(status__in=OPEN_STATES).select_related("reporter")


def _by_code(parsed: ParsedMail) -> Case | None:
    for code in parsed.codes:
        case = _open(Case.objects).filter(tracking_code=code).first()
        if case is not None and _is_reporter(case, parsed.sender):
            return case
    return None


def _is_reporter(case: Case, address: str) -> bool:
    reporter = case.reporter
    if reporter is None:
        return False
    if reporter.email and reporter.email.strip().lower() == address:
        return True
    return reporter.identities.filter(channel=Channel.EMAIL, external_id=address).exists()


def _by_reference(parsed: ParsedMail) -> Case | None:
    """The case of a mail the hotline sent that this one answers (our Message-IDs are unguessable)."""
    if not parsed.references:
        return None
    sent = (
        OutboxMessage.objects.filter(
            channel=Channel.EMAIL,
            kind__in=(OutboxMessage.Kind.ACKNOWLEDGEMENT, OutboxMessage.Kind.REPLY),
            provider_id__in=parsed.references,
            case__status__in=OPEN_STATES,
        )
        .order_by("-created_at")
        .values_list("case_id", flat=True)
        .first()
    )
    return _open(Case.objects).filter(pk=sent).first() if sent else None


def _open_case_of(address: str) -> Case | None:
    return (
        _open(Case.objects)
        .filter(
            channel=Channel.EMAIL,
            reporter__identities__channel=Channel.EMAIL,
            reporter__identities__external_id=address,
        )
        .order_by("-received_at", "-pk")
        .first()
    )


def _description(parsed: ParsedMail) -> str:
    """The subject says what it is about, the text the rest; either may be missing."""
    topic, text = parsed.topic, parsed.text
    if topic and text and topic not in text:
        return f"{topic}\n\n{text}"
    return text or topic or _photos_note(len(parsed.photos))


def _photos_note(count: int) -> str:
    if not count:
        return ""
    with message_language():
        return ngettext("The reporter sent a photo.", "The reporter sent %(count)d photos.", count) % {"count": count}


def _photos_attach(case: Case, photos: tuple[bytes, ...]) -> None:
    refused = 0
    for content in photos:
        try:
            image = image_clean(ContentFile(content, name="photo"))
        except ValidationError:
            refused += 1  # not a photo Pillow can read, or too large: the rest of the mail still counts
            continue
        attachment_add(case=case, name=image_store(image), image=image)
    if refused:
        logger.info("case %s: %s attached image(s) of a mail refused", case.pk, refused)
