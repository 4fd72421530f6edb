from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChannelsConfig(AppConfig):
    # The package is "channels" (one adapter per provider); the label avoids any clash
    # with the unrelated Django Channels project should it ever be installed.
    name = "channels"
    label = "hotline_channels"
    verbose_name = _("Channels")

    def ready(self):
        from channels import signals  # noqa: F401  (the fallback snapshot and the line cache follow changes)
        from channels.registry import senders_load

        senders_load()
