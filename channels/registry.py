"""Every provider the hotline speaks, in one list.

Each package has a `sender` module that registers its outbound sender with the outbox, and a
`channel` module whose `TYPE` describes it (`channels.base.ChannelType`). Both are loaded when
the app starts (`channels.apps.ChannelsConfig.ready`).
"""

from __future__ import annotations

from importlib import import_module

from channels.base import ChannelType

PROVIDERS = (
    "channels.voice",  # Twilio Voice: the IVR (its replies go out by SMS, see channels.sms.sender)
    "channels.sms",  # Twilio SMS: replies to SMS and to phone cases
    "channels.messenger",  # Facebook Messenger (a province's page)
    "channels.viber",  # Viber (a province's bot)
    "channels.zalo",  # Zalo Official Account
    "channels.app",  # The province's mobile app (REST API; replies pushed through FCM)
    "channels.web",  # The province site's report form (replies by e-mail or SMS, and on the status page)
    "channels.open311",  # Open311 GeoReport v2 for partner apps (replies to their notify_url, or as status_notes)
    "channels.mail",  # The hotline's mailbox (webhook or IMAP in; replies threaded, through the province's SMTP)
)

CHANNEL_TYPES: dict[str, ChannelType] = {}


def senders_load() -> None:
    for package in PROVIDERS:
        _optional_import(f"{package}.sender")


def _optional_import(name: str):
    """The module, or None when the package has none (voice sends nothing of its own)."""
    try:
        return import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name != name:
            raise
        return None


def types_load() -> dict[str, ChannelType]:
    """The providers' `ChannelType`s by channel, in the list's order; a channel declared twice is refused."""
    if CHANNEL_TYPES:
        return CHANNEL_TYPES
    loaded: dict[str, ChannelType] = {}
    for package in PROVIDERS:
        module = _optional_import(f"{package}.channel")
        if module is None:
            continue
        channel_type: ChannelType = module.TYPE
        # Checked on the key it is stored under (the lesson of RapidPro's registry).
        if channel_type.channel in loaded:
            raise RuntimeError(f"channel {channel_type.channel!r} is declared by two providers")
        loaded[channel_type.channel] = channel_type
    CHANNEL_TYPES.update(loaded)
    return CHANNEL_TYPES


def demo_seeders() -> list:
    """Each provider's `demo.demo_seed(log=...)`, run inside a demo province's schema by the demo seed."""
    seeders = []
    for package in PROVIDERS:
        module = _optional_import(f"{package}.demo")
        seed = getattr(module, "demo_seed", None)
        if seed is not None:
            seeders.append(seed)
    return seeders
