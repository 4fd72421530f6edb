"""What every chat channel shares: messages stored once, threaded into the sender's open case,
replies addressed to the sender's id on the channel, and account secrets never shown back."""

from __future__ import annotations

import uuid

from django.contrib.auth import get_user_model

import pytest
from django_tenants.utils import tenant_context
from wagtail.admin.panels import get_edit_handler

from cases.models import CaseEvent, CaseStatus, Channel, OutboxMessage
from cases.outbox import DeliveryError
from channels.messaging.forms import SecretSettingsForm
from channels.messaging.models import InboundEvent, ViberSettings
from channels.messaging.services import BadPayload, Inbound, message_receive, recipient_on_channel


@pytest.fixture
def in_camau(province_b):
    with tenant_context(province_b):
        yield province_b


@pytest.fixture
def operator_camau(in_camau):
    return get_user_model().objects.get(username="operator.camau")


def inbound(sender: str, text: str = "Đường ngập sâu trước chợ Phường 5.") -> Inbound:
    return Inbound(event_id=f"evt-{uuid.uuid4().hex}", sender_id=sender, sender_name="Trần Văn Bình", text=text)


def test_a_message_opens_a_case_with_the_senders_channel_identity(in_camau):
    message = inbound("viber-user-1")
    event = message_receive(channel=Channel.VIBER, inbound=message, payload={"event": "message"})
    case = event.case
    assert case.channel == Channel.VIBER and case.description == message.text
    assert case.reporter.identities.get(channel=Channel.VIBER).external_id == "viber-user-1"
    assert case.reporter.name == "Trần Văn Bình"


def test_a_repeated_delivery_is_taken_in_once(in_camau):
    message = inbound("viber-user-2")
    first = message_receive(channel=Channel.VIBER, inbound=message, payload={})
    again = message_receive(channel=Channel.VIBER, inbound=message, payload={})
    assert first.pk == again.pk and first.case_id == again.case_id
    assert InboundEvent.objects.filter(channel=Channel.VIBER, event_id=message.event_id).count() == 1


def test_the_next_message_joins_the_open_case_and_an_answer_to_a_question_resumes_it(in_camau, operator_camau):
    from cases.services import case_request_info

    case = message_receive(channel=Channel.ZALO, inbound=inbound("zalo-user-3"), payload={}).case
    joined = message_receive(channel=Channel.ZALO, inbound=inbound("zalo-user-3", "Nước đã lên tới 40 cm."), payload={})
    assert joined.case_id == case.pk
    assert case.events.filter(action=CaseEvent.Action.RECEIVED_AGAIN).exists()
    case_request_info(case=case, actor=operator_camau, question="Xin cho biết số nhà cụ thể?")
    answered = message_receive(
        channel=Channel.ZALO, inbound=inbound("zalo-user-3", "Số 12 đường Lý Văn Lâm."), payload={}
    )
    assert answered.case_id == case.pk
    case.refresh_from_db()
    assert case.status != CaseStatus.WAITING_REPORTER


def test_the_same_id_on_another_channel_is_another_person(in_camau):
    zalo = message_receive(channel=Channel.ZALO, inbound=inbound("same-id"), payload={}).case
    viber = message_receive(channel=Channel.VIBER, inbound=inbound("same-id"), payload={}).case
    assert zalo.pk != viber.pk


def test_a_message_without_an_id_or_a_sender_is_malformed(in_camau):
    with pytest.raises(BadPayload):
        message_receive(channel=Channel.VIBER, inbound=Inbound(event_id="", sender_id="x", text="a"), payload={})


def test_a_reply_goes_to_the_senders_id_on_the_channel(in_camau):
    case = message_receive(channel=Channel.VIBER, inbound=inbound("viber-user-4"), payload={}).case
    reply = OutboxMessage(kind="reply", channel=Channel.VIBER, case=case, body="Đã chuyển UBND phường.")
    assert recipient_on_channel(reply) == "viber-user-4"
    elsewhere = OutboxMessage(kind="reply", channel=Channel.ZALO, case=case, body="…")
    with pytest.raises(DeliveryError):
        recipient_on_channel(elsewhere)


def test_secrets_are_never_shown_back_and_a_blank_field_keeps_them(in_camau):
    settings = ViberSettings.load()
    settings.auth_token = "viber-secret-token-0001"
    settings.save()
    form_class = get_edit_handler(ViberSettings).get_form_class()
    assert issubclass(form_class, SecretSettingsForm)
    form = form_class(instance=settings)
    assert "viber-secret-token-0001" not in str(form["auth_token"])
    data = {"bot_name": "Tổng đài 1022 Cà Mau", "auth_token": "", "greeting": "Xin chào"}
    kept = form_class(data, instance=settings)
    assert kept.is_valid(), kept.errors
    assert kept.save().auth_token == "viber-secret-token-0001"
    changed = form_class({**data, "auth_token": "new-token"}, instance=ViberSettings.load())
    assert changed.is_valid() and changed.save().auth_token == "new-token"
