"""The outbox's Messenger sender: replies go to the person's page-scoped id through the Send API.

Facebook allows a plain reply within 24 hours of the person's last message. A reply an operator
wrote is sent again with the HUMAN_AGENT tag when Facebook refuses it as outside that window
(allowed up to 7 days; the page's app needs Facebook's Human Agent permission). Automatic
messages are never tagged: the tag is for people. Past 7 days Messenger cannot reach the
person; the message fails after its retries and the case needs another channel.

Imported at start-up (`channels.registry`), which registers it with the outbox.
"""

from __future__ import annotations

from cases.models import Channel, OutboxMessage
from cases.outbox import DeliveryError, sender
from channels.messaging.models import MessengerSettings
from channels.messaging.services import recipient_on_channel
from channels.messenger.client import HUMAN_AGENT, TEXT_MAX, OutsideWindow, message_send


@sender(Channel.MESSENGER)
def messenger_send(message: OutboxMessage) -> str:
    """Send one outbox message on Messenger; returns Facebook's message id. A failure raises DeliveryError."""
    recipient_id = recipient_on_channel(message)
    page = MessengerSettings.load()
    if not page.page_access_token:
        raise DeliveryError("the province's Facebook page has no access token")
    send = {
        "access_token": page.page_access_token,
        "page_id": page.page_id,
        "recipient_id": recipient_id,
        "text": message_text(message.body),
    }
    try:
        return message_send(**send)
    except OutsideWindow:
        if message.kind != OutboxMessage.Kind.REPLY:
            raise
        return message_send(**send, tag=HUMAN_AGENT)


def message_text(body: str) -> str:
    """The body, cut to what Facebook accepts: a long reply is better cut than never sent."""
    return body if len(body) <= TEXT_MAX else body[: TEXT_MAX - 1] + "…"
