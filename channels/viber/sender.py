"""The outbox's Viber sender: replies go to the person's Viber user id through the bot's send_message.

Viber delivers only to people subscribed to the bot (who wrote to it); an unsubscribed person is
refused (status 6) and the message fails after its retries: the case needs another channel.

Imported at start-up (`channels.registry`), which registers it with the outbox.
"""

from __future__ import annotations

from cases.models import Channel, OutboxMessage
from cases.outbox import DeliveryError, sender
from channels.messaging.models import ViberSettings
from channels.messaging.services import recipient_on_channel
from channels.viber.client import TEXT_MAX, message_send


@sender(Channel.VIBER)
def viber_send(message: OutboxMessage) -> str:
    """Send one outbox message on Viber; returns Viber's message token. A failure raises DeliveryError."""
    receiver_id = recipient_on_channel(message)
    bot = ViberSettings.load()
    if not bot.auth_token:
        raise DeliveryError("the province's Viber bot has no auth token")
    return message_send(
        auth_token=bot.auth_token, bot_name=bot.bot_name, receiver_id=receiver_id, text=message_text(message.body)
    )


def message_text(body: str) -> str:
    """The body, cut to what Viber accepts: a long reply is better cut than never sent."""
    return body if len(body) <= TEXT_MAX else body[: TEXT_MAX - 1] + "…"
