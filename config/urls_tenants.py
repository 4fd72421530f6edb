"""URLs of a province's host (<slug>.BASE_DOMAIN, the province's schema)."""

from django.conf import settings
from django.conf.urls.static import static
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt
from django.views.i18n import set_language

from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from tenants import views as tenant_views

urlpatterns = [
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/", tenant_views.account_home, name="account_home"),
    path("accounts/start/", tenant_views.work_start, name="work_start"),
    path("cases/", include("cases.urls")),
    path("agency/", include("cases.agency_urls")),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    # Without a CSRF token, so the public pages that show the switch can be cached for everyone
    # (cms.cache); a forged request can only change the visitor's language.
    path("i18n/setlang/", csrf_exempt(set_language), name="set_language"),
    # Every live page of this province's site only: Wagtail builds it from the request's site.
    path("sitemap.xml", sitemap, name="sitemap"),
    path("hooks/", include("channels.urls")),
    # The province's mobile app (channels.app): /api/v1/, /api/schema/, /api/docs/.
    path("api/", include("channels.app.urls")),
    path("open311/v2/", include("channels.open311.urls")),  # GeoReport v2 for partner apps (channels.open311)
    # The citizen's web form and status page (/phan-anh/, /tra-cuu/) and staff's view of report photos.
    path("", include("channels.web.urls")),
    path("", include("cms.urls")),  # The FAQ search (/tim-kiem/)
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Wagtail serves the province's public pages; it must come last.
urlpatterns += [path("", include(wagtail_urls))]
