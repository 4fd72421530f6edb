"""SMS through Twilio: signed webhooks open or join cases, replies go out through the outbox to a fake
Twilio server, and delivery receipts are recorded, only ever moving forward."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlsplit

from django.contrib.auth import get_user_model
from django.test import Client

import pytest
from django_tenants.utils import tenant_context

from cases import clock, rules
from cases.models import Case, CaseEvent, CaseStatus, Channel, OutboxMessage
from cases.outbox import outbox_deliver_one
from cases.services import (
    IllegalTransition,
    ReporterInput,
    case_close,
    case_follow_up,
    case_intake,
    case_note_add,
    case_request_info,
)
from channels.sms.models import SmsMessage
from channels.voice.models import VoiceSettings
from tests.fakes.twilio_server import fake_twilio_server

FIXTURES = Path(__file__).parent / "fixtures"
# What the stored fixtures are signed with (see their "about").
TOKEN = "test-auth-token-camau-0001"
ACCOUNT_SID = "AC0a1b2c3d4e5f60718293a4b5c6d7e8f9"
HOTLINE = "+842901022"
SENDER = "+84852900001"
STATUS_URL = "http://camau.localhost/hooks/twilio/sms/status/"
REPLY = "Công ty thoát nước đã cử đội đến khơi thông cống trên đường Lý Thường Kiệt."

Action = CaseEvent.Action


def payload(name: str, *, file: str = "sms_incoming") -> dict:
    return json.loads((FIXTURES / f"{file}.json").read_text(encoding="utf-8"))[name]


def post(name: str, *, file: str = "sms_incoming", signature: str | None = None, **changes):
    """Post a stored request to the URL it was signed for, as Twilio would."""
    stored = payload(name, file=file)
    url = urlsplit(stored["url"])
    signature = stored["signature"] if signature is None else signature
    headers = {"HTTP_X_TWILIO_SIGNATURE": signature} if signature else {}
    return Client(HTTP_HOST=url.hostname).post(url.path, {**stored["params"], **changes}, **headers)


def sid_of(name: str, *, file: str = "sms_incoming") -> str:
    return payload(name, file=file)["params"]["MessageSid"]


@pytest.fixture
def camau(province_b):
    """Cà Mau's phone line holds the Twilio account the fixtures are signed for."""
    rules.rules_clear()
    with tenant_context(province_b):
        line = VoiceSettings.load()
        line.account_sid, line.auth_token, line.caller_id = ACCOUNT_SID, TOKEN, ""
        line.save()
    yield province_b
    rules.rules_clear()


@pytest.fixture
def fake_twilio(settings):
    with fake_twilio_server() as fake:
        settings.TWILIO_API_URL = fake.url
        # Status callbacks name the province's host as the tests' client requests it.
        settings.PUBLIC_SCHEME, settings.PUBLIC_PORT = "http", ""
        yield fake


def inbound(province, name: str) -> SmsMessage:
    with tenant_context(province):
        return SmsMessage.objects.select_related("case__reporter").get(message_sid=sid_of(name))


def operator(province):
    return get_user_model().objects.get(username=f"operator.{province.slug}")


def reply_to_reporter(province, case: Case, text: str = REPLY) -> OutboxMessage:
    with tenant_context(province):
        case_note_add(case=case, actor=operator(province), text=text, to_reporter=True)
        return OutboxMessage.objects.get(case=case, kind=OutboxMessage.Kind.REPLY)


def deliver(province, message: OutboxMessage) -> OutboxMessage:
    with tenant_context(province):
        outbox_deliver_one(message.pk)
        message.refresh_from_db()
    return message


# --- inbound ------------------------------------------------------------------------------------


def test_a_message_to_the_hotline_number_opens_a_case_in_its_province(camau, province_a):
    response = post("national")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/xml")
    assert response.content.decode().endswith("<Response />")
    sms = inbound(camau, "national")
    assert sms.direction == SmsMessage.Direction.INBOUND
    assert (sms.status, sms.from_number, sms.to_number) == ("received", SENDER, HOTLINE)
    case = sms.case
    assert (case.channel, case.provider_id, case.status) == (Channel.SMS, sms.message_sid, CaseStatus.NEW)
    assert case.reporter.phone == SENDER
    assert case.description == payload("national")["params"]["Body"]
    with tenant_context(camau):
        acknowledgement = OutboxMessage.objects.get(case=case, kind=OutboxMessage.Kind.ACKNOWLEDGEMENT)
    assert acknowledgement.channel == Channel.SMS
    with tenant_context(province_a):
        assert not SmsMessage.objects.filter(message_sid=sms.message_sid).exists()


def test_the_same_hook_works_on_the_province_host(camau):
    assert post("province_host").status_code == 200

    sms = inbound(camau, "province_host")
    assert sms.case.channel == Channel.SMS
    assert sms.case.reporter.phone == "+84852900002"


