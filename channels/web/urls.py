"""On a province's host only (config/urls_tenants.py); the national host has no report form."""

from django.urls import path

from channels.web import views

app_name = "web"

urlpatterns = [
    path("phan-anh/", views.report, name="report"),
    path("phan-anh/da-nhan/<str:token>/", views.confirmation, name="confirmation"),
    path("tra-cuu/", views.lookup, name="lookup"),
    path("attachments/<int:pk>/", views.attachment, name="attachment"),
]
