"""National oversight on the national host (config/urls_public.py)."""

from django.urls import path

from oversight import views

app_name = "oversight"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("tinh/<slug:slug>/", views.province_detail, name="province"),
    path("xuat/<slug:key>.<str:fmt>", views.table_export, name="export"),
    path("bao-cao/<int:year>-<int:month>.pdf", views.monthly_report, name="report"),
]
