"""The outbox's Zalo sender: replies go to the person's Zalo user id through the OA message API.

Zalo lets an OA answer a person for 7 days after the person's last message ("tin tư vấn");
later the message fails after its retries and the case needs another channel.

Imported at start-up (`channels.registry`), which registers it with the outbox.
"""

from __future__ import annotations

from cases.models import Channel, OutboxMessage
from cases.outbox import DeliveryError, sender
from channels.messaging.models import ZaloSettings
from channels.messaging.services import recipient_on_channel
from channels.zalo.client import TEXT_MAX, message_send


@sender(Channel.ZALO)
def zalo_send(message: OutboxMessage) -> str:
    """Send one outbox message on Zalo; returns Zalo's message id. A failure raises DeliveryError."""
    user_id = recipient_on_channel(message)
    account = ZaloSettings.load()
    if not account.access_token:
        raise DeliveryError("the province's Zalo Official Account has no access token")
    return message_send(access_token=account.access_token, user_id=user_id, text=message_text(message.body))


def message_text(body: str) -> str:
    """The body, cut to what Zalo accepts: a long reply is better cut than never sent."""
    return body if len(body) <= TEXT_MAX else body[: TEXT_MAX - 1] + "…"
