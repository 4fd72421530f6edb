from django.utils.translation import gettext_lazy as _

from cases.models import Channel
from channels.base import ChannelType


def _configured() -> bool:
    from channels.messaging.models import MessengerSettings

    page = MessengerSettings.load()
    return bool(page.verify_token and page.app_secret and page.page_access_token)


TYPE = ChannelType(
    channel=Channel.MESSENGER,
    name=_("Facebook Messenger"),
    settings_model="hotline_channels.MessengerSettings",
    inbound_urls=("messenger:webhook",),
    is_configured=_configured,
    setup_hint=_(
        "Meta for Developers → the app → Messenger → Webhooks: this URL with the page's verify token, "
        "then subscribe the page to “messages”."
    ),
)
