"""The operator console at /cases/ (operators and supervisors)."""

from django.urls import path

from cases.views import calls, console, supervision

app_name = "cases"

urlpatterns = [
    path("", console.inbox, name="inbox"),
    path("counts/", console.inbox_counts, name="counts"),
    path("new/", console.case_new, name="new"),
    path("new/history/", console.caller_history, name="caller_history"),
    path("callbacks/", console.callback_list, name="callbacks"),
    path("callbacks/<int:pk>/", console.callback_record, name="callback_record"),
    path("callbacks/<int:pk>/call/", calls.callback_call, name="callback_call"),
    path("calls/", calls.call_list, name="calls"),
    path("calls/waiting/", calls.calls_waiting, name="calls_waiting"),
    path("calls/<str:sid>/take/", calls.call_take, name="call_take"),
    path("supervision/", supervision.supervision, name="supervision"),
    path("<str:code>/", console.case_detail, name="detail"),
    path("<str:code>/reveal/", console.case_reveal, name="reveal"),
    path("<str:code>/quick-answers/", console.case_quick_answers, name="quick_answers"),
    path("<str:code>/<slug:action>/", console.case_act, name="act"),
]
