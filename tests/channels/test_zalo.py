"""Zalo Official Account: signed OA events opening or joining cases in the OA's province, and replies
through the OA message API to a fake Zalo server."""

from __future__ import annotations

import hashlib
import json

from django.urls import reverse

import pytest
from django_tenants.utils import tenant_context

from cases.models import Channel
from cases.outbox import SENDERS
from channels.messaging.models import ZaloSettings
from channels.zalo import sender as zalo_sender  # registers the sender with the outbox
from channels.zalo.client import TEXT_MAX
from tests.channels import chat_support as chat
from tests.fakes.zalo_server import MESSAGE_PATH, OUTSIDE_WINDOW, TOKEN_INVALID, fake_zalo_server

# What the tests give Cà Mau's OA (see the fixtures' "about").
APP_ID = "4318869352841930111"
OA_ID = "579745863508352884"
SECRET_KEY = "test-oa-secret-camau-0001"
ACCESS_TOKEN = "zalo-test-oa-access-token-camau-0001"
USER_ID = "8402751936184027365"
URL = "/hooks/zalo/"
REPLY = "Điện lực Cà Mau đã thay bóng đèn đường trên đường Lý Thường Kiệt."


def sign(body: bytes, *, app_id: str | None = None, timestamp: str | None = None, secret: str = SECRET_KEY) -> str:
    """Zalo's mac over the exact bytes sent; app_id and timestamp from the body unless given."""
    try:
        fields = json.loads(body)
    except ValueError:
        fields = {}
    fields = fields if isinstance(fields, dict) else {}
    app_id = str(fields.get("app_id", "")) if app_id is None else app_id
    timestamp = str(fields.get("timestamp", "")) if timestamp is None else timestamp
    return "mac=" + hashlib.sha256(app_id.encode() + body + timestamp.encode() + secret.encode()).hexdigest()


ZALO = chat.ChatProvider(
    channel=Channel.ZALO,
    url=URL,
    fixtures="zalo_webhook.json",
    signature_header="HTTP_X_ZEVENT_SIGNATURE",
    sign=sign,
    message=lambda event: event["message"],
    event_id=lambda event: event["message"]["msg_id"],
    sender_id=USER_ID,
    reply=REPLY,
    fake_server=fake_zalo_server,
    api_setting="ZALO_API_URL",
    sent_text=lambda request: request.json["message"]["text"],
)
payload, post, text_of, event_of = ZALO.payload, ZALO.post, ZALO.text_of, ZALO.event_of


def no_events(province) -> bool:
    return ZALO.events(province) == 0


@pytest.fixture
def camau(province_b):
    """Cà Mau's OA holds the secrets the tests sign with."""
    yield from chat.configured(
        province_b, ZaloSettings, oa_id=OA_ID, app_id=APP_ID, secret_key=SECRET_KEY, access_token=ACCESS_TOKEN
    )


@pytest.fixture
def zalo(settings):
    yield from chat.serving(ZALO, settings)


def test_the_sender_is_registered_with_the_outbox():
    assert SENDERS[Channel.ZALO] is zalo_sender.zalo_send


def test_the_webhook_is_named():
    assert reverse("zalo:webhook") == URL


def test_only_post_is_allowed(camau):
    chat.check_only_post_is_allowed(ZALO)


# --- inbound ------------------------------------------------------------------------------------


def test_a_signed_message_opens_a_case_in_the_oas_province(camau, province_a):
    chat.check_a_message_opens_a_case(ZALO, camau, province_a)


def test_the_signature_is_accepted_without_its_mac_prefix_and_in_capitals(camau):
    body = ZALO.body()
    assert post(body=body, signature=sign(body).removeprefix("mac=").upper()).status_code == 200
    assert event_of(camau).case is not None


def test_a_repeated_delivery_leaves_one_case_and_one_event(camau):
    chat.check_a_repeated_delivery_leaves_one_case(ZALO, camau)


def test_a_second_message_from_the_same_person_joins_the_open_case(camau):
    chat.check_a_follow_up_joins_the_open_case(ZALO, camau)


def test_an_answer_resumes_the_case_waiting_on_the_reporter(camau):
    chat.check_an_answer_resumes_the_waiting_case(ZALO, camau, "Đèn tắt ở đoạn nào của đường?")


def test_a_picture_is_described_by_its_link_and_its_caption(camau):
    assert post("picture").status_code == 200

    description = event_of(camau, "picture").case.description
    attachment = payload("picture")["message"]["attachments"][0]["payload"]
    assert description.startswith(text_of("picture"))
    assert attachment["url"] in description
    assert attachment["thumbnail"] not in description


