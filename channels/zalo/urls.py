from django.urls import path

from channels.zalo import views

app_name = "zalo"

urlpatterns = [
    path("", views.webhook, name="webhook"),
]
