"""Every way to reach the hotline, for the province's home page: only those the province has set up."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from django.apps import apps
from django.utils.translation import gettext_lazy as _

# The channels' settings the home page reads (a change of one purges the cached pages, cms.signals).
CONTACT_SETTINGS = (
    "hotline_channels.ZaloSettings",
    "hotline_channels.MessengerSettings",
    "hotline_channels.ViberSettings",
    "channel_app.AppSettings",
    "channel_mail.MailSettings",
)


@dataclass(frozen=True)
class Contact:
    name: str
    url: str
    # What the link reads (an address, a page name); the name alone when empty.
    label: str = ""


def public_channels() -> list[Contact]:
    """Beyond the phone, the web form and the status page, which the home page always shows."""
    contacts = []
    zalo = _setting("hotline_channels.ZaloSettings")
    if zalo is not None and zalo.oa_id:
        contacts.append(Contact("Zalo", f"https://zalo.me/{quote(zalo.oa_id)}", str(_("Zalo Official Account"))))
    messenger = _setting("hotline_channels.MessengerSettings")
    if messenger is not None and messenger.page_id:
        contacts.append(Contact("Messenger", f"https://m.me/{quote(messenger.page_id)}", str(_("Facebook page"))))
    viber = _setting("hotline_channels.ViberSettings")
    if viber is not None and viber.auth_token:
        # A Viber bot is found by its name inside the app; there is no web link to it.
        contacts.append(Contact("Viber", "", viber.bot_name))
    app = _setting("channel_app.AppSettings")
    if app is not None and app.fcm_service_account:
        contacts.append(Contact(str(_("Mobile app")), "", str(_("reports and replies on your phone"))))
    mail = _setting("channel_mail.MailSettings")
    if mail is not None and mail.address:
        contacts.append(Contact(str(_("E-mail")), f"mailto:{mail.address}", mail.address))
    return contacts


def _setting(label: str):
    """The province's settings of a channel, or None when that channel's app is not installed."""
    try:
        model = apps.get_model(label)
    except LookupError:
        return None
    return model.load()
