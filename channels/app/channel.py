from django.utils.translation import gettext_lazy as _

from cases.models import Channel
from channels.base import ChannelType


def _configured() -> bool:
    # Reports come in without any set-up; notifications need the Firebase service account key.
    from channels.app.models import AppSettings

    return bool(AppSettings.load().fcm_service_account)


TYPE = ChannelType(
    channel=Channel.APP,
    name=_("Mobile app"),
    settings_model="channel_app.AppSettings",
    inbound_urls=("app_api:device_register", "app_api:cases", "app_api:schema", "app_api:docs"),
    is_configured=_configured,
    setup_hint=_(
        "The app registers each installation at the first URL and sends reports to the second; the API's "
        "OpenAPI schema and its documentation follow. For notifications of replies, Firebase console → Project "
        "settings → Service accounts → Generate new private key gives a JSON key file: paste its whole content "
        "into the settings page; the project id is read from it and access tokens are renewed on their own."
    ),
)
