"""Viber: signed bot callbacks opening or joining cases in the bot's province, the greeting of a new
conversation, and replies through send_message to a fake Viber server."""

from __future__ import annotations

import hashlib
import hmac
import json

from django.urls import reverse

import pytest
from django_tenants.utils import tenant_context

from cases.models import Case, Channel
from cases.outbox import SENDERS
from channels.messaging.models import ViberSettings
from channels.viber import sender as viber_sender  # registers the sender with the outbox
from channels.viber.client import TEXT_MAX
from tests.channels import chat_support as chat
from tests.fakes.viber_server import RECEIVER_NOT_SUBSCRIBED, fake_viber_server

# What the tests give Cà Mau's bot (see the fixtures' "about").
AUTH_TOKEN = "4b3c9e1a7f2d6e08-camau1022viberbot0001"
BOT_NAME = "Tổng đài 1022 Cà Mau"
GREETING = "Xin chào! Tổng đài 1022 Cà Mau xin nghe phản ánh của quý vị."
VIBER_ID = "nDqaUNvvL2eNN+Dk0lqsWQ=="
URL = "/hooks/viber/"
REPLY = "Điện lực Cà Mau đã sửa xong đèn đường trên đường Nguyễn Tất Thành."


def sign(body: bytes, token: str = AUTH_TOKEN) -> str:
    return hmac.new(token.encode(), body, hashlib.sha256).hexdigest()


VIBER = chat.ChatProvider(
    channel=Channel.VIBER,
    url=URL,
    fixtures="viber_webhook.json",
    signature_header="HTTP_X_VIBER_CONTENT_SIGNATURE",
    sign=sign,
    message=lambda event: event["message"],
    event_id=lambda event: str(event["message_token"]),
    sender_id=VIBER_ID,
    reply=REPLY,
    fake_server=fake_viber_server,
    api_setting="VIBER_API_URL",
    sent_text=lambda request: request.json["text"],
)
payload, post, text_of, event_of = VIBER.payload, VIBER.post, VIBER.text_of, VIBER.event_of
viber_events = VIBER.events


@pytest.fixture
def camau(province_b):
    """Cà Mau's Viber bot holds the token the tests sign with."""
    yield from chat.configured(province_b, ViberSettings, bot_name=BOT_NAME, auth_token=AUTH_TOKEN, greeting=GREETING)


@pytest.fixture
def viber(settings):
    yield from chat.serving(VIBER, settings)


def test_the_sender_is_registered_with_the_outbox():
    assert SENDERS[Channel.VIBER] is viber_sender.viber_send


def test_the_webhook_is_named():
    assert reverse("viber:webhook") == URL


# --- callbacks without a report -------------------------------------------------------------------


def test_vibers_set_up_check_is_answered(camau):
    assert post("webhook").status_code == 200
    assert viber_events(camau) == 0


def test_a_new_conversation_is_greeted_in_the_answer(camau):
    response = post("conversation_started")

    assert response.status_code == 200
    assert response.json() == {"sender": {"name": BOT_NAME}, "type": "text", "text": GREETING}
    assert viber_events(camau) == 0


def test_without_a_greeting_a_new_conversation_gets_a_plain_answer(camau):
    with tenant_context(camau):
        ViberSettings.objects.update(greeting=" ")

    response = post("conversation_started")

    assert response.status_code == 200
    assert "text" not in response.json()


@pytest.mark.parametrize("name", ["subscribed", "unsubscribed", "delivered", "seen", "failed"])
def test_subscriptions_and_receipts_are_ignored(camau, name):
    response = post(name)

    assert response.status_code == 200
    assert "text" not in response.json()
    assert viber_events(camau) == 0


def test_an_event_viber_adds_later_is_ignored(camau):
    assert post(body=json.dumps({"event": "client_status", "timestamp": 1718600000000}).encode()).status_code == 200


# --- inbound messages -----------------------------------------------------------------------------


def test_a_signed_message_opens_a_case_in_the_bots_province(camau, province_a):
    event = chat.check_a_message_opens_a_case(VIBER, camau, province_a)

    assert event.payload["message_token"] == payload("text")["message_token"]
    assert event.case.reporter.name == "Trần Thị Mai"


def test_a_repeated_delivery_leaves_one_case_and_one_event(camau):
    chat.check_a_repeated_delivery_leaves_one_case(VIBER, camau)


