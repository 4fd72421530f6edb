"""Provider webhooks, served on the national host (the province is found from the called number)
and on each province's host alike."""

from django.urls import include, path

urlpatterns = [
    path("twilio/voice/", include("channels.voice.urls")),
    path("twilio/sms/", include("channels.sms.urls")),
]
