"""The province's app account in its Wagtail admin (Settings → Mobile app)."""

from wagtail.contrib.settings.registry import register_setting

from channels.app.models import AppSettings

register_setting(AppSettings, icon="mobile-alt")
