from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChannelsConfig(AppConfig):
    # The package is "channels" (one adapter per provider); the label avoids any clash
    # with the unrelated Django Channels project should it ever be installed.
    name = "channels"
    label = "hotline_channels"
    verbose_name = _("Channels")

    def ready(self):
        # Registers the outbox senders of the channels (SMS for SMS and phone cases).
        from channels.sms import sender  # noqa: F401