def test_a_retried_delivery_creates_nothing_twice_and_answers_the_same(camau):
    first, again = post("national"), post("national")

    assert (again.status_code, again.content) == (first.status_code, first.content)
    sid = sid_of("national")
    with tenant_context(camau):
        assert SmsMessage.objects.filter(message_sid=sid).count() == 1
        assert Case.objects.filter(channel=Channel.SMS, provider_id=sid).count() == 1
        case = Case.objects.get(provider_id=sid)
        assert case.events.filter(action=Action.RECEIVED_AGAIN).count() == 0
        assert case.outbox_messages.count() == 1


def test_a_second_message_from_the_same_number_joins_the_open_case(camau):
    post("national")
    assert post("follow_up").status_code == 200
    post("follow_up")  # Twilio retrying the second message adds nothing either

    case = inbound(camau, "national").case
    assert inbound(camau, "follow_up").case == case
    with tenant_context(camau):
        case.refresh_from_db()
        assert case.status == CaseStatus.NEW
        assert Case.objects.filter(reporter=case.reporter).count() == 1
        again = case.events.filter(action=Action.RECEIVED_AGAIN)
        assert [event.note for event in again] == [payload("follow_up")["params"]["Body"]]
        # No second acknowledgement: the reporter already has the tracking code.
        assert case.outbox_messages.count() == 1


def test_an_answer_to_a_question_resumes_the_case_waiting_on_the_reporter(camau):
    post("national")
    case = inbound(camau, "national").case
    with tenant_context(camau):
        case_request_info(case=case, actor=operator(camau), question="Đoạn đường ngập ở gần số nhà nào?")

    post("follow_up")

    with tenant_context(camau):
        case.refresh_from_db()
        assert case.status == CaseStatus.NEW
        assert case.paused_at is None
        received = case.events.get(action=Action.INFO_RECEIVED)
        assert received.note == payload("follow_up")["params"]["Body"]
        assert not case.events.filter(action=Action.RECEIVED_AGAIN).exists()
    assert inbound(camau, "follow_up").case == case


def test_a_message_after_the_case_is_closed_opens_a_new_one(camau):
    post("national")
    first = inbound(camau, "national").case
    with tenant_context(camau):
        case_close(case=first, actor=operator(camau), resolution="Đã xử lý.", notify_reporter=False)

    post("follow_up")

    second = inbound(camau, "follow_up").case
    assert second != first
    assert second.reporter == first.reporter


def test_a_picture_without_text_is_described_with_its_links(camau):
    assert post("picture").status_code == 200

    sms = inbound(camau, "picture")
    links = [payload("picture")["params"][f"MediaUrl{i}"] for i in range(2)]
    assert sms.media_urls == links
    assert all(link in sms.case.description for link in links)


@pytest.mark.parametrize("signature", ["", "bm90IGEgc2lnbmF0dXJl"])
def test_a_missing_or_wrong_signature_is_refused(camau, signature):
    assert post("national", signature=signature).status_code == 403
    with tenant_context(camau):
        assert not SmsMessage.objects.filter(message_sid=sid_of("national")).exists()


def test_a_request_signed_with_another_accounts_token_is_refused(camau):
    assert post("wrong_token").status_code == 403


def test_a_tampered_message_breaks_the_signature(camau):
    assert post("national", Body="Nội dung bị sửa.").status_code == 403


def test_a_message_without_message_sid_is_a_bad_request(camau):
    assert post("no_sid").status_code == 400
    with tenant_context(camau):
        assert not SmsMessage.objects.filter(from_number="+84852900004").exists()


def test_a_number_no_province_owns_gets_404(camau):
    assert post("unknown_number").status_code == 404


def test_only_post_is_accepted(camau):
    assert Client(HTTP_HOST="camau.localhost").get("/hooks/twilio/sms/").status_code == 405


def test_a_follow_up_on_a_finished_case_is_refused(camau):
    with tenant_context(camau):
        case = case_intake(channel=Channel.SMS, provider_id="SMfinished", description="Hỏi thủ tục.").case
        case_close(case=case, actor=operator(camau), resolution="Đã trả lời.", notify_reporter=False)
        with pytest.raises(IllegalTransition):
            case_follow_up(case=case, text="Còn nữa.", channel=Channel.SMS, provider_id="SMlater")


# --- outbound -----------------------------------------------------------------------------------


