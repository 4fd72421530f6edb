from django.utils.translation import gettext_lazy as _

from cases.models import Channel
from channels.base import ChannelType


def _configured() -> bool:
    # Reading needs nothing; posting needs a key the province has issued and not revoked.
    from channels.open311.models import ApiKey

    return ApiKey.objects.filter(is_active=True).exists()


TYPE = ChannelType(
    channel=Channel.OPEN311,
    name=_("Open311 GeoReport v2"),
    inbound_urls=("open311:base",),
    is_configured=_configured,
    setup_hint=_(
        "Give partners the base URL (…/open311/v2/) and a key from Hotline → Open311 API keys; "
        "replies reach them at their status update URL, or as status_notes on GET requests."
    ),
)
