"""Provider webhooks, served on the national host (the province is found from the called number)
and on each province's host alike."""

from django.urls import include, path

urlpatterns = [
    path("twilio/voice/", include("channels.voice.urls")),
    path("twilio/sms/", include("channels.sms.urls")),
    # Chat providers carry no number: they are served on the province's own host only.
    path("zalo/", include("channels.zalo.urls")),
    path("messenger/", include("channels.messenger.urls")),
    path("viber/", include("channels.viber.urls")),
    path("mail/", include("channels.mail.urls")),
]
