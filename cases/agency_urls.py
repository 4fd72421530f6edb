"""The agency workspace at /agency/ (agency staff)."""

from django.urls import path

from cases.views import agency

app_name = "agency"

urlpatterns = [
    path("", agency.inbox, name="inbox"),
    path("<str:code>/", agency.case_detail, name="detail"),
    path("<str:code>/<slug:action>/", agency.case_act, name="act"),
]
