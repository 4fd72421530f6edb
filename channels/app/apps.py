from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AppChannelConfig(AppConfig):
    name = "channels.app"
    label = "channel_app"
    verbose_name = _("Mobile app")
