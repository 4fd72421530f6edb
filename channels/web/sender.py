"""The outbox's sender for web form reports: the reply goes by e-mail if the reporter gave an address,
else by SMS to their phone; either way the status page shows it (it reads the case's events).

The e-mail and SMS senders are looked up when a message is sent, not imported: each belongs to its
own provider package, which may move without this one changing.

Imported at start-up (`channels.registry`), which registers it with the outbox.
"""

from __future__ import annotations

import copy

from django.urls import reverse
from django.utils.translation import gettext as _

from cases import outbox
from cases.models import Channel, OutboxMessage
from cases.outbox import DeliveryError, message_language, sender
from channels.twilio_api import province_url


@sender(Channel.WEB)
def web_send(message: OutboxMessage) -> str:
    """Deliver one reply to a web reporter through the e-mail or the SMS sender; returns that sender's id."""
    reporter = message.case.reporter if message.case_id else None
    if reporter is not None and reporter.email:
        return _through(Channel.EMAIL, _as_email(message, reporter.email))
    if reporter is not None and reporter.phone:
        return _through(Channel.SMS, _as_other(message, channel=Channel.SMS, recipient=reporter.phone))
    raise DeliveryError("the reporter left neither an e-mail address nor a phone number")


def _through(channel: str, message: OutboxMessage) -> str:
    send = outbox.SENDERS.get(channel)
    if send is None:
        raise DeliveryError(f"no sender is configured for the {channel} channel")
    return send(message)


def _as_other(message: OutboxMessage, *, channel: str, recipient: str, **changes) -> OutboxMessage:
    # The same row (same pk: delivery records point at it), addressed on the other channel; never saved.
    forwarded = copy.copy(message)
    forwarded.channel, forwarded.recipient = channel, recipient
    for name, value in changes.items():
        setattr(forwarded, name, value)
    return forwarded


def _as_email(message: OutboxMessage, address: str) -> OutboxMessage:
    with message_language():
        subject = message.subject or _("[1022] Your report %(code)s") % {"code": message.case.display_code}
        footer = _("Follow your report at %(url)s with the tracking code %(code)s.") % {
            "url": province_url(reverse("web:lookup")),
            "code": message.case.display_code,
        }
    return _as_other(
        message, channel=Channel.EMAIL, recipient=address, subject=subject, body=f"{message.body}\n\n{footer}"
    )
