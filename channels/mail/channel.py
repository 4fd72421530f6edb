from django.utils.translation import gettext_lazy as _

from cases.models import Channel
from channels.base import ChannelType


def _configured() -> bool:
    from channels.mail.models import MailSettings

    account = MailSettings.load()
    return bool(account.address and account.receives)


TYPE = ChannelType(
    channel=Channel.EMAIL,
    name=_("E-mail"),
    settings_model="channel_mail.MailSettings",
    inbound_urls=("mail:inbound",),
    is_configured=_configured,
    setup_hint=_(
        "Either the mail server posts each mail, raw (message/rfc822), to this URL with the header "
        "X-1022-Signature: sha256=<HMAC-SHA256 of the body with the webhook secret>, or fill in the IMAP "
        "mailbox and the platform reads it every minute."
    ),
)
