from django.urls import path

from channels.sms import views

app_name = "sms"

urlpatterns = [
    path("", views.incoming, name="incoming"),
    path("status/", views.status, name="status"),
]
