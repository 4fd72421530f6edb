"""The admin's "Kênh tiếp nhận" page: every channel of the province, whether it is connected, where
its provider must deliver, and what it brought in."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Max, Q
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from cases import clock
from cases.models import OPEN_STATES, Case
from channels.base import ChannelType
from channels.registry import types_load

# Province admins hold it (tenants.roles); it is what lets them see the phone line's settings too.
OVERVIEW_PERMISSION = "hotline_channels.view_voicesettings"
RECENT_DAYS = 30


@dataclass(frozen=True)
class ChannelRow:
    type: ChannelType
    configured: bool
    inbound_urls: list[str]
    settings_url: str
    cases_url: str
    total: int
    recent: int
    open: int
    last_received_at: object


def channel_rows(*, base_url: str) -> list[ChannelRow]:
    """One row per registered channel, with its case counts (one aggregate query for them all)."""
    since = clock.now() - timedelta(days=RECENT_DAYS)
    counts = {
        row["channel"]: row
        for row in Case.objects.values("channel").annotate(
            total=Count("pk"),
            recent=Count("pk", filter=Q(received_at__gte=since)),
            open=Count("pk", filter=Q(status__in=OPEN_STATES)),
            last=Max("received_at"),
        )
    }
    rows = []
    for channel_type in types_load().values():
        figures = counts.get(channel_type.channel, {})
        rows.append(
            ChannelRow(
                type=channel_type,
                configured=channel_type.is_configured(),
                inbound_urls=[base_url + path for path in channel_type.inbound_paths()],
                settings_url=_settings_url(channel_type),
                cases_url=f"{reverse('cases:inbox')}?queue=all&channel={channel_type.channel}",
                total=figures.get("total", 0),
                recent=figures.get("recent", 0),
                open=figures.get("open", 0),
                last_received_at=figures.get("last"),
            )
        )
    return rows


def _settings_url(channel_type: ChannelType) -> str:
    model = channel_type.settings_class()
    if model is None:
        return ""
    try:
        return reverse("wagtailsettings:edit", args=[model._meta.app_label, model._meta.model_name])
    except NoReverseMatch:
        return ""


class ChannelOverviewView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "channels/channel_overview.html"
    page_title = _("Channels")
    header_icon = "comment"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(OVERVIEW_PERMISSION):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_page_title()}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["rows"] = channel_rows(base_url=f"{self.request.scheme}://{self.request.get_host()}")
        context["recent_days"] = RECENT_DAYS
        return context