def test_a_second_message_from_the_same_person_joins_the_open_case(camau):
    chat.check_a_follow_up_joins_the_open_case(VIBER, camau)


def test_an_answer_resumes_the_case_waiting_on_the_reporter(camau):
    chat.check_an_answer_resumes_the_waiting_case(VIBER, camau, "Đèn tắt ở đoạn nào của đường?")


def test_a_picture_is_described_by_its_caption_and_link(camau):
    assert post("picture").status_code == 200

    description = event_of(camau, "picture").case.description
    assert description.startswith(text_of("picture"))
    assert payload("picture")["message"]["media"] in description
    assert payload("picture")["message"]["thumbnail"] not in description


def test_a_sticker_is_stored_but_reports_nothing(camau):
    assert post("sticker").status_code == 200

    event = event_of(camau, "sticker")
    assert event.case is None
    with tenant_context(camau):
        sender_id = payload("sticker")["sender"]["id"]
        assert not Case.objects.filter(reporter__identities__external_id=sender_id).exists()


@pytest.mark.parametrize("signature", ["", "0" * 64, "sha256=" + sign(b"x"), sign(b"another body")])
def test_a_missing_or_wrong_signature_is_refused(camau, signature):
    assert post("text", signature=signature).status_code == 403
    assert viber_events(camau) == 0


def test_a_body_signed_with_another_token_is_refused(camau):
    body = VIBER.body()
    assert post(body=body, signature=sign(body, "another-bot-token")).status_code == 403


def test_an_unconfigured_bot_refuses_everything(camau):
    with tenant_context(camau):
        ViberSettings.objects.update(auth_token="")
    body = VIBER.body("webhook")

    assert post(body=body, signature=sign(body, "")).status_code == 403


def test_the_signature_is_checked_against_the_exact_bytes(camau):
    body = VIBER.body(ensure_ascii=False, indent=2)
    assert post(body=body, signature=sign(body).upper()).status_code == 200
    assert event_of(camau).case is not None


@pytest.mark.parametrize("name", ["no_sender", "no_token", "message_not_an_object", "no_event"])
def test_a_body_of_the_wrong_shape_is_a_bad_request(camau, name):
    assert post(name).status_code == 400
    assert viber_events(camau) == 0


@pytest.mark.parametrize("body", [b"{not json", b"[]", b'"message"', json.dumps({"event": 5}).encode()])
def test_malformed_json_is_a_bad_request(camau, body):
    assert post(body=body).status_code == 400


def test_an_oversized_body_is_refused(camau):
    chat.check_an_oversized_body_is_refused(VIBER, {"event": "message"})


def test_the_national_host_has_no_viber_webhook(camau):
    assert post("text", host="localhost").status_code == 404


def test_only_post_is_allowed(camau):
    chat.check_only_post_is_allowed(VIBER)


# --- outbound -------------------------------------------------------------------------------------


def test_the_acknowledgement_and_an_operator_reply_reach_viber(camau, viber):
    sent, reply = chat.check_acknowledgement_and_reply_reach_the_fake(VIBER, camau, viber)

    for request in sent:
        assert request.header("X-Viber-Auth-Token") == AUTH_TOKEN
        assert request.json == {
            "receiver": VIBER_ID,
            "min_api_version": 1,
            "sender": {"name": BOT_NAME},
            "type": "text",
            "text": request.json["text"],
        }
    assert reply.provider_id.isdigit()


def test_a_long_reply_is_cut_to_vibers_limit(camau, viber):
    chat.check_a_long_reply_is_cut(VIBER, camau, viber, TEXT_MAX, times=500)


def test_viber_failing_leaves_the_message_to_retry(camau, viber):
    chat.check_failing_leaves_the_message_to_retry(VIBER, camau, viber, AUTH_TOKEN)


def test_a_status_code_in_a_200_answer_is_a_failure(camau, viber):
    reply = chat.refused_with(VIBER, camau, viber, 200, RECEIVER_NOT_SUBSCRIBED)

    assert reply.status == chat.Retrying
    assert "status 6" in reply.last_error and "receiverNotSubscribed" not in reply.last_error


def test_viber_unreachable_leaves_the_message_to_retry(camau, settings):
    chat.check_unreachable_leaves_the_message_to_retry(VIBER, camau, settings, AUTH_TOKEN)


def test_an_unconfigured_bot_leaves_the_message_to_retry(camau, viber):
    chat.unconfigured_reply(VIBER, camau, viber, ViberSettings, auth_token="")
