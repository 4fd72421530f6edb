"""The deadline sweep: each crossing is marked once, recorded once and escalated once, however late it runs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from cases import clock, services
from cases.models import Agency, Case, CaseEvent, CaseStatus, Channel, OutboxMessage
from cases.sweeper import sla_sweep

Action = CaseEvent.Action
# Well after the demo history and any other case in the schema, so only these tests' cases cross here.
T0 = datetime(2030, 3, 4, 2, 0, tzinfo=UTC)
FAR_FUTURE = datetime(2100, 1, 1, tzinfo=UTC)
# Non-emergency categories in Bình Dương follow its five-hour promise: 24/7, 60 min / 5 h, at risk at 80 %.
RESPONSE_RISK, RESPONSE_DUE = timedelta(minutes=48), timedelta(minutes=60)
RESOLUTION_RISK, RESOLUTION_DUE = timedelta(hours=4), timedelta(hours=5)


@pytest.fixture
def quiet_schema(in_a):
    """Mark everything already in the schema, so a pass touches only the cases a test makes."""
    sla_sweep(now=FAR_FUTURE)
    assert sla_sweep(now=FAR_FUTURE).touched == 0


@pytest.fixture
def case_at_t0(quiet_schema, make_case):
    """A report received at T0, checked against the deadlines this module assumes."""

    def make(**kwargs) -> Case:
        with clock.at(T0):
            case = make_case(category="tu-van-y-te", **kwargs)
        case = Case.objects.get(pk=case.pk)
        assert case.received_at == T0
        assert (case.response_risk_at, case.response_due_at) == (T0 + RESPONSE_RISK, T0 + RESPONSE_DUE)
        assert (case.resolution_risk_at, case.resolution_due_at) == (T0 + RESOLUTION_RISK, T0 + RESOLUTION_DUE)
        return case

    return make


def _marks(case: Case) -> list[tuple[str, str]]:
    """The sweeper's events on the case: (action, clock)."""
    return list(
        CaseEvent.objects.filter(case=case, action__in=[Action.AT_RISK, Action.BREACHED])
        .order_by("pk")
        .values_list("action", "field")
    )


def _escalations_after(pk: int) -> list[OutboxMessage]:
    return list(OutboxMessage.objects.filter(kind=OutboxMessage.Kind.ESCALATION, pk__gt=pk).order_by("pk"))


def _last_outbox_pk() -> int:
    last = OutboxMessage.objects.order_by("-pk").first()
    return last.pk if last else 0


def test_at_risk_is_marked_exactly_once(case_at_t0):
    case = case_at_t0()
    now = T0 + RESPONSE_RISK + timedelta(minutes=1)

    first = sla_sweep(now=now)
    case.refresh_from_db()
    assert (first.at_risk, first.breached, first.escalation_id) == (1, 0, None)
    assert case.response_at_risk_since == now
    assert case.is_at_risk and not case.is_overdue
    assert _marks(case) == [(Action.AT_RISK, "response")]
    event = CaseEvent.objects.get(case=case, action=Action.AT_RISK)
    assert (event.actor_id, event.created_at) == (None, now)

    second = sla_sweep(now=now)
    assert second.touched == 0
    case.refresh_from_db()
    assert case.response_at_risk_since == now
    assert _marks(case) == [(Action.AT_RISK, "response")]


def test_nothing_is_marked_before_the_risk_instant(case_at_t0):
    case = case_at_t0()

    result = sla_sweep(now=T0 + RESPONSE_RISK - timedelta(seconds=1))

    assert result.touched == 0
    assert _marks(case) == []


def test_the_risk_instant_itself_counts(case_at_t0):
    case = case_at_t0()

    sla_sweep(now=T0 + RESPONSE_RISK)

    assert _marks(case) == [(Action.AT_RISK, "response")]


def test_breach_is_marked_recorded_and_escalated_once(case_at_t0):
    case = case_at_t0()
    sla_sweep(now=T0 + RESPONSE_RISK)
    before = _last_outbox_pk()
    now = T0 + RESPONSE_DUE + timedelta(minutes=5)

    result = sla_sweep(now=now)

    case.refresh_from_db()
    assert (result.at_risk, result.breached, result.breached_ids) == (0, 1, [case.pk])
    assert case.response_breached_since == now
    assert case.is_overdue
    assert _marks(case) == [(Action.AT_RISK, "response"), (Action.BREACHED, "response")]
    escalations = _escalations_after(before)
    assert [m.pk for m in escalations] == [result.escalation_id]
    escalation = escalations[0]
    assert escalation.channel == Channel.EMAIL
    assert escalation.case_id is None
    assert escalation.status == OutboxMessage.Status.PENDING
    assert case.display_code in escalation.body

    again = sla_sweep(now=now)
    assert (again.touched, again.escalation_id) == (0, None)
    assert _escalations_after(before) == escalations
    assert _marks(case) == [(Action.AT_RISK, "response"), (Action.BREACHED, "response")]


