"""The operator console at /cases/ (operators and supervisors)."""

from django.urls import path

from cases.views import console, supervision

app_name = "cases"

urlpatterns = [
    path("", console.inbox, name="inbox"),
    path("counts/", console.inbox_counts, name="counts"),
    path("new/", console.case_new, name="new"),
    path("new/history/", console.caller_history, name="caller_history"),
    path("callbacks/", console.callback_list, name="callbacks"),
    path("callbacks/<int:pk>/", console.callback_record, name="callback_record"),
    path("supervision/", supervision.supervision, name="supervision"),
    path("<str:code>/", console.case_detail, name="detail"),
    path("<str:code>/reveal/", console.case_reveal, name="reveal"),
    path("<str:code>/<slug:action>/", console.case_act, name="act"),
]
