"""The app's models live with their channel (`channels/<provider>/models.py`); Django finds them here."""

from channels.messaging.models import InboundEvent, MessengerSettings, ViberSettings, ZaloSettings
from channels.sms.models import SmsMessage
from channels.voice.models import (
    Call,
    CallTransfer,
    IvrMenu,
    IvrOption,
    OperatorLine,
    TransferDay,
    VoiceDay,
    VoiceEvent,
    VoiceSettings,
)

__all__ = [
    "Call",
    "CallTransfer",
    "InboundEvent",
    "IvrMenu",
    "IvrOption",
    "MessengerSettings",
    "OperatorLine",
    "SmsMessage",
    "TransferDay",
    "ViberSettings",
    "VoiceDay",
    "VoiceEvent",
    "VoiceSettings",
    "ZaloSettings",
]
