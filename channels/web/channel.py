"""The web form as the registry and the admin's channel overview know it."""

from django.utils.translation import gettext_lazy as _

from cases.models import Channel
from channels.base import ChannelType

TYPE = ChannelType(
    channel=Channel.WEB,
    name=_("Web form"),
    inbound_urls=("web:report", "web:lookup"),
    # Nothing to set up: the form is on the province's own site, answered by e-mail or SMS.
    setup_hint=_(
        "Link the report form and the status page from the province's site; replies use the e-mail and SMS settings."
    ),
)
