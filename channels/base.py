"""The one small interface every channel provider implements.

A provider is a package in `channels/` (RapidPro's `channels/types/<provider>/`): its webhook
verifies the request, stores the raw event under the provider's id *before* anything else can
fail, parses it and hands each message to `cases.services.case_intake` (through
`channels.messaging.services.message_receive` for chat-like channels); its `sender` module
registers the outbox sender that delivers replies on the channel. Its `channel` module declares
a `ChannelType`, which is how the registry, the admin's channel overview and the documentation
know it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.apps import apps
from django.urls import NoReverseMatch, reverse


@dataclass(frozen=True)
class ChannelType:
    # The `cases.models.Channel` value its cases carry; the registry's key, unique.
    channel: str
    # Shown in the admin's channel overview (translated lazily).
    name: str
    # "app_label.ModelName" of the province's account settings (a Wagtail generic setting), if any.
    settings_model: str = ""
    # URL names (on the province's host) where the provider delivers, e.g. "zalo:webhook".
    inbound_urls: tuple[str, ...] = ()
    # Whether the province has entered what the channel needs to receive and to answer.
    is_configured: Callable[[], bool] = field(default=lambda: True, compare=False)
    # One line for the admin: where in the provider's console the webhook URL goes.
    setup_hint: str = ""

    def settings_class(self):
        if not self.settings_model:
            return None
        return apps.get_model(self.settings_model)

    def inbound_paths(self) -> list[str]:
        paths = []
        for name in self.inbound_urls:
            try:
                paths.append(reverse(name))
            except NoReverseMatch:
                continue
        return paths
