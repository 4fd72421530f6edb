from django.utils.translation import gettext_lazy as _

from cases.models import Channel
from channels.base import ChannelType


def _configured() -> bool:
    from channels.voice.models import VoiceSettings

    line = VoiceSettings.load()
    return bool(line.account_sid and line.auth_token)


TYPE = ChannelType(
    channel=Channel.SMS,
    name=_("SMS (Twilio)"),
    # The SMS number is the phone line's Twilio account.
    settings_model="hotline_channels.VoiceSettings",
    inbound_urls=("sms:incoming", "sms:status"),
    is_configured=_configured,
    setup_hint=_("Twilio console → Phone Numbers → the hotline number: “A message comes in” → the first URL (POST)."),
)
