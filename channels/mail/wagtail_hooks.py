"""The hotline's mailbox in the province's Wagtail admin (Settings → Hotline mailbox)."""

from wagtail.contrib.settings.registry import register_setting

from channels.mail.models import MailSettings

register_setting(MailSettings, icon="mail")
