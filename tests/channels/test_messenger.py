"""Facebook Messenger: the webhook set-up check, signed page events opening or joining cases in the page's
province, and replies through the Send API to a fake Graph server."""

from __future__ import annotations

import hashlib
import hmac
import json

from django.test import Client

import pytest
from django_tenants.utils import tenant_context

from cases.models import Channel, OutboxMessage
from cases.outbox import SENDERS
from channels.messaging.models import MessengerSettings
from channels.messenger import sender as messenger_sender  # registers the sender with the outbox
from channels.messenger.client import TEXT_MAX
from tests.channels import chat_support as chat
from tests.fakes.messenger_server import OUTSIDE_WINDOW, fake_graph_server

# What the tests give Cà Mau's page (see the fixtures' "about").
APP_SECRET = "test-app-secret-camau-0001"
VERIFY_TOKEN = "camau-1022-verify"
PAGE_TOKEN = "EAAtestpagetokencamau0001"
PAGE_ID = "104857392018465"
PSID = "6723401859201734"
URL = "/hooks/messenger/"
REPLY = "Công ty Cấp thoát nước Cà Mau đã cử đội đến khơi thông cống trên đường Phan Ngọc Hiển."


def sign(body: bytes, secret: str = APP_SECRET) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def first_message(event: dict) -> dict:
    return event["entry"][0]["messaging"][0]["message"]


MESSENGER = chat.ChatProvider(
    channel=Channel.MESSENGER,
    url=URL,
    fixtures="messenger_webhook.json",
    signature_header="HTTP_X_HUB_SIGNATURE_256",
    sign=sign,
    message=first_message,
    event_id=lambda event: first_message(event)["mid"],
    sender_id=PSID,
    reply=REPLY,
    fake_server=fake_graph_server,
    api_setting="FACEBOOK_GRAPH_URL",
    sent_text=lambda request: request.json["message"]["text"],
)
payload, post, event_of = MESSENGER.payload, MESSENGER.post, MESSENGER.event_of


def no_events(province) -> bool:
    return MESSENGER.events(province) == 0


@pytest.fixture
def camau(province_b):
    """Cà Mau's Facebook page holds the secrets the tests sign with."""
    yield from chat.configured(
        province_b,
        MessengerSettings,
        page_id=PAGE_ID,
        verify_token=VERIFY_TOKEN,
        app_secret=APP_SECRET,
        page_access_token=PAGE_TOKEN,
    )


@pytest.fixture
def graph(settings):
    yield from chat.serving(MESSENGER, settings)


def test_the_sender_is_registered_with_the_outbox():
    assert SENDERS[Channel.MESSENGER] is messenger_sender.messenger_send


# --- webhook set-up -----------------------------------------------------------------------------


def verify(host=chat.HOST, **params):
    query = {"hub.mode": "subscribe", "hub.verify_token": VERIFY_TOKEN, "hub.challenge": "1158201444", **params}
    return Client(HTTP_HOST=host).get(URL, query)


def test_facebooks_set_up_check_gets_its_challenge_back(camau):
    response = verify()

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    assert response.content == b"1158201444"


@pytest.mark.parametrize(
    "params", [{"hub.verify_token": "wrong"}, {"hub.verify_token": ""}, {"hub.mode": "unsubscribe"}]
)
def test_a_wrong_verify_token_or_mode_is_refused(camau, params):
    assert verify(**params).status_code == 403


def test_no_verify_token_set_refuses_every_check(camau):
    with tenant_context(camau):
        MessengerSettings.objects.update(verify_token="")

    assert verify(**{"hub.verify_token": ""}).status_code == 403


def test_other_methods_are_not_allowed(camau):
    chat.check_only_post_is_allowed(MESSENGER, method="put", allow="GET, POST")


# --- inbound ------------------------------------------------------------------------------------


def test_a_signed_message_opens_a_case_in_the_pages_province(camau, province_a):
    chat.check_a_message_opens_a_case(MESSENGER, camau, province_a)


def test_a_repeated_delivery_leaves_one_case_and_one_event(camau):
    chat.check_a_repeated_delivery_leaves_one_case(MESSENGER, camau)


def test_a_second_message_from_the_same_person_joins_the_open_case(camau):
    chat.check_a_follow_up_joins_the_open_case(MESSENGER, camau)


def test_an_answer_resumes_the_case_waiting_on_the_reporter(camau):
    chat.check_an_answer_resumes_the_waiting_case(MESSENGER, camau, "Đoạn đường nghẹt ở gần số nhà nào?")


def test_a_picture_is_described_by_its_link_and_a_sticker_is_left_out(camau):
    assert post("picture").status_code == 200

    attachments = first_message(payload("picture"))["attachments"]
    description = event_of(camau, "picture").case.description
    assert attachments[0]["payload"]["url"] in description
    assert attachments[1]["payload"]["url"] not in description


