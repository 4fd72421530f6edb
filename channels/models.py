"""The app's models live with their channel (`channels/<provider>/models.py`); Django finds them here."""

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
    "IvrMenu",
    "IvrOption",
    "OperatorLine",
    "SmsMessage",
    "TransferDay",
    "VoiceDay",
    "VoiceEvent",
    "VoiceSettings",
]
