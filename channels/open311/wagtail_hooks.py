"""The province's Open311 partners in its Wagtail admin (Hotline → Open311 API keys).

A key is shown once, on the page that follows its creation, and never again: the province keeps
only its digest. Revoking is unticking "active"; a key that posted requests is kept for their record.
"""

from django import forms
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from wagtail import hooks
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import BooleanColumn, Column, DateColumn
from wagtail.admin.views.generic import CreateView
from wagtail.admin.viewsets.model import ModelViewSet

from channels.open311.models import ApiKey
from channels.wagtail_hooks import HOTLINE_MENU_HOOK

VIEW_PERMISSION = "channel_open311.view_apikey"


class ApiKeyForm(WagtailAdminModelForm):
    # Declared for its scheme: a partner's address typed without one is https, never plain http.
    notify_url = forms.URLField(
        label=ApiKey._meta.get_field("notify_url").verbose_name,
        help_text=ApiKey._meta.get_field("notify_url").help_text,
        required=False,
        assume_scheme="https",
    )

    class Meta:
        model = ApiKey
        fields = ["name", "notify_url", "is_active"]


class ApiKeyCreateView(CreateView):
    def save_instance(self):
        self.full_key = self.form.instance.secret_assign()
        return super().save_instance()

    def save_action(self):
        context = self.get_context_data(form=self.form, full_key=self.full_key, api_key=self.object)
        context["base_url"] = self.request.build_absolute_uri(reverse("open311:base"))
        context["index_url"] = reverse(self.index_url_name)
        response = TemplateResponse(self.request, "open311/api_key_issued.html", context)
        # The only page the key ever appears on: no cache may keep it.
        response["Cache-Control"] = "no-store"
        return response


class ApiKeyViewSet(ModelViewSet):
    model = ApiKey
    icon = "key"
    menu_label = _("Open311 API keys")
    add_to_admin_menu = False
    url_namespace = "open311_api_keys"
    url_prefix = "open311/keys"
    add_view_class = ApiKeyCreateView
    copy_view_enabled = False

    def get_form_class(self, for_update=False):
        return ApiKeyForm

    list_display = [
        "name",
        Column("prefix", label=_("Key starts with"), accessor="key_hint"),
        BooleanColumn("is_active", label=_("active")),
        "notify_url",
        DateColumn("last_used_at", label=_("last used")),
        DateColumn("created_at", label=_("created")),
    ]
    ordering = ["name", "pk"]


api_key_viewset = ApiKeyViewSet("open311_api_keys")


@hooks.register("register_admin_viewset")
def register_api_key_viewset():
    return api_key_viewset


class ApiKeyMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(VIEW_PERMISSION)


@hooks.register(HOTLINE_MENU_HOOK)
def api_key_menu_item():
    return ApiKeyMenuItem(
        _("Open311 API keys"), reverse(api_key_viewset.get_url_name("index")), icon_name="key", order=800
    )
