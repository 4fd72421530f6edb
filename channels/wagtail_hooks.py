"""The phone line in each province's Wagtail admin: its menus, operators' phones, settings and a test call.

Everything registered here edits the province's own schema (the admin runs on the province's host).
"""

from django.db.models import Count
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.ui.tables import Column, UpdatedAtColumn
from wagtail.contrib.settings.registry import register_setting
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from channels.messaging.models import MessengerSettings, ViberSettings, ZaloSettings
from channels.overview import OVERVIEW_PERMISSION, ChannelOverviewView
from channels.voice.admin_forms import OperatorLineForm
from channels.voice.admin_views import SIMULATE_PERMISSION, SimulateView
from channels.voice.models import IvrMenu, OperatorLine, VoiceSettings

HOTLINE_MENU_HOOK = "register_hotline_menu_item"

register_setting(VoiceSettings, icon="mobile-alt")
register_setting(ZaloSettings, icon="comment")
register_setting(MessengerSettings, icon="comment")
register_setting(ViberSettings, icon="comment")


class IvrMenuViewSet(SnippetViewSet):
    model = IvrMenu
    icon = "keyboard"
    menu_label = _("Phone menus")
    list_display = ["name", Column("key_count", label=_("Keys")), UpdatedAtColumn()]
    ordering = ["name"]

    def get_queryset(self, request):
        return IvrMenu.objects.annotate(key_count=Count("options"))


class OperatorLineViewSet(SnippetViewSet):
    model = OperatorLine
    icon = "user"
    menu_label = _("Operators' phones")
    list_display = ["user", "number", UpdatedAtColumn()]
    edit_handler = ObjectList([FieldPanel("user"), FieldPanel("number")], base_form_class=OperatorLineForm)


class HotlineViewSetGroup(SnippetViewSetGroup):
    items = (IvrMenuViewSet, OperatorLineViewSet)
    menu_icon = "mobile-alt"
    menu_label = _("Hotline")
    menu_name = "hotline"
    menu_order = 250
    # The test page joins the group through this hook (it is a page, not a viewset).
    submenu_hook = HOTLINE_MENU_HOOK


register_snippet(HotlineViewSetGroup)


class SimulateMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(SIMULATE_PERMISSION)


@hooks.register("register_admin_urls")
def simulate_urls():
    return [path("hotline/test/", SimulateView.as_view(), name="hotline_simulate")]


@hooks.register(HOTLINE_MENU_HOOK)
def simulate_menu_item():
    return SimulateMenuItem(_("Test the hotline"), reverse("hotline_simulate"), icon_name="tasks", order=900)


class ChannelOverviewMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(OVERVIEW_PERMISSION)


@hooks.register("register_admin_urls")
def channel_overview_urls():
    return [path("channels/", ChannelOverviewView.as_view(), name="channel_overview")]


@hooks.register("register_admin_menu_item")
def channel_overview_menu_item():
    return ChannelOverviewMenuItem(_("Channels"), reverse("channel_overview"), icon_name="comment", order=240)
