"""URLs of the national site (BASE_DOMAIN, public schema)."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.i18n import set_language

from tenants import views as tenant_views

admin.site.site_header = _("1022 Hotline platform administration")
admin.site.site_title = _("1022 Hotline")

urlpatterns = [
    path("", tenant_views.national_home, name="national_home"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/", tenant_views.account_home, name="account_home"),
    path("accounts/start/", tenant_views.work_start, name="work_start"),
    path("admin/", admin.site.urls),
    # Cross-province reports from the rollups, for national viewers and platform admins (oversight.views).
    path("oversight/", include("oversight.urls")),
    # Provinces' status, suspension and exports, for platform admins (tenants.platform_views).
    path("platform/", include("tenants.platform_urls")),
    # Without a CSRF token, so the public pages that show the switch can be cached for everyone
    # (cms.cache); a forged request can only change the visitor's language.
    path("i18n/setlang/", csrf_exempt(set_language), name="set_language"),
    path("hooks/", include("channels.urls")),
]
