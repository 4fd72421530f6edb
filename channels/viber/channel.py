from django.utils.translation import gettext_lazy as _

from cases.models import Channel
from channels.base import ChannelType


def _configured() -> bool:
    from channels.messaging.models import ViberSettings

    return bool(ViberSettings.load().auth_token)


TYPE = ChannelType(
    channel=Channel.VIBER,
    name=_("Viber"),
    settings_model="hotline_channels.ViberSettings",
    inbound_urls=("viber:webhook",),
    is_configured=_configured,
    setup_hint=_(
        "Viber Admin Panel → the bot's auth token; then call set_webhook with this URL "
        "(events: message, conversation_started, delivered, failed)."
    ),
)