def test_a_late_pass_marks_every_crossing_once_in_one_escalation(case_at_t0):
    case = case_at_t0()
    before = _last_outbox_pk()
    late = T0 + timedelta(days=4)

    result = sla_sweep(now=late)

    case.refresh_from_db()
    assert (result.at_risk, result.breached) == (2, 2)
    assert sorted(result.breached_ids) == [case.pk, case.pk]
    assert case.response_at_risk_since == case.response_breached_since == late
    assert case.resolution_at_risk_since == case.resolution_breached_since == late
    assert sorted(_marks(case)) == sorted(
        [
            (Action.AT_RISK, "response"),
            (Action.AT_RISK, "resolution"),
            (Action.BREACHED, "response"),
            (Action.BREACHED, "resolution"),
        ]
    )
    (escalation,) = _escalations_after(before)
    assert escalation.body.count(case.display_code) == 1

    for later in (late, late + timedelta(days=1), late + timedelta(days=30)):
        assert sla_sweep(now=later).touched == 0
    assert len(_marks(case)) == 4
    assert len(_escalations_after(before)) == 1


def test_passes_in_sequence_escalate_each_new_breach_once(case_at_t0):
    case = case_at_t0()
    before = _last_outbox_pk()

    passes = [T0 + RESPONSE_DUE, T0 + RESPONSE_DUE, T0 + RESOLUTION_DUE, T0 + timedelta(days=2)]
    results = [sla_sweep(now=now) for now in passes]

    assert [r.breached for r in results] == [1, 0, 1, 0]
    escalations = _escalations_after(before)
    assert [m.pk for m in escalations] == [r.escalation_id for r in results if r.escalation_id]
    assert len(escalations) == 2
    assert all(case.display_code in m.body for m in escalations)
    assert [a for a, _f in _marks(case)].count(Action.BREACHED) == 2


def test_one_escalation_lists_every_case_breached_in_the_pass(case_at_t0):
    first, second = case_at_t0(), case_at_t0()
    before = _last_outbox_pk()

    result = sla_sweep(now=T0 + RESPONSE_DUE)

    assert sorted(result.breached_ids) == sorted([first.pk, second.pk])
    (escalation,) = _escalations_after(before)
    assert escalation.pk == result.escalation_id
    assert first.display_code in escalation.body
    assert second.display_code in escalation.body


def test_a_case_waiting_on_the_reporter_is_not_marked(case_at_t0, operator):
    case = case_at_t0()
    with clock.at(T0 + timedelta(minutes=10)):
        services.case_request_info(case=case, actor=operator, question="Xin địa chỉ cụ thể.")

    result = sla_sweep(now=T0 + timedelta(days=10))

    assert result.touched == 0
    case.refresh_from_db()
    assert case.status == CaseStatus.WAITING_REPORTER
    assert _marks(case) == []
    assert not case.is_overdue and not case.is_at_risk


def test_the_clocks_run_again_after_the_reporter_answers(case_at_t0, operator):
    case = case_at_t0()
    with clock.at(T0 + timedelta(minutes=10)):
        services.case_request_info(case=case, actor=operator, question="Xin địa chỉ cụ thể.")
    with clock.at(T0 + timedelta(days=1)):
        services.case_info_received(case=case, text="Số 5 đường Lê Lợi.")

    # 38 and 50 minutes of the response target were left at the pause; they count from the answer.
    assert sla_sweep(now=T0 + timedelta(days=1, minutes=37)).touched == 0
    assert _marks(case) == []

    result = sla_sweep(now=T0 + timedelta(days=1, minutes=50))

    assert result.breached_ids == [case.pk]
    assert _marks(case) == [(Action.AT_RISK, "response"), (Action.BREACHED, "response")]


@pytest.mark.parametrize(
    "finish",
    [
        pytest.param(lambda c, op: services.case_close(case=c, actor=op, resolution="Đã giải đáp."), id="closed"),
        pytest.param(lambda c, op: services.case_reject(case=c, actor=op, reason="Gọi nhầm."), id="rejected"),
    ],
)
def test_a_finished_case_is_not_marked(case_at_t0, operator, finish):
    case = case_at_t0()
    with clock.at(T0 + timedelta(minutes=10)):
        finish(case, operator)

    result = sla_sweep(now=T0 + timedelta(days=10))

    assert result.touched == 0
    assert _marks(case) == []


def test_forwarding_stops_the_response_clock_not_the_resolution_clock(case_at_t0, operator):
    case = case_at_t0()
    with clock.at(T0 + timedelta(minutes=10)):
        services.case_forward(case=case, actor=operator, agency=Agency.objects.get(code="SYT"))

    assert sla_sweep(now=T0 + RESPONSE_DUE + timedelta(minutes=30)).touched == 0
    case.refresh_from_db()
    assert case.response_at_risk_since is None and case.response_breached_since is None

    result = sla_sweep(now=T0 + RESOLUTION_DUE + timedelta(minutes=1))

    case.refresh_from_db()
    assert result.breached_ids == [case.pk]
    assert case.resolution_breached_since is not None
    assert case.response_breached_since is None
    assert _marks(case) == [(Action.AT_RISK, "resolution"), (Action.BREACHED, "resolution")]


def test_an_answered_case_is_not_marked(case_at_t0, operator, agency_user):
    case = case_at_t0()
    with clock.at(T0 + timedelta(minutes=10)):
        case = services.case_forward(case=case, actor=operator, agency=Agency.objects.get(code="SYT"))
        case = services.case_acknowledge(case=case, actor=agency_user)
        services.case_answer(case=case, actor=agency_user, answer="Đã tư vấn.")

    assert sla_sweep(now=T0 + timedelta(days=10)).touched == 0
    assert _marks(case) == []