def test_echoes_deliveries_and_reads_are_ignored(camau):
    assert post("echo_and_receipts").status_code == 200
    assert no_events(camau)


def test_another_pages_message_is_not_taken_in(camau):
    assert post("other_page").status_code == 200
    assert no_events(camau)


@pytest.mark.parametrize("signature", ["", "sha256=" + "0" * 64, "sha1=abc", sign(b"another body")])
def test_a_missing_or_wrong_signature_is_refused(camau, signature):
    assert post("text", signature=signature).status_code == 403
    assert no_events(camau)


def test_a_body_signed_with_another_secret_is_refused(camau):
    body = MESSENGER.body()
    assert post(body=body, signature=sign(body, "another-app-secret")).status_code == 403


def test_an_unconfigured_page_refuses_everything(camau):
    with tenant_context(camau):
        MessengerSettings.objects.update(app_secret="")
    body = MESSENGER.body()

    assert post(body=body, signature=sign(body, "")).status_code == 403


@pytest.mark.parametrize("name", ["instagram", "no_sender", "entry_not_a_list"])
def test_a_body_of_the_wrong_shape_is_a_bad_request(camau, name):
    assert post(name).status_code == 400
    assert no_events(camau)


NOT_A_MESSAGE = json.dumps({"object": "page", "entry": [{"id": PAGE_ID, "messaging": [{"message": 1}]}]}).encode()


@pytest.mark.parametrize("body", [b"{not json", b"[]", NOT_A_MESSAGE])
def test_malformed_json_is_a_bad_request(camau, body):
    assert post(body=body).status_code == 400


def test_an_oversized_body_is_refused(camau):
    chat.check_an_oversized_body_is_refused(MESSENGER, {"object": "page", "entry": []})


def test_the_national_host_has_no_messenger_webhook(camau):
    assert post("text", host="localhost").status_code == 404
    assert verify(host="localhost").status_code == 404


# --- outbound -----------------------------------------------------------------------------------


def test_the_acknowledgement_and_an_operator_reply_reach_facebook(camau, graph):
    sent, reply = chat.check_acknowledgement_and_reply_reach_the_fake(MESSENGER, camau, graph)

    for request in sent:
        assert request.path == f"/v21.0/{PAGE_ID}/messages"
        assert request.header("Authorization") == f"Bearer {PAGE_TOKEN}"
        assert "access_token" not in request.query
        assert request.json["recipient"] == {"id": PSID}
        assert request.json["messaging_type"] == "RESPONSE"
        assert "tag" not in request.json
    assert reply.provider_id.startswith("m_fake")


def test_a_long_reply_is_cut_to_facebooks_limit(camau, graph):
    chat.check_a_long_reply_is_cut(MESSENGER, camau, graph, TEXT_MAX, times=200)


def test_without_a_page_id_the_reply_goes_through_me(camau, graph):
    reply = chat.reported_and_replied(MESSENGER, camau)
    with tenant_context(camau):
        MessengerSettings.objects.update(page_id="")

    assert chat.deliver(camau, reply).status == chat.Sent
    assert graph.sent()[0].path == "/v21.0/me/messages"


def test_facebook_failing_leaves_the_message_to_retry(camau, graph):
    chat.check_failing_leaves_the_message_to_retry(MESSENGER, camau, graph, PAGE_TOKEN)


def test_an_error_in_a_200_answer_is_a_failure(camau, graph):
    assert chat.refused_with(MESSENGER, camau, graph, 200).status == chat.Retrying


def test_facebook_unreachable_leaves_the_message_to_retry(camau, settings):
    chat.check_unreachable_leaves_the_message_to_retry(MESSENGER, camau, settings, PAGE_TOKEN)


def test_an_operators_reply_past_the_24_hour_window_is_sent_as_a_human_agent(camau, graph):
    assert chat.refused_with(MESSENGER, camau, graph, 400, OUTSIDE_WINDOW).status == chat.Sent

    plain, tagged = graph.sent()
    assert plain.json["messaging_type"] == "RESPONSE"
    assert (tagged.json["messaging_type"], tagged.json["tag"]) == ("MESSAGE_TAG", "HUMAN_AGENT")
    assert tagged.json["message"]["text"] == REPLY


def test_an_automatic_message_past_the_window_is_not_tagged(camau, graph):
    post("text")
    acknowledgement = chat.acknowledgement_of(camau, event_of(camau).case)
    graph.fail(1, status=400, body=OUTSIDE_WINDOW)

    acknowledgement = chat.deliver(camau, acknowledgement)

    assert acknowledgement.status == OutboxMessage.Status.RETRYING
    assert "2018278" in acknowledgement.last_error
    assert len(graph.sent()) == 1


def test_an_unconfigured_page_leaves_the_message_to_retry(camau, graph):
    chat.unconfigured_reply(MESSENGER, camau, graph, MessengerSettings, page_access_token="")
