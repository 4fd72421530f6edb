"""Every provider the hotline speaks, in one list: each package's `sender` module registers its
outbound sender with the outbox when the app starts (`channels.apps.ChannelsConfig.ready`)."""

PROVIDERS = (
    "channels.sms",  # Twilio SMS: replies to SMS and to phone cases
    "channels.messenger",  # Facebook Messenger (a province's page)
    "channels.viber",  # Viber (a province's bot)
    "channels.zalo",  # Zalo Official Account
)


def senders_load() -> None:
    from importlib import import_module

    for package in PROVIDERS:
        import_module(f"{package}.sender")