def test_a_picture_without_a_caption_opens_a_case(camau):
    assert post("picture_only").status_code == 200

    url = payload("picture_only")["message"]["attachments"][0]["payload"]["url"]
    assert url in event_of(camau, "picture_only").case.description


@pytest.mark.parametrize("name", ["follow", "seen", "oa_echo", "other_oa"])
def test_other_events_and_another_oas_messages_are_acknowledged_and_left_out(camau, name):
    assert post(name).status_code == 200
    assert no_events(camau)


@pytest.mark.parametrize(
    "signature",
    ["", "mac=", "mac=" + "0" * 64, "sha256=" + "0" * 64, sign(b"another body"), "mac=ñ"],
)
def test_a_missing_or_wrong_signature_is_refused(camau, signature):
    assert post("text", signature=signature).status_code == 403
    assert no_events(camau)


@pytest.mark.parametrize(
    "signed",
    [
        {"secret": "another-oa-secret"},
        {"timestamp": "1718600000121"},  # replayed with another time
        {"app_id": "1111222233334444555"},
    ],
)
def test_a_signature_over_other_fields_or_with_another_secret_is_refused(camau, signed):
    body = ZALO.body()
    assert post(body=body, signature=sign(body, **signed)).status_code == 403
    assert no_events(camau)


def test_another_apps_event_is_refused_even_when_signed(camau):
    assert post("other_app").status_code == 403
    assert no_events(camau)


@pytest.mark.parametrize("field", ["secret_key", "app_id"])
def test_an_unconfigured_oa_refuses_everything(camau, field):
    with tenant_context(camau):
        ZaloSettings.objects.update(**{field: ""})
    body = ZALO.body()

    assert post(body=body, signature=sign(body, secret="")).status_code == 403
    assert post(body=body).status_code == 403


@pytest.mark.parametrize(
    "name", ["no_sender", "no_msg_id", "message_not_an_object", "attachments_not_a_list", "no_event_name"]
)
def test_a_body_of_the_wrong_shape_is_a_bad_request(camau, name):
    assert post(name).status_code == 400
    assert no_events(camau)


@pytest.mark.parametrize("body", [b"{not json", b"[]", b"\xff\xfe"])
def test_malformed_json_is_a_bad_request(camau, body):
    assert post(body=body).status_code == 400


def test_malformed_json_without_the_secret_is_refused(camau):
    assert post(body=b"{not json", signature="mac=" + "0" * 64).status_code == 403


def test_an_oversized_body_is_refused(camau):
    chat.check_an_oversized_body_is_refused(ZALO, payload("text"))


def test_the_national_host_has_no_zalo_webhook(camau):
    assert post("text", host="localhost").status_code == 404


# --- outbound -----------------------------------------------------------------------------------


def test_the_acknowledgement_and_an_operator_reply_reach_zalo(camau, zalo):
    sent, reply = chat.check_acknowledgement_and_reply_reach_the_fake(ZALO, camau, zalo)

    for request in sent:
        assert request.path == MESSAGE_PATH
        assert request.header("access_token") == ACCESS_TOKEN
        assert request.json["recipient"] == {"user_id": USER_ID}
    assert reply.provider_id.startswith("fake")


def test_a_long_reply_is_cut_to_zalos_limit(camau, zalo):
    chat.check_a_long_reply_is_cut(ZALO, camau, zalo, TEXT_MAX, times=200)


def test_zalo_failing_leaves_the_message_to_retry(camau, zalo):
    chat.check_failing_leaves_the_message_to_retry(ZALO, camau, zalo, ACCESS_TOKEN)


@pytest.mark.parametrize("refusal", [TOKEN_INVALID, OUTSIDE_WINDOW])
def test_an_error_code_in_a_200_answer_is_a_failure(camau, zalo, refusal):
    reply = chat.refused_with(ZALO, camau, zalo, 200, refusal)

    assert reply.status == chat.Retrying
    assert f"error {refusal['error']}" in reply.last_error
    assert refusal["message"] not in reply.last_error


def test_a_200_answer_without_a_message_id_is_a_failure(camau, zalo):
    assert chat.refused_with(ZALO, camau, zalo, 200, {"error": 0, "message": "Success"}).status == chat.Retrying


def test_zalo_unreachable_leaves_the_message_to_retry(camau, settings):
    chat.check_unreachable_leaves_the_message_to_retry(ZALO, camau, settings, ACCESS_TOKEN)


def test_an_unconfigured_oa_leaves_the_message_to_retry(camau, zalo):
    reply = chat.unconfigured_reply(ZALO, camau, zalo, ZaloSettings, access_token="")

    assert "access token" in reply.last_error