def test_the_acknowledgement_and_an_operator_reply_reach_twilio(camau, fake_twilio):
    post("national")
    case = inbound(camau, "national").case
    with tenant_context(camau):
        acknowledgement = OutboxMessage.objects.get(case=case, kind=OutboxMessage.Kind.ACKNOWLEDGEMENT)
    reply = reply_to_reporter(camau, case)

    for message in (acknowledgement, reply):
        assert deliver(camau, message).status == OutboxMessage.Status.SENT

    sent = fake_twilio.of("messages")
    assert [request.form["Body"] for request in sent] == [acknowledgement.body, REPLY]
    assert case.display_code in sent[0].form["Body"]
    for request in sent:
        assert request.path == f"/2010-04-01/Accounts/{ACCOUNT_SID}/Messages.json"
        assert request.username == ACCOUNT_SID
        assert (request.form["To"], request.form["From"]) == (SENDER, HOTLINE)
        assert request.form["StatusCallback"] == STATUS_URL
    with tenant_context(camau):
        reply.refresh_from_db()
        sms = SmsMessage.objects.get(outbox_message=reply)
    assert sms.message_sid == reply.provider_id
    assert (sms.direction, sms.status, sms.case_id) == (SmsMessage.Direction.OUTBOUND, "queued", case.pk)
    assert (sms.to_number, sms.from_number, sms.body) == (SENDER, HOTLINE, REPLY)


def test_a_caller_is_answered_by_sms_from_the_numbers_caller_id(camau, fake_twilio):
    with tenant_context(camau):
        VoiceSettings.objects.update(caller_id="+842903999999")
        case = case_intake(
            channel=Channel.VOICE,
            provider_id="CAcaller",
            reporter=ReporterInput(phone="0852900004"),
            description="Gọi hỏi lịch cắt điện.",
        ).case
    reply = reply_to_reporter(camau, case, "Lịch cắt điện đã đăng trên trang của Điện lực Cà Mau.")

    assert deliver(camau, reply).status == OutboxMessage.Status.SENT

    (request,) = fake_twilio.of("messages")
    assert (request.form["To"], request.form["From"]) == ("+84852900004", "+842903999999")


def test_twilio_failing_leaves_the_message_to_retry(camau, fake_twilio):
    post("national")
    reply = reply_to_reporter(camau, inbound(camau, "national").case)
    fake_twilio.fail_next = 1

    reply = deliver(camau, reply)

    assert reply.status == OutboxMessage.Status.RETRYING
    assert "503" in reply.last_error
    assert SENDER not in reply.last_error
    with tenant_context(camau):
        assert not SmsMessage.objects.filter(direction=SmsMessage.Direction.OUTBOUND).exists()
        OutboxMessage.objects.filter(pk=reply.pk).update(next_attempt_at=clock.now())
    assert deliver(camau, reply).status == OutboxMessage.Status.SENT


def test_an_unconfigured_account_leaves_the_message_to_retry(camau, fake_twilio):
    post("national")
    reply = reply_to_reporter(camau, inbound(camau, "national").case)
    with tenant_context(camau):
        VoiceSettings.objects.update(account_sid="")

    assert deliver(camau, reply).status == OutboxMessage.Status.RETRYING
    assert fake_twilio.of("messages") == []


# --- delivery receipts --------------------------------------------------------------------------


def sent_reply(province, fake) -> SmsMessage:
    post("national")
    reply = deliver(province, reply_to_reporter(province, inbound(province, "national").case))
    assert reply.provider_id == sid_of("delivered", file="sms_status")  # the fake's first message
    with tenant_context(province):
        return SmsMessage.objects.get(message_sid=reply.provider_id)


def test_a_delivery_receipt_is_recorded_and_a_late_or_replayed_one_changes_nothing(camau, fake_twilio):
    sms = sent_reply(camau, fake_twilio)

    assert post("delivered", file="sms_status").status_code == 204
    for late in ("sent", "delivered", "undelivered_national"):
        assert post(late, file="sms_status").status_code == 204

    with tenant_context(camau):
        sms.refresh_from_db()
    assert (sms.status, sms.error_code) == ("delivered", "")


def test_a_failed_delivery_is_recorded_with_its_error_code_from_the_national_host(camau, fake_twilio):
    sms = sent_reply(camau, fake_twilio)

    assert post("undelivered_national", file="sms_status").status_code == 204

    with tenant_context(camau):
        sms.refresh_from_db()
    assert (sms.status, sms.error_code) == ("undelivered", "30003")


def test_a_receipt_before_the_message_is_stored_is_kept_and_completed(camau, fake_twilio):
    assert post("delivered", file="sms_status").status_code == 204

    sms = sent_reply(camau, fake_twilio)

    assert sms.status == "delivered"
    assert sms.outbox_message_id is not None
    assert sms.body == REPLY


def test_a_receipt_needs_a_signature(camau):
    assert post("delivered", file="sms_status", signature="").status_code == 403
    with tenant_context(camau):
        assert not SmsMessage.objects.filter(message_sid=sid_of("delivered", file="sms_status")).exists()
