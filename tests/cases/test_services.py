"""The case services: intake from every channel, the state machine, permissions and the audit trail."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, transaction

import pytest

from cases import clock, services
from cases.codes import phone_e164, tracking_code_clean
from cases.defaults import FALLBACK_CATEGORY
from cases.models import (
    Agency,
    Case,
    CaseEvent,
    CaseStatus,
    Category,
    Channel,
    OutboxMessage,
    Priority,
    Reporter,
    ReporterIdentity,
    Ward,
)
from cases.services import TRANSITIONS, IllegalTransition, ReporterInput, case_intake
from tenants.registry import UnitKind, find_unit, wards_of

from .conftest import random_mobile

Action = CaseEvent.Action
S = CaseStatus

# Routed to the Department of Health (SYT), whose staff is the demo agency account.
HEALTH = "tu-van-y-te"
ACKNOWLEDGED = {Channel.ZALO, Channel.MESSENGER, Channel.VIBER, Channel.SMS, Channel.EMAIL}
CHAT_CHANNELS = {Channel.ZALO, Channel.MESSENGER, Channel.VIBER}
T0 = datetime(2030, 3, 4, 2, 0, tzinfo=UTC)


def _reporter_for(channel: str) -> ReporterInput:
    return ReporterInput(
        name="Trần Thị Bình",
        phone=random_mobile(),
        email="binh@example.vn" if channel == Channel.EMAIL else "",
        channel_id=f"{channel}-{uuid.uuid4().hex}" if channel in CHAT_CHANNELS else "",
    )


def _events(case: Case) -> list[CaseEvent]:
    return list(CaseEvent.objects.filter(case=case).order_by("pk"))


def _errors(exc: ValidationError) -> dict:
    assert hasattr(exc, "error_dict"), f"ValidationError without a field key: {exc.messages}"
    return exc.error_dict


# --- intake -------------------------------------------------------------------------------------


@pytest.mark.parametrize("channel", Channel.values)
def test_intake_from_each_channel_makes_a_routed_case_with_deadlines(in_a, channel):
    result = case_intake(
        channel=channel,
        provider_id=f"p-{uuid.uuid4().hex}",
        description="  Rác thải không được thu gom ba ngày.  ",
        reporter=_reporter_for(channel),
    )
    case = Case.objects.select_related("category", "agency").get(pk=result.case.pk)

    assert result.created is True
    assert len(case.tracking_code) == 9
    assert tracking_code_clean(case.tracking_code) == case.tracking_code
    assert tracking_code_clean(case.display_code) == case.tracking_code
    assert case.channel == channel
    assert case.description == "Rác thải không được thu gom ba ngày."
    assert case.category.code == FALLBACK_CATEGORY
    assert case.agency is not None
    assert case.agency == case.category.default_agency
    assert case.status == S.NEW
    assert case.priority == Priority.NORMAL
    assert case.reporter_id is not None
    assert case.response_risk_at < case.response_due_at
    assert case.resolution_risk_at < case.resolution_due_at
    assert case.received_at < case.response_risk_at
    assert case.response_due_at <= case.resolution_due_at
    assert [(e.action, e.new_value) for e in _events(case)] == [(Action.RECEIVED, channel)]


@pytest.mark.parametrize("channel", Channel.values)
def test_intake_retry_with_the_same_provider_id_returns_the_same_case(in_a, channel):
    provider_id = f"retry-{uuid.uuid4().hex}"
    reporter = _reporter_for(channel)
    first = case_intake(channel=channel, provider_id=provider_id, description="Mất nước.", reporter=reporter)
    again = case_intake(channel=channel, provider_id=provider_id, description="Mất nước.", reporter=reporter)

    assert first.created is True
    assert again.created is False
    assert again.case.pk == first.case.pk
    assert again.case.tracking_code == first.case.tracking_code
    assert Case.objects.filter(channel=channel, provider_id=provider_id).count() == 1
    assert [e.action for e in _events(first.case)] == [Action.RECEIVED]
    assert OutboxMessage.objects.filter(case=first.case).count() == (1 if channel in ACKNOWLEDGED else 0)


def test_same_provider_id_on_another_channel_is_another_case(in_a):
    provider_id = f"shared-{uuid.uuid4().hex}"
    on_sms = case_intake(channel=Channel.SMS, provider_id=provider_id, description="Ồn ào.")
    on_zalo = case_intake(channel=Channel.ZALO, provider_id=provider_id, description="Ồn ào.")

    assert on_sms.created and on_zalo.created
    assert on_sms.case.pk != on_zalo.case.pk
    assert on_sms.case.tracking_code != on_zalo.case.tracking_code


def test_emergency_is_forwarded_to_115_at_once(in_a):
    case = case_intake(
        channel=Channel.VOICE,
        provider_id=f"call-{uuid.uuid4().hex}",
        description="Người già ngất xỉu tại nhà.",
        category="cap-cuu",
        priority=Priority.LOW,
        reporter=ReporterInput(phone=random_mobile()),
    ).case
    case = Case.objects.select_related("agency").get(pk=case.pk)

    assert case.status == S.FORWARDED
    assert case.agency.kind == Agency.Kind.EMERGENCY
    assert case.agency.code == "CC115"
    assert case.priority == Priority.URGENT
    assert case.is_emergency is True
    assert case.forwarded_at is not None
    assert case.responded_at is not None
    events = _events(case)
    assert [e.action for e in events] == [Action.RECEIVED, Action.EMERGENCY, Action.FORWARDED]
    assert (events[2].field, events[2].new_value) == ("agency", "CC115")


@pytest.mark.parametrize("channel", Channel.values)
def test_acknowledgement_goes_out_on_written_channels_only(in_a, channel):
    case = case_intake(
        channel=channel,
        provider_id=f"ack-{uuid.uuid4().hex}",
        description="Đường ngập sâu sau mưa.",
        reporter=_reporter_for(channel),
    ).case
    acks = list(OutboxMessage.objects.filter(case=case, kind=OutboxMessage.Kind.ACKNOWLEDGEMENT))

    if channel in ACKNOWLEDGED:
        assert len(acks) == 1
        assert acks[0].channel == channel
        assert acks[0].status == OutboxMessage.Status.PENDING
        assert case.display_code in acks[0].body
    else:
        assert acks == []


def test_no_acknowledgement_without_a_reporter(in_a):
    case = case_intake(channel=Channel.SMS, provider_id=f"anon-{uuid.uuid4().hex}", description="Ồn ào.").case

    assert case.reporter_id is None
    assert not OutboxMessage.objects.filter(case=case).exists()


def test_reporter_is_found_again_by_phone_in_any_format(in_a):
    digits = random_mobile()[1:]  # 91xxxxxxxx
    national = f"0{digits[:3]} {digits[3:6]} {digits[6:]}"
    first = case_intake(
        channel=Channel.VOICE,
        provider_id=f"a-{uuid.uuid4().hex}",
        description="Lần một.",
        reporter=ReporterInput(phone=national),
    ).case
    second = case_intake(
        channel=Channel.SMS,
        provider_id=f"b-{uuid.uuid4().hex}",
        description="Lần hai.",
        reporter=ReporterInput(name="Lê Văn Cường", phone=f"+84{digits}"),
    ).case

    assert first.reporter_id == second.reporter_id
    reporter = Reporter.objects.get(pk=first.reporter_id)
    assert reporter.phone == f"+84{digits}"
    assert Reporter.objects.filter(phone=f"+84{digits}").count() == 1


def test_the_same_mobile_written_two_ways_is_one_reporter(in_a):
    first = case_intake(
        channel=Channel.VOICE,
        provider_id=f"a-{uuid.uuid4().hex}",
        description="Lần một.",
        reporter=ReporterInput(phone="0912 345 678"),
    ).case
    second = case_intake(
        channel=Channel.VOICE,
        provider_id=f"b-{uuid.uuid4().hex}",
        description="Lần hai.",
        reporter=ReporterInput(phone="+84912345678"),
    ).case

    assert first.reporter_id == second.reporter_id
    assert Reporter.objects.get(pk=first.reporter_id).phone == "+84912345678"


def test_reporter_is_found_again_by_channel_id(in_a):
    zalo_id = f"zalo-{uuid.uuid4().hex}"
    first = case_intake(
        channel=Channel.ZALO,
        provider_id=f"a-{uuid.uuid4().hex}",
        description="Lần một.",
        reporter=ReporterInput(name="Phạm Thu Hà", channel_id=zalo_id),
    ).case
    second = case_intake(
        channel=Channel.ZALO,
        provider_id=f"b-{uuid.uuid4().hex}",
        description="Lần hai.",
        reporter=ReporterInput(channel_id=zalo_id),
    ).case
    on_viber = case_intake(
        channel=Channel.VIBER,
        provider_id=f"c-{uuid.uuid4().hex}",
        description="Cùng chuỗi ký tự, kênh khác.",
        reporter=ReporterInput(channel_id=zalo_id),
    ).case

    assert first.reporter_id == second.reporter_id
    assert ReporterIdentity.objects.filter(channel=Channel.ZALO, external_id=zalo_id).count() == 1
    # An id means something only on its own channel.
    assert on_viber.reporter_id != first.reporter_id


def test_channel_id_with_a_known_phone_joins_the_caller(in_a):
    phone = random_mobile()
    by_phone = case_intake(
        channel=Channel.VOICE,
        provider_id=f"a-{uuid.uuid4().hex}",
        description="Gọi điện.",
        reporter=ReporterInput(phone=phone),
    ).case
    by_zalo = case_intake(
        channel=Channel.ZALO,
        provider_id=f"b-{uuid.uuid4().hex}",
        description="Nhắn Zalo.",
        reporter=ReporterInput(phone=phone, channel_id=f"zalo-{uuid.uuid4().hex}"),
    ).case

    assert by_phone.reporter_id == by_zalo.reporter_id


def _foreign_ward_code() -> int:
    return wards_of(find_unit("camau", kind=UnitKind.LEGACY))[0].code


BAD_INPUT = [
    pytest.param({"channel": "fax"}, "channel", id="unknown-channel"),
    pytest.param({"description": "   "}, "description", id="empty-description"),
    pytest.param({"description": ""}, "description", id="no-description"),
    pytest.param({"description": "x" * (services.DESCRIPTION_MAX + 1)}, "description", id="too-long"),
    pytest.param({"priority": "whenever"}, "priority", id="unknown-priority"),
    pytest.param({"reporter": ReporterInput(phone="12")}, "phone", id="bad-phone"),
    pytest.param({"reporter": ReporterInput(phone="not a number")}, "phone", id="unparseable-phone"),
    pytest.param({"category": "khong-co-linh-vuc-nay"}, "category", id="unknown-category"),
    pytest.param({"ward": "foreign"}, "ward", id="ward-of-another-province"),
    pytest.param({"latitude": 10.98}, "latitude", id="lat-without-lng"),
    pytest.param({"longitude": 106.65}, "latitude", id="lng-without-lat"),
    pytest.param({"latitude": 120, "longitude": 106.65}, "latitude", id="lat-out-of-range"),
]


@pytest.mark.parametrize(("overrides", "field"), BAD_INPUT)
def test_bad_intake_input_is_refused_with_the_field_at_fault(in_a, overrides, field):
    provider_id = f"bad-{uuid.uuid4().hex}"
    kwargs = {"channel": Channel.SMS, "provider_id": provider_id, "description": "Phản ánh.", **overrides}
    if kwargs.get("ward") == "foreign":
        kwargs["ward"] = _foreign_ward_code()
        assert not Ward.objects.filter(code=kwargs["ward"]).exists()

    with pytest.raises(ValidationError) as caught:
        case_intake(**kwargs)

    assert field in _errors(caught.value)
    assert not Case.objects.filter(provider_id=provider_id).exists()


def test_intake_by_an_agency_user_is_refused(in_a, agency_user):
    with pytest.raises(PermissionDenied):
        case_intake(channel=Channel.WALK_IN, description="Tại quầy.", actor=agency_user)


def test_intake_records_the_operator_who_took_it(in_a, operator):
    case = case_intake(channel=Channel.WALK_IN, description="Tại quầy.", actor=operator).case

    assert [e.actor_id for e in _events(case)] == [operator.pk]


# --- the state machine --------------------------------------------------------------------------


@dataclass
class Cast:
    operator: object
    agency_user: object
    make_case: Callable[..., Case]

    @property
    def syt(self) -> Agency:
        return Agency.objects.get(code="SYT")

    @property
    def other_agency(self) -> Agency:
        return Agency.objects.get(code="SGDDT")


@pytest.fixture
def cast(operator, agency_user, make_case) -> Cast:
    return Cast(operator=operator, agency_user=agency_user, make_case=make_case)


def _new_case(cast: Cast) -> Case:
    case = cast.make_case(category=HEALTH)
    assert case.agency.code == "SYT"
    return case


# How each action is done in these tests, and by whom (None: the reporter, through a channel).
def _do(action: str, case: Case, cast: Cast) -> Case:
    op, staff = cast.operator, cast.agency_user
    match action:
        case Action.FORWARDED:
            return services.case_forward(case=case, actor=op, agency=cast.other_agency, note="Đúng thẩm quyền.")
        case Action.ACKNOWLEDGED:
            return services.case_acknowledge(case=case, actor=staff)
        case Action.ANSWERED:
            return services.case_answer(case=case, actor=staff, answer="Đã xử lý xong.")
        case Action.RETURNED:
            return services.case_return(case=case, actor=staff, reason="Không thuộc thẩm quyền.")
        case Action.INFO_REQUESTED:
            return services.case_request_info(case=case, actor=op, question="Địa chỉ cụ thể ở đâu?")
        case Action.INFO_RECEIVED:
            return services.case_info_received(case=case, actor=None, text="Số 12 đường Lê Lợi.")
        case Action.CLOSED:
            return services.case_close(case=case, actor=op, resolution="Đã giải đáp.")
        case Action.REOPENED:
            return services.case_reopen(case=case, actor=op, reason="Người dân phản ánh chưa xử lý xong.")
        case Action.REJECTED:
            return services.case_reject(case=case, actor=op, reason="Gọi nhầm số.")
        case Action.DUPLICATE:
            return services.case_mark_duplicate(case=case, actor=op, original=_new_case(cast))
        case Action.CLASSIFIED:
            return services.case_classify(case=case, actor=op, priority=Priority.HIGH)
    raise AssertionError(f"no way to do {action}")


def _actor_of(action: str, cast: Cast):
    if action in (Action.ACKNOWLEDGED, Action.ANSWERED, Action.RETURNED):
        return cast.agency_user
    if action == Action.INFO_RECEIVED:
        return None
    return cast.operator


# The shortest path to each state from a fresh case.
PATHS: dict[str, tuple[str, ...]] = {
    S.NEW: (),
    S.FORWARDED: ("forward_to_syt",),
    S.IN_PROGRESS: ("forward_to_syt", Action.ACKNOWLEDGED),
    S.WAITING_REPORTER: (Action.INFO_REQUESTED,),
    S.ANSWERED: ("forward_to_syt", Action.ACKNOWLEDGED, Action.ANSWERED),
    S.CLOSED: (Action.CLOSED,),
    S.REJECTED: (Action.REJECTED,),
    S.DUPLICATE: (Action.DUPLICATE,),
}
assert set(PATHS) == set(S.values)


def _case_in(state: str, cast: Cast) -> Case:
    """A fresh case driven through the services into `state`, still with the Department of Health."""
    case = _new_case(cast)
    for step in PATHS[state]:
        if step == "forward_to_syt":
            case = services.case_forward(case=case, actor=cast.operator, agency=cast.syt)
        else:
            case = _do(step, case, cast)
    case = Case.objects.select_related("agency", "category").get(pk=case.pk)
    assert case.status == state
    assert case.agency.code == "SYT"
    return case


def _expected_status(action: str, source: str) -> str:
    if action == Action.INFO_RECEIVED:
        return S.NEW  # the state it waited in (see PATHS)
    return TRANSITIONS[action][1] or source


ALLOWED = [(a, s) for a, (sources, _t) in TRANSITIONS.items() for s in sources]
DISALLOWED = [(a, s) for a, (sources, _t) in TRANSITIONS.items() for s in S.values if s not in sources]


def test_the_table_covers_every_action_and_state():
    assert len(ALLOWED) + len(DISALLOWED) == len(TRANSITIONS) * len(S.values)
    assert {s for _a, s in ALLOWED} == set(S.values)  # no state is a dead end


@pytest.mark.parametrize(("action", "source"), ALLOWED, ids=[f"{a}-from-{s}" for a, s in ALLOWED])
def test_allowed_transition_moves_the_case_and_leaves_an_audit_event(in_a, cast, action, source):
    case = _case_in(source, cast)
    last_event = CaseEvent.objects.filter(case=case).order_by("-pk").first().pk
    expected = _expected_status(action, source)

    _do(action, case, cast)

    case.refresh_from_db()
    assert case.status == expected
    new_events = list(CaseEvent.objects.filter(case=case, pk__gt=last_event).order_by("pk"))
    assert new_events, "no audit event written"
    assert {e.action for e in new_events} == {action}
    assert all(e.actor_id == getattr(_actor_of(action, cast), "pk", None) for e in new_events)
    changes = {(e.field, e.old_value, e.new_value) for e in new_events}
    if action == Action.FORWARDED:
        # The forward's audit names the agency it left and the one it went to.
        assert ("agency", "SYT", "SGDDT") in changes
    elif action == Action.CLASSIFIED:
        assert ("priority", Priority.NORMAL, Priority.HIGH) in changes
    else:
        assert ("status", source, expected) in changes


@pytest.mark.parametrize(("action", "source"), DISALLOWED, ids=[f"{a}-from-{s}" for a, s in DISALLOWED])
def test_disallowed_transition_is_refused_naming_the_case_and_its_state(in_a, cast, action, source):
    case = _case_in(source, cast)
    events_before = CaseEvent.objects.filter(case=case).count()

    with pytest.raises(IllegalTransition) as caught:
        _do(action, case, cast)

    message = " ".join(caught.value.messages)
    assert case.display_code in message
    assert str(case.get_status_display()) in message
    case.refresh_from_db()
    assert case.status == source
    assert CaseEvent.objects.filter(case=case).count() == events_before


@pytest.mark.parametrize("state", S.values)
def test_allowed_actions_match_the_table(in_a, cast, state):
    case = _case_in(state, cast)

    assert set(services.allowed_actions(case)) == {a for a, s in ALLOWED if s == state}


def test_forwarding_again_to_the_same_agency_is_refused(in_a, cast):
    case = _case_in(S.IN_PROGRESS, cast)

    with pytest.raises(IllegalTransition) as caught:
        services.case_forward(case=case, actor=cast.operator, agency=cast.syt)

    assert case.display_code in " ".join(caught.value.messages)


def test_forwarding_to_an_inactive_agency_is_refused(in_a, cast):
    case = _new_case(cast)
    agency = cast.other_agency
    agency.is_active = False
    agency.save()

    with pytest.raises(ValidationError) as caught:
        services.case_forward(case=case, actor=cast.operator, agency=agency)

    assert "agency" in _errors(caught.value)
    case.refresh_from_db()
    assert case.status == S.NEW


def test_forward_notifies_an_agency_that_has_an_email(in_a, cast):
    case = _new_case(cast)
    agency = cast.other_agency
    agency.email = "sgddt@example.vn"
    agency.save()

    services.case_forward(case=case, actor=cast.operator, agency=agency)

    notice = OutboxMessage.objects.get(case=case, kind=OutboxMessage.Kind.AGENCY_NOTICE)
    assert (notice.channel, notice.recipient) == (Channel.EMAIL, "sgddt@example.vn")
    assert case.display_code in notice.subject
    assert case.reporter.phone not in notice.body


# --- who may act --------------------------------------------------------------------------------


def test_staff_of_another_agency_may_not_acknowledge(in_a, cast, other_agency_user):
    case = _case_in(S.FORWARDED, cast)

    with pytest.raises(PermissionDenied):
        services.case_acknowledge(case=case, actor=other_agency_user)

    case.refresh_from_db()
    assert case.status == S.FORWARDED


def test_staff_of_another_agency_may_not_answer(in_a, cast, other_agency_user):
    case = _case_in(S.IN_PROGRESS, cast)

    with pytest.raises(PermissionDenied):
        services.case_answer(case=case, actor=other_agency_user, answer="Không phải việc của chúng tôi.")

    case.refresh_from_db()
    assert case.status == S.IN_PROGRESS
    assert not CaseEvent.objects.filter(case=case, action=Action.ANSWERED).exists()


def test_staff_of_the_agency_may_acknowledge_and_answer(in_a, cast):
    case = _case_in(S.FORWARDED, cast)

    services.case_acknowledge(case=case, actor=cast.agency_user)
    services.case_answer(case=case, actor=cast.agency_user, answer="Đã cử cán bộ kiểm tra.")

    case.refresh_from_db()
    assert case.status == S.ANSWERED
    assert case.resolution == "Đã cử cán bộ kiểm tra."
    assert case.answered_at is not None and case.resolved_at is not None


def test_staff_of_another_agency_may_not_add_notes(in_a, cast, other_agency_user):
    case = _case_in(S.FORWARDED, cast)

    with pytest.raises(PermissionDenied):
        services.case_note_add(case=case, actor=other_agency_user, text="Ghi chú.")

    assert not CaseEvent.objects.filter(case=case, action=Action.NOTE).exists()


def test_returned_case_is_out_of_the_agencys_hands(in_a, cast):
    case = _case_in(S.IN_PROGRESS, cast)
    services.case_return(case=case, actor=cast.agency_user, reason="Thuộc thẩm quyền Sở Giáo dục.")

    case.refresh_from_db()
    assert (case.status, case.agency_id) == (S.NEW, None)
    with pytest.raises(PermissionDenied):
        services.case_note_add(case=case, actor=cast.agency_user, text="Ghi chú.")


def test_anonymous_actor_may_not_acknowledge(in_a, cast):
    case = _case_in(S.FORWARDED, cast)

    with pytest.raises(PermissionDenied):
        services.case_acknowledge(case=case, actor=None)


OPERATOR_ONLY = [
    pytest.param(lambda c, u, x: services.case_forward(case=c, actor=u, agency=x.other_agency), id="forward"),
    pytest.param(lambda c, u, x: services.case_close(case=c, actor=u, resolution="Xong."), id="close"),
    pytest.param(lambda c, u, x: services.case_reject(case=c, actor=u, reason="Ngoài phạm vi."), id="reject"),
    pytest.param(lambda c, u, x: services.case_classify(case=c, actor=u, priority=Priority.HIGH), id="classify"),
    pytest.param(
        lambda c, u, x: services.case_mark_duplicate(case=c, actor=u, original=_new_case(x)), id="mark-duplicate"
    ),
]


@pytest.mark.parametrize("act", OPERATOR_ONLY)
def test_agency_staff_may_not_do_operator_work(in_a, cast, act):
    case = _new_case(cast)
    events_before = CaseEvent.objects.filter(case=case).count()

    with pytest.raises(PermissionDenied):
        act(case, cast.agency_user, cast)

    case.refresh_from_db()
    assert case.status == S.NEW
    assert CaseEvent.objects.filter(case=case).count() == events_before


def test_agency_staff_may_not_reopen(in_a, cast):
    case = _case_in(S.CLOSED, cast)

    with pytest.raises(PermissionDenied):
        services.case_reopen(case=case, actor=cast.agency_user, reason="Muốn mở lại.")


def test_reveal_is_refused_to_agency_staff(in_a, cast):
    case = _new_case(cast)

    with pytest.raises(PermissionDenied):
        services.reporter_reveal(case=case, actor=cast.agency_user, reason="Cần gọi lại.")

    assert not CaseEvent.objects.filter(case=case, action=Action.REVEALED).exists()


def test_reveal_by_an_operator_is_logged_with_the_reason(in_a, cast):
    case = _new_case(cast)

    reporter = services.reporter_reveal(case=case, actor=cast.operator, reason="Cần gọi lại để xác minh địa chỉ.")

    assert reporter.pk == case.reporter_id
    event = CaseEvent.objects.get(case=case, action=Action.REVEALED)
    assert event.actor_id == cast.operator.pk
    assert event.note == "Cần gọi lại để xác minh địa chỉ."


def test_reveal_without_a_reason_is_refused(in_a, cast):
    case = _new_case(cast)

    with pytest.raises(ValidationError) as caught:
        services.reporter_reveal(case=case, actor=cast.operator, reason="   ")

    assert "reason" in _errors(caught.value)
    assert not CaseEvent.objects.filter(case=case, action=Action.REVEALED).exists()


REQUIRED_TEXTS = [
    pytest.param(
        S.IN_PROGRESS, lambda c, x: services.case_answer(case=c, actor=x.agency_user, answer=" "), "answer", id="answer"
    ),
    pytest.param(
        S.FORWARDED, lambda c, x: services.case_return(case=c, actor=x.agency_user, reason=""), "reason", id="return"
    ),
    pytest.param(
        S.NEW, lambda c, x: services.case_close(case=c, actor=x.operator, resolution="\n"), "resolution", id="close"
    ),
    pytest.param(S.NEW, lambda c, x: services.case_reject(case=c, actor=x.operator, reason=""), "reason", id="reject"),
    pytest.param(
        S.CLOSED, lambda c, x: services.case_reopen(case=c, actor=x.operator, reason=" "), "reason", id="reopen"
    ),
    pytest.param(
        S.NEW,
        lambda c, x: services.case_request_info(case=c, actor=x.operator, question=""),
        "question",
        id="request-info",
    ),
    pytest.param(S.NEW, lambda c, x: services.case_note_add(case=c, actor=x.operator, text=""), "text", id="note"),
]


@pytest.mark.parametrize(("state", "act", "field"), REQUIRED_TEXTS)
def test_required_text_left_empty_is_refused(in_a, cast, state, act, field):
    case = _case_in(state, cast)
    events_before = CaseEvent.objects.filter(case=case).count()

    with pytest.raises(ValidationError) as caught:
        act(case, cast)

    assert field in _errors(caught.value)
    case.refresh_from_db()
    assert case.status == state
    assert CaseEvent.objects.filter(case=case).count() == events_before


# --- pauses, reopening, duplicates --------------------------------------------------------------


def test_waiting_on_the_reporter_moves_the_deadlines_by_the_wait(in_a, cast):
    with clock.at(T0):
        case = _new_case(cast)
    assert case.category.sla_policy.calendar.always_open
    before = Case.objects.get(pk=case.pk)

    with clock.at(T0 + timedelta(minutes=30)):
        services.case_request_info(case=case, actor=cast.operator, question="Ở thôn nào?")
    paused = Case.objects.get(pk=case.pk)
    assert paused.paused_at == T0 + timedelta(minutes=30)
    with clock.at(T0 + timedelta(minutes=30) + timedelta(hours=2)):
        services.case_info_received(case=case, text="Thôn 3.")

    after = Case.objects.get(pk=case.pk)
    assert after.status == S.NEW
    assert after.paused_at is None
    assert after.resolution_due_at == before.resolution_due_at + timedelta(hours=2)
    assert after.resolution_risk_at == before.resolution_risk_at + timedelta(hours=2)
    assert after.response_due_at == before.response_due_at + timedelta(hours=2)
    assert after.response_risk_at == before.response_risk_at + timedelta(hours=2)


def test_a_deadline_passed_before_the_wait_stays_passed(in_a, cast):
    with clock.at(T0):
        case = _new_case(cast)
    before = Case.objects.get(pk=case.pk)
    asked_at = before.response_due_at + timedelta(minutes=5)

    with clock.at(asked_at):
        services.case_request_info(case=case, actor=cast.operator, question="Ở thôn nào?")
    with clock.at(asked_at + timedelta(hours=1)):
        services.case_info_received(case=case, text="Thôn 3.")

    after = Case.objects.get(pk=case.pk)
    assert after.response_due_at == before.response_due_at
    assert after.resolution_due_at == before.resolution_due_at + timedelta(hours=1)


@pytest.mark.parametrize("state", [S.NEW, S.FORWARDED, S.IN_PROGRESS])
def test_information_received_returns_the_case_to_the_state_it_waited_in(in_a, cast, state):
    case = _case_in(state, cast)

    services.case_request_info(case=case, actor=cast.operator, question="Xin thêm ảnh chụp.")
    assert Case.objects.get(pk=case.pk).status == S.WAITING_REPORTER
    services.case_info_received(case=case, text="Đã gửi ảnh.")

    case.refresh_from_db()
    assert case.status == state
    resumed = CaseEvent.objects.filter(case=case, action=Action.INFO_RECEIVED).get()
    assert (resumed.old_value, resumed.new_value) == (S.WAITING_REPORTER, state)


def test_request_info_tells_the_reporter(in_a, cast):
    case = _new_case(cast)

    services.case_request_info(case=case, actor=cast.operator, question="Xin thêm ảnh chụp.")

    reply = OutboxMessage.objects.get(case=case, kind=OutboxMessage.Kind.REPLY)
    assert (reply.channel, reply.body) == (case.channel, "Xin thêm ảnh chụp.")


def test_reopen_starts_a_fresh_resolution_clock_and_clears_the_marks(in_a, cast):
    with clock.at(T0):
        case = _new_case(cast)
    with clock.at(T0 + timedelta(hours=1)):
        services.case_close(case=case, actor=cast.operator, resolution="Đã giải đáp.")
    Case.objects.filter(pk=case.pk).update(
        resolution_at_risk_since=T0 + timedelta(hours=4), resolution_breached_since=T0 + timedelta(hours=5)
    )
    reopened_at = T0 + timedelta(days=3)

    with clock.at(reopened_at):
        services.case_reopen(case=case, actor=cast.operator, reason="Chưa xử lý triệt để.")

    case = Case.objects.select_related("category__sla_policy").get(pk=case.pk)
    policy = case.category.sla_policy
    assert case.status == S.NEW
    assert case.resolution_due_at == reopened_at + timedelta(minutes=policy.resolution_minutes)
    assert case.resolution_risk_at == reopened_at + timedelta(
        minutes=policy.resolution_minutes * policy.at_risk_percent / 100
    )
    assert case.resolution_at_risk_since is None
    assert case.resolution_breached_since is None
    assert case.closed_at is None and case.resolved_at is None and case.answered_at is None
    assert not case.is_overdue


def test_reopened_duplicate_is_no_longer_a_duplicate(in_a, cast):
    case = _case_in(S.DUPLICATE, cast)

    services.case_reopen(case=case, actor=cast.operator, reason="Không trùng.")

    case.refresh_from_db()
    assert (case.status, case.duplicate_of_id) == (S.NEW, None)


def test_duplicate_follows_the_chain_to_the_root_original(in_a, cast):
    root, middle, latest = _new_case(cast), _new_case(cast), _new_case(cast)
    services.case_mark_duplicate(case=middle, actor=cast.operator, original=root)
    middle.refresh_from_db()

    services.case_mark_duplicate(case=latest, actor=cast.operator, original=middle)

    latest.refresh_from_db()
    assert latest.status == S.DUPLICATE
    assert latest.duplicate_of_id == root.pk
    assert latest.closed_at is not None
    marked = CaseEvent.objects.get(case=latest, action=Action.DUPLICATE, field="duplicate_of")
    assert marked.new_value == root.tracking_code


def test_a_case_is_not_a_duplicate_of_itself(in_a, cast):
    case = _new_case(cast)

    with pytest.raises(ValidationError) as caught:
        services.case_mark_duplicate(case=case, actor=cast.operator, original=case)

    assert "original" in _errors(caught.value)
    case.refresh_from_db()
    assert case.status == S.NEW
    assert not CaseEvent.objects.filter(case=case, action=Action.DUPLICATE).exists()


def test_a_case_is_not_a_duplicate_of_its_own_duplicate(in_a, cast):
    original, copy = _new_case(cast), _new_case(cast)
    services.case_mark_duplicate(case=copy, actor=cast.operator, original=original)
    copy.refresh_from_db()

    with pytest.raises(ValidationError) as caught:
        services.case_mark_duplicate(case=original, actor=cast.operator, original=copy)

    assert "original" in _errors(caught.value)
    original.refresh_from_db()
    assert original.status == S.NEW


def test_classify_reroutes_a_case_not_yet_forwarded(in_a, cast, ward):
    case = _new_case(cast)
    noise = Category.objects.get(code="tieng-on")

    services.case_classify(case=case, actor=cast.operator, category=noise, ward=ward)

    case = Case.objects.select_related("agency", "category").get(pk=case.pk)
    assert case.category.code == "tieng-on"
    assert case.agency.code == f"X{ward.code:05d}-CA"
    fields = set(CaseEvent.objects.filter(case=case, action=Action.CLASSIFIED).values_list("field", flat=True))
    assert fields == {"category", "ward"}


def test_classify_without_a_change_writes_nothing(in_a, cast):
    case = _new_case(cast)

    services.case_classify(case=case, actor=cast.operator, priority=Priority.NORMAL)

    assert not CaseEvent.objects.filter(case=case, action=Action.CLASSIFIED).exists()


def test_note_to_the_reporter_goes_out_on_the_case_channel(in_a, cast):
    case = _new_case(cast)

    event = services.case_note_add(case=case, actor=cast.agency_user, text="Chúng tôi đang xác minh.", to_reporter=True)

    assert event.action == Action.REPLY
    assert OutboxMessage.objects.filter(case=case, kind=OutboxMessage.Kind.REPLY, channel=case.channel).count() == 1


def test_internal_note_stays_internal(in_a, cast):
    case = _new_case(cast)

    event = services.case_note_add(case=case, actor=cast.operator, text="Đã gọi cho phường.")

    assert event.action == Action.NOTE
    assert not OutboxMessage.objects.filter(case=case, kind=OutboxMessage.Kind.REPLY).exists()


# --- the audit trail is append-only -------------------------------------------------------------


def test_case_events_cannot_be_updated_in_the_database(in_a, cast):
    event = _events(_new_case(cast))[0]

    with pytest.raises(DatabaseError), transaction.atomic():
        CaseEvent.objects.filter(pk=event.pk).update(note="sửa lại")

    assert CaseEvent.objects.get(pk=event.pk).note == ""


def test_case_events_cannot_be_deleted_in_the_database(in_a, cast):
    event = _events(_new_case(cast))[0]

    with pytest.raises(DatabaseError), transaction.atomic():
        CaseEvent.objects.filter(pk=event.pk).delete()

    assert CaseEvent.objects.filter(pk=event.pk).exists()


def test_saving_an_existing_case_event_is_refused(in_a, cast):
    event = _events(_new_case(cast))[0]
    event.note = "sửa lại"

    with pytest.raises(ValidationError):
        event.save()

    assert CaseEvent.objects.get(pk=event.pk).note == ""


def test_phone_normalisation_used_by_intake_matches_codes(in_a):
    # The reporter's stored number is exactly what phone_e164 gives for the input.
    raw = "0912.345.678"
    case = case_intake(
        channel=Channel.VOICE,
        provider_id=f"n-{uuid.uuid4().hex}",
        description="Hỏi thủ tục.",
        reporter=ReporterInput(phone=raw),
    ).case

    assert Reporter.objects.get(pk=case.reporter_id).phone == phone_e164(raw)
