from django.utils.translation import gettext_lazy as _

from cases.models import Channel
from channels.base import ChannelType


def _configured() -> bool:
    from channels.messaging.models import ZaloSettings

    account = ZaloSettings.load()
    return bool(account.app_id and account.secret_key and account.access_token)


TYPE = ChannelType(
    channel=Channel.ZALO,
    name=_("Zalo Official Account"),
    settings_model="hotline_channels.ZaloSettings",
    inbound_urls=("zalo:webhook",),
    is_configured=_configured,
    setup_hint=_(
        "Zalo for Developers → the app → Webhook: this URL, events user_send_text and user_send_image; "
        "the OA secret key is under Official Account → OA settings."
    ),
)
