from django.urls import path

from channels.voice import views

app_name = "voice"

urlpatterns = [
    path("incoming/", views.incoming, name="incoming"),
    path("menu/<int:menu_id>/", views.menu, name="menu"),
    path("status-lookup/", views.status_lookup, name="status_lookup"),
    path("dial/<int:leg>/", views.dial_result, name="dial_result"),
    path("queue/wait/", views.queue_wait, name="queue_wait"),
    path("queue/done/", views.queue_done, name="queue_done"),
    path("operator/<int:user_id>/", views.operator_connect, name="operator_connect"),
    path("recording/", views.recording, name="recording"),
    path("callback/", views.callback_connect, name="callback_connect"),
    path("callback/done/", views.callback_done, name="callback_done"),
    path("status/", views.status, name="status"),
]
