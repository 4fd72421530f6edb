"""URLs of the national site (BASE_DOMAIN, public schema)."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

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
    path("i18n/", include("django.conf.urls.i18n")),
    path("hooks/", include("channels.urls")),
]
