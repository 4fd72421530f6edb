"""The app API on a province's host: /api/v1/…, its OpenAPI schema and interactive documentation."""

from django.urls import path

from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from channels.app import views

app_name = "app_api"

urlpatterns = [
    path("v1/devices/", views.DeviceRegisterView.as_view(), name="device_register"),
    path("v1/devices/me/", views.DeviceMeView.as_view(), name="device_me"),
    path("v1/categories/", views.CategoryListView.as_view(), name="categories"),
    path("v1/wards/", views.WardListView.as_view(), name="wards"),
    path("v1/cases/", views.CaseListView.as_view(), name="cases"),
    path("v1/cases/<str:tracking_code>/", views.CaseDetailView.as_view(), name="case"),
    path("v1/cases/<str:tracking_code>/messages/", views.CaseMessagesView.as_view(), name="case_messages"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="app_api:schema"), name="docs"),
]
