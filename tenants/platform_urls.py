"""The platform admins' province pages on the national host (config/urls_public.py)."""

from django.urls import path

from tenants import merge_views
from tenants import platform_views as views

app_name = "platform"

urlpatterns = [
    path("", views.province_list, name="list"),
    path("<slug:slug>/", views.province_detail, name="detail"),
    path("<slug:slug>/tam-ngung/", views.suspend, name="suspend"),
    path("<slug:slug>/hoat-dong-lai/", views.resume, name="resume"),
    path("<slug:slug>/xuat/", views.export, name="export"),
    path("<slug:slug>/luu-tru/<str:name>", views.archive_download, name="archive"),
    path("<slug:slug>/sap-nhap/", merge_views.merge, name="merge"),
    path("<slug:slug>/sap-nhap/<int:run_id>/", merge_views.merge_run, name="merge_run"),
]
