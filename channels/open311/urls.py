"""GeoReport v2 on a province's host: /open311/v2/<method>.<xml|json>."""

from django.urls import re_path

from channels.open311 import views

app_name = "open311"

FORMAT = r"\.(?P<fmt>json|xml)$"

urlpatterns = [
    re_path(r"^$", views.not_found, name="base"),
    re_path(rf"^discovery{FORMAT}", views.discovery, name="discovery"),
    re_path(rf"^services{FORMAT}", views.services, name="services"),
    re_path(rf"^services/(?P<service_code>[^/]+?){FORMAT}", views.service_definition, name="service"),
    re_path(rf"^requests{FORMAT}", views.requests_endpoint, name="requests"),
    re_path(rf"^requests/(?P<service_request_id>[^/]+?){FORMAT}", views.request_detail, name="request"),
    re_path(rf"^tokens/(?P<token>[^/]+?){FORMAT}", views.token_detail, name="token"),
    re_path(r"^(?P<path>.+)$", views.fallback),
]
