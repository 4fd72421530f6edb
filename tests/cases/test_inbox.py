"""The inbox's queues, filters, order and pages, read through the same function the view uses."""

from __future__ import annotations

from datetime import timedelta

import pytest

from cases import clock, services
from cases.inbox import AGENCY_QUEUES, PAGE_SIZE, InboxForm, Queue, inbox_cases, inbox_page, queue_counts
from cases.models import Agency, Case, Channel
from cases.sla import VN_TZ
from cases.sweeper import sla_sweep


def in_queue(user, queue: str, case: Case, **filters) -> bool:
    return inbox_cases(user, {"queue": queue, **filters}).filter(pk=case.pk).exists()


def test_a_new_case_waits_in_new_until_forwarded(make_case, operator):
    case = make_case(category="tieng-on")
    assert in_queue(operator, Queue.NEW, case) and not in_queue(operator, Queue.FORWARDED, case)

    services.case_forward(case=case, actor=operator, agency=Agency.objects.get(code="SYT"))
    assert in_queue(operator, Queue.FORWARDED, case) and not in_queue(operator, Queue.NEW, case)


def test_queues_follow_the_agency_side_of_the_work(make_case, operator, agency_user):
    case = make_case(category="tu-van-y-te")
    services.case_forward(case=case, actor=operator, agency=Agency.objects.get(code="SYT"))
    services.case_acknowledge(case=case, actor=agency_user)
    assert in_queue(operator, Queue.IN_PROGRESS, case)
    services.case_answer(case=case, actor=agency_user, answer="Trạm y tế phường tiêm vào thứ Bảy.")
    assert in_queue(operator, Queue.ANSWERED, case)
    services.case_close(case=case, actor=operator, resolution="Đã hướng dẫn.")
    assert not in_queue(operator, Queue.OPEN, case) and in_queue(operator, Queue.ALL, case)


def test_mine_holds_the_cases_an_operator_took(make_case, operator):
    case = make_case()
    assert not in_queue(operator, Queue.MINE, case)
    services.case_assign(case=case, actor=operator)
    assert in_queue(operator, Queue.MINE, case)
    assert Case.objects.get(pk=case.pk).events.filter(action="assigned").exists()


def test_a_case_typed_in_by_an_operator_is_theirs(make_case, operator):
    case = make_case(actor=operator)
    assert case.assignee_id == operator.pk and in_queue(operator, Queue.MINE, case)


def test_at_risk_and_overdue_follow_the_sweeper(make_case, operator):
    case = make_case(category="tieng-on")
    sla_sweep(now=case.response_risk_at + timedelta(seconds=1))
    assert in_queue(operator, Queue.AT_RISK, case) and not in_queue(operator, Queue.OVERDUE, case)
    sla_sweep(now=case.response_due_at + timedelta(seconds=1))
    assert in_queue(operator, Queue.OVERDUE, case) and not in_queue(operator, Queue.AT_RISK, case)


def test_deadline_order_puts_the_soonest_first(make_case, operator):
    later = make_case(category="tieng-on")
    sooner = make_case(category="tieng-on", received_at=clock.now() - timedelta(minutes=20))
    assert sooner.response_due_at < later.response_due_at
    order = list(inbox_cases(operator, {"queue": Queue.NEW}).values_list("pk", flat=True))
    assert order.index(sooner.pk) < order.index(later.pk)


def test_filters_narrow_by_channel_category_ward_and_dates(make_case, operator, ward):
    case = make_case(channel=Channel.ZALO, provider_id="zalo-filter-test", category="moi-truong", ward=ward)
    today = clock.now().astimezone(VN_TZ).date()
    assert in_queue(operator, Queue.ALL, case, channel=Channel.ZALO, ward=ward, category=case.category)
    assert not in_queue(operator, Queue.ALL, case, channel=Channel.VIBER)
    assert in_queue(operator, Queue.ALL, case, received_from=today - timedelta(days=1), received_to=today)
    assert not in_queue(operator, Queue.ALL, case, received_to=today - timedelta(days=2))


def test_a_malformed_filter_is_reported_and_not_applied(in_a):
    form = InboxForm({"received_from": "31/02/2026", "received_to": "2026-11-01", "sort": "sideways"})
    assert not form.is_valid()
    assert set(form.errors) == {"received_from", "sort"}


def test_an_end_date_before_the_start_is_refused(in_a):
    form = InboxForm({"received_from": "2026-11-10", "received_to": "2026-11-01"})
    assert not form.is_valid() and "received_to" in form.errors


def test_pages_know_whether_more_follow_without_counting(operator):
    first = inbox_page(operator, {"queue": Queue.ALL})
    assert len(first.cases) == PAGE_SIZE and first.has_next and not first.has_previous
    second = inbox_page(operator, {"queue": Queue.ALL, "page": 2})
    assert not {c.pk for c in first.cases} & {c.pk for c in second.cases}


def test_agency_staff_queues_hold_only_their_agencys_cases(make_case, operator, agency_user, other_agency_user):
    case = make_case(category="tu-van-y-te")
    services.case_forward(case=case, actor=operator, agency=Agency.objects.get(code="SYT"))
    assert in_queue(agency_user, Queue.FORWARDED, case)
    assert not in_queue(other_agency_user, Queue.FORWARDED, case)
    assert not inbox_cases(other_agency_user, {"q": case.tracking_code}).exists()
    counts = queue_counts(agency_user, AGENCY_QUEUES)
    assert counts[Queue.FORWARDED] >= 1 and Queue.ALL not in counts


@pytest.mark.parametrize("queue", [q.value for q in Queue])
def test_every_queue_answers(operator, queue):
    assert inbox_page(operator, {"queue": queue}).queue == queue
