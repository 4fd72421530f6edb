from django.urls import path

from channels.viber import views

app_name = "viber"

urlpatterns = [
    path("", views.webhook, name="webhook"),
]
