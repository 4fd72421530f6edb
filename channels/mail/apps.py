from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MailConfig(AppConfig):
    # Not "email": that would read like the standard library's module everywhere it is imported.
    name = "channels.mail"
    label = "channel_mail"
    verbose_name = _("E-mail")
