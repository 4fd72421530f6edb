from django.utils.translation import gettext_lazy as _

from cases.models import Channel
from channels.base import ChannelType


def _configured() -> bool:
    from channels.voice.models import VoiceSettings

    line = VoiceSettings.load()
    return bool(line.account_sid and line.auth_token)


TYPE = ChannelType(
    channel=Channel.VOICE,
    name=_("Phone (Twilio)"),
    settings_model="hotline_channels.VoiceSettings",
    inbound_urls=("voice:incoming", "voice:status"),
    is_configured=_configured,
    setup_hint=_(
        "Twilio console → Phone Numbers → the hotline number: “A call comes in” → the first URL (POST), "
        "status callback → the second; fallback URL → …/voice/fallback/."
    ),
)
