"""The app API: installations register, report, follow their own cases and talk to the hotline;
operator replies are pushed through a fake FCM server."""

from __future__ import annotations

import base64
import json
import logging
import re
import socket
import uuid
from types import SimpleNamespace

from django.contrib.staticfiles import finders
from django.core.cache import cache
from django.test import Client

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from django_tenants.utils import tenant_context
from drf_spectacular.validation import validate_schema

from cases.models import Case, CaseEvent, CaseStatus, Channel, OutboxMessage
from cases.outbox import outbox_deliver_one
from cases.services import case_close, case_note_add, case_request_info
from channels.app.firebase import SCOPE, service_account_parse
from channels.app.models import AppDevice, AppSettings
from channels.messaging.models import InboundEvent
from tenants.demo import DEMO_PASSWORD
from tests.channels import chat_support as chat
from tests.conftest import host_of
from tests.fakes.json_server import FakeJsonServer, route, serving

HOST, OTHER_HOST = "camau.localhost", "binhduong.localhost"
PROJECT_ID = "tongdai1022-camau"
CLIENT_EMAIL = f"fcm-sender@{PROJECT_ID}.iam.gserviceaccount.com"
JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer"
# Google's token endpoint is the assertion's audience whatever the key's token_uri (google-auth does so).
GOOGLE_TOKEN_AUDIENCE = "https://oauth2.googleapis.com/token"
SETTINGS_URL = "/admin/settings/channel_app/appsettings/"


def register(host=HOST, push_token="fcm-registration-token-1") -> str:
    response = Client(HTTP_HOST=host).post(
        "/api/v1/devices/",
        {"platform": "android", "app_version": "1.4.0", "push_token": push_token},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    return response.json()["token"]


def api(token: str | None, host=HOST, **headers) -> Client:
    if token:
        headers["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    return Client(HTTP_HOST=host, **headers)


def a_category(province) -> str:
    from cases.models import Category

    with tenant_context(province):
        return Category.objects.filter(is_active=True, is_emergency=False).values_list("code", flat=True).first()


def report(province, client_id=None, **extra):
    return {
        "client_id": str(client_id or uuid.uuid4()),
        "category": a_category(province),
        "description": "Cống thoát nước trước chợ bị nghẹt, nước tràn ra đường mỗi khi mưa.",
        "address": "Chợ phường 5",
        **extra,
    }


def submit(token, province, **extra):
    return api(token).post("/api/v1/cases/", report(province, **extra), content_type="application/json")


def test_a_report_becomes_a_case_in_the_hosts_province(province_b, province_a):
    token = register()
    response = submit(token, province_b)

    assert response.status_code == 201, response.content
    code = response.json()["tracking_code"]
    with tenant_context(province_b):
        case = Case.objects.get(tracking_code=code)
        assert case.channel == Channel.APP
        assert "assignee" not in response.json()
    with tenant_context(province_a):
        assert not Case.objects.filter(tracking_code=code).exists()


def test_a_retried_submit_returns_the_same_case(province_b):
    token, client_id = register(), uuid.uuid4()
    first, again = submit(token, province_b, client_id=client_id), submit(token, province_b, client_id=client_id)

    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["tracking_code"] == again.json()["tracking_code"]
    with tenant_context(province_b):
        assert InboundEvent.objects.filter(channel=Channel.APP, event_id__contains=str(client_id)).count() == 1


def test_only_the_reporting_device_reads_its_case(province_b):
    token, other = register(), register(push_token="")
    code = submit(token, province_b).json()["tracking_code"]

    assert api(token).get(f"/api/v1/cases/{code}/").status_code == 200
    assert api(other).get(f"/api/v1/cases/{code}/").status_code == 404
    assert api(other).get("/api/v1/cases/000000000/").status_code == 404
    assert api(other).get(f"/api/v1/cases/{code}/messages/").status_code == 404
    assert api(other).get("/api/v1/cases/").json()["count"] == 0


def test_another_provinces_host_refuses_the_token(province_b):
    token = register()
    assert api(token, host=OTHER_HOST).get("/api/v1/cases/").status_code == 401


@pytest.mark.parametrize("token", [None, "not-a-token", "x" * 300])
def test_no_or_a_bad_token_is_401(province_b, token):
    response = api(token).get("/api/v1/cases/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_the_national_host_has_no_api(db):
    assert Client(HTTP_HOST="localhost").get("/api/v1/categories/").status_code == 404


def test_validation_errors_are_400_in_vietnamese(province_b):
    token = register()
    response = api(token).post("/api/v1/cases/", {"category": "khong-co"}, content_type="application/json")

    assert response.status_code == 400
    errors = response.json()
    assert {"client_id", "description", "category"} <= set(errors)
    assert errors["description"] == ["Vui lòng điền mục này."]
    english = api(token, HTTP_ACCEPT_LANGUAGE="en").post("/api/v1/cases/", {}, content_type="application/json")
    assert english.json()["description"] == ["This field is required."]


def test_the_thread_holds_follow_ups_and_the_operators_reply(province_b):
    token = register(push_token="")
    code = submit(token, province_b).json()["tracking_code"]
    message = {"client_id": str(uuid.uuid4()), "text": "Hôm nay nước đã tràn vào nhà dân."}
    first = api(token).post(f"/api/v1/cases/{code}/messages/", message, content_type="application/json")
    again = api(token).post(f"/api/v1/cases/{code}/messages/", message, content_type="application/json")
    assert (first.status_code, again.status_code) == (201, 200)
    with tenant_context(province_b):
        case = Case.objects.get(tracking_code=code)
        case_note_add(case=case, actor=chat.operator(province_b), text="Ghi chú nội bộ", to_reporter=False)
        case_note_add(
            case=case, actor=chat.operator(province_b), text="Đã báo công ty công trình đô thị.", to_reporter=True
        )
        reply = OutboxMessage.objects.get(case=case, kind=OutboxMessage.Kind.REPLY)
        outbox_deliver_one(reply.pk)
        reply.refresh_from_db()
        assert (reply.status, reply.provider_id) == (OutboxMessage.Status.SENT, "in-app")

    thread = api(token).get(f"/api/v1/cases/{code}/messages/").json()
    assert [(item["author"], item["text"]) for item in thread] == [
        ("citizen", message["text"]),
        ("hotline", "Đã báo công ty công trình đô thị."),
    ]


def _fcm_send(fake, request, match):
    return 200, {"name": f"projects/{match['project']}/messages/{fake.next_id()}"}


def _token_grant(fake, request, match):
    return 200, {"access_token": f"ya29.camau-{fake.next_id()}", "expires_in": 3599, "token_type": "Bearer"}


def key_json(rsa_key, token_uri: str, **changes) -> str:
    """A service account key file as Firebase gives it, for a key of the test's own."""
    pem = rsa_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    info = {
        "type": "service_account",
        "project_id": PROJECT_ID,
        "private_key_id": uuid.uuid4().hex,
        "private_key": pem,
        "client_email": CLIENT_EMAIL,
        "client_id": "104578312345678901234",
        "auth_uri": "https://accounts.google.com/o/oauth2/auth",
        "token_uri": token_uri,
        "universe_domain": "googleapis.com",
        **changes,
    }
    return json.dumps({k: v for k, v in info.items() if v is not None}, indent=2)


def _b64(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def verified_claims(assertion: str, public_key) -> dict:
    """The JWT's claims, once its RS256 signature checks with the service account's public key."""
    header, payload, signature = assertion.split(".")
    public_key.verify(_b64(signature), f"{header}.{payload}".encode(), padding.PKCS1v15(), hashes.SHA256())
    assert json.loads(_b64(header))["alg"] == "RS256"
    return json.loads(_b64(payload))


@pytest.fixture
def google():
    """Google's OAuth token endpoint, as the key's token_uri names it."""
    fake = FakeJsonServer(
        routes=[route("POST", r"^/token$", _token_grant)],
        not_found=(404, {"error": "not_found"}),
        fail_body={"error": "invalid_grant", "error_description": "Invalid JWT Signature."},
    )
    with serving(fake) as running:
        yield running


@pytest.fixture
def key(google):
    private_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    key_file = key_json(private_key, f"{google.url}/token")
    return SimpleNamespace(private=private_key, public=private_key.public_key(), json=key_file)


@pytest.fixture
def fcm(settings, province_b, key):
    fake = FakeJsonServer(
        routes=[route("POST", r"^/v1/projects/(?P<project>[^/]+)/messages:send$", _fcm_send)],
        not_found=(404, {"error": {"code": 404, "status": "NOT_FOUND"}}),
        fail_body={"error": {"code": 503, "status": "UNAVAILABLE"}},
    )
    with tenant_context(province_b):
        AppSettings.objects.update_or_create(defaults={"fcm_service_account": key.json})
    with serving(fake) as running:
        settings.FCM_API_URL = running.url
        yield running
    with tenant_context(province_b):
        cache.delete(service_account_parse(key.json).cache_key)


def _bearers(fake) -> list[str]:
    return [request.header("Authorization") for request in fake.sent()]


def _replied(province, token) -> OutboxMessage:
    code = submit(token, province).json()["tracking_code"]
    with tenant_context(province):
        case = Case.objects.get(tracking_code=code)
        case_note_add(case=case, actor=chat.operator(province), text="Đã xử lý xong.", to_reporter=True)
        return OutboxMessage.objects.get(case=case, kind=OutboxMessage.Kind.REPLY)


def test_an_operator_reply_is_pushed_with_a_token_minted_from_the_service_account(province_b, google, key, fcm):
    reply = _replied(province_b, register(push_token="fcm-token-abc"))

    message = chat.deliver(province_b, reply)

    assert message.status == OutboxMessage.Status.SENT
    assert re.fullmatch(rf"projects/{PROJECT_ID}/messages/\d+", message.provider_id)
    (grant,) = google.sent()
    assert grant.form["grant_type"] == JWT_BEARER
    claims = verified_claims(grant.form["assertion"], key.public)
    assert (claims["iss"], claims["aud"], claims["scope"]) == (CLIENT_EMAIL, GOOGLE_TOKEN_AUDIENCE, SCOPE)
    assert claims["exp"] - claims["iat"] == 3600
    (request,) = fcm.sent()
    assert request.path == f"/v1/projects/{PROJECT_ID}/messages:send"
    assert request.header("Authorization") == "Bearer ya29.camau-1"
    assert request.json["message"]["token"] == "fcm-token-abc"
    assert request.json["message"]["notification"]["body"] == "Đã xử lý xong."


def test_a_second_reply_reuses_the_cached_token(province_b, google, fcm):
    token = register(push_token="fcm-token-abc")
    first, second = _replied(province_b, token), _replied(province_b, token)

    assert chat.deliver(province_b, first).status == OutboxMessage.Status.SENT
    assert chat.deliver(province_b, second).status == OutboxMessage.Status.SENT

    assert len(google.sent()) == 1
    assert _bearers(fcm) == ["Bearer ya29.camau-1", "Bearer ya29.camau-1"]


def test_another_province_never_gets_this_provinces_token(province_a, province_b, google, key, fcm):
    chat.deliver(province_b, _replied(province_b, register(push_token="fcm-token-abc")))
    account = service_account_parse(key.json)
    with tenant_context(province_a):
        assert cache.get(account.cache_key) is None
    with tenant_context(province_b):
        assert cache.get(account.cache_key) == "ya29.camau-1"


def test_a_token_fcm_refuses_is_dropped_and_minted_again(province_b, google, fcm):
    token = register(push_token="fcm-token-abc")
    reply = _replied(province_b, token)
    fcm.fail(1, status=401, body={"error": {"code": 401, "status": "UNAUTHENTICATED"}})

    message = chat.deliver(province_b, reply)

    assert message.status == OutboxMessage.Status.SENT
    assert len(google.sent()) == 2
    assert _bearers(fcm) == ["Bearer ya29.camau-1", "Bearer ya29.camau-2"]
    chat.deliver(province_b, _replied(province_b, token))
    assert len(google.sent()) == 2 and _bearers(fcm)[-1] == "Bearer ya29.camau-2"  # the new token was cached


def test_fcm_down_leaves_the_reply_to_retry(province_b, fcm):
    reply = _replied(province_b, register(push_token="fcm-token-abc"))
    fcm.fail(1, status=503)

    message = chat.deliver(province_b, reply)

    assert message.status == OutboxMessage.Status.RETRYING
    assert "HTTP 503" in message.last_error and "ya29" not in message.last_error


def test_a_key_the_token_endpoint_refuses_leaves_the_reply_to_retry(province_b, google, key, fcm, caplog):
    reply = _replied(province_b, register(push_token="fcm-token-abc"))
    google.fail(1, status=400)

    with caplog.at_level(logging.DEBUG):
        message = chat.deliver(province_b, reply)

    assert message.status == OutboxMessage.Status.RETRYING
    assert "invalid_grant" in message.last_error
    assert fcm.sent() == []
    pem_line = json.loads(key.json)["private_key"].splitlines()[1]
    for text in (message.last_error, caplog.text):
        assert "PRIVATE KEY" not in text and pem_line not in text
    with tenant_context(province_b):
        assert cache.get(service_account_parse(key.json).cache_key) is None


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_an_unreachable_token_endpoint_leaves_the_reply_to_retry(province_b, key, fcm):
    with tenant_context(province_b):
        down = key_json(key.private, f"http://127.0.0.1:{_closed_port()}/token")
        AppSettings.objects.update(fcm_service_account=down)
    reply = _replied(province_b, register(push_token="fcm-token-abc"))

    message = chat.deliver(province_b, reply)

    assert message.status == OutboxMessage.Status.RETRYING
    assert "token endpoint is not reachable" in message.last_error
    assert fcm.sent() == []


def test_the_schema_is_valid_openapi_3(province_b):
    response = Client(HTTP_HOST=HOST).get("/api/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    document = response.json()
    assert document["openapi"].startswith("3.")
    assert "/api/v1/cases/{tracking_code}/messages/" in document["paths"]
    validate_schema(document)  # drf-spectacular's bundled OpenAPI 3 JSON schema
    assert set(document["paths"]) == {
        "/api/v1/devices/",
        "/api/v1/devices/me/",
        "/api/v1/categories/",
        "/api/v1/wards/",
        "/api/v1/cases/",
        "/api/v1/cases/{tracking_code}/",
        "/api/v1/cases/{tracking_code}/messages/",
    }


def test_the_documentation_page_serves_swagger_ui_from_the_project(province_b):
    page = Client(HTTP_HOST=HOST).get("/api/docs/")

    assert page.status_code == 200
    html = page.content.decode()
    assert "/api/schema/" in html
    bundle = re.search(r'src="/static/(drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle\.js)"', html)
    assert bundle, html
    # Served with the project's own static files (the test client serves none): no CDN is needed.
    assert finders.find(bundle[1])


def test_a_device_row_keeps_only_the_tokens_hash(province_b):
    token = register()
    with tenant_context(province_b):
        assert not AppDevice.objects.filter(token_hash=token).exists()


# --- refusals -------------------------------------------------------------------------------------


@pytest.fixture
def tiny_rates(settings):
    def set_rates(**rates):
        current = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
        settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {**current, **rates}}

    return set_rates


def test_an_installation_over_its_rate_gets_429(province_b, tiny_rates):
    token = register()
    tiny_rates(app_device="2/min")

    answers = [api(token).get("/api/v1/categories/") for _ in range(3)]

    assert [answer.status_code for answer in answers] == [200, 200, 429]
    assert int(answers[-1]["Retry-After"]) > 0
    assert answers[-1].json()["detail"].startswith("Quá nhiều yêu cầu")
    assert api(register()).get("/api/v1/categories/").status_code == 200  # another installation is not held back


def test_guessing_tokens_is_rationed_per_address(province_b, tiny_rates):
    tiny_rates(app_address="3/min")

    answers = [api(f"guess-{n}").get("/api/v1/cases/").status_code for n in range(5)]

    assert answers == [401, 401, 401, 429, 429]


def test_registrations_are_rationed_per_address(province_b, tiny_rates):
    tiny_rates(app_register="1/hour")
    register()
    again = Client(HTTP_HOST=HOST).post(
        "/api/v1/devices/", {"platform": "ios", "app_version": "1.4.0"}, content_type="application/json"
    )
    assert again.status_code == 429


def test_a_body_that_is_not_json_is_400_in_vietnamese(province_b):
    response = api(register()).post("/api/v1/cases/", b'{"category": "dien",', content_type="application/json")

    assert response.status_code == 400
    assert response.json() == {"detail": "Nội dung gửi lên không phải JSON hợp lệ."}


@pytest.mark.parametrize("body", [b"[]", b'"text"', b"null", b"12"])
def test_json_that_is_not_an_object_is_400(province_b, body):
    response = api(register()).post("/api/v1/cases/", body, content_type="application/json")

    assert response.status_code == 400
    assert list(response.json()) == ["non_field_errors"]


def test_an_oversized_body_is_413(province_b):
    body = json.dumps(report(province_b, description="x" * (65 * 1024)))

    response = api(register()).post("/api/v1/cases/", body, content_type="application/json")

    assert response.status_code == 413
    assert response.json() == {"detail": "Yêu cầu quá lớn."}


def test_a_body_that_is_not_json_at_all_is_415(province_b):
    response = api(register()).post("/api/v1/cases/", "category=dien", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 415


def test_field_errors_name_the_field_in_vietnamese(province_b):
    body = {**report(province_b), "client_id": "abc", "ward": 999_999_999, "latitude": 91, "longitude": 105}

    errors = api(register()).post("/api/v1/cases/", body, content_type="application/json").json()

    assert errors["client_id"] == ["Phải là một UUID hợp lệ."]
    assert errors["ward"] == ["Xã, phường mã 999999999 không thuộc tỉnh này."]
    assert errors["latitude"] == ["Hãy nhập giá trị nhỏ hơn hoặc bằng 90."]


def test_coordinates_from_a_phone_are_rounded_to_what_is_stored(province_b):
    token = register()
    response = submit(token, province_b, latitude=9.17653612345678, longitude=105.15024698765432)

    assert response.status_code == 201, response.content
    assert (response.json()["latitude"], response.json()["longitude"]) == (9.176536, 105.150247)


def test_a_client_id_retried_with_another_body_returns_the_first_case(province_b):
    token, client_id = register(), uuid.uuid4()
    first = submit(token, province_b, client_id=client_id)
    again = submit(token, province_b, client_id=client_id, description="Một nội dung khác hẳn.")

    assert again.status_code == 200
    assert again.json()["description"] == first.json()["description"]
    other_device = submit(register(), province_b, client_id=client_id)
    assert other_device.status_code == 201  # client ids are the installation's own
    assert other_device.json()["tracking_code"] != first.json()["tracking_code"]


def test_a_device_cannot_write_on_another_devices_case(province_b):
    code = submit(register(), province_b).json()["tracking_code"]
    message = {"client_id": str(uuid.uuid4()), "text": "Tôi muốn xem phản ánh này."}

    response = api(register()).post(f"/api/v1/cases/{code}/messages/", message, content_type="application/json")

    assert response.status_code == 404
    with tenant_context(province_b):
        assert not InboundEvent.objects.filter(event_id__endswith=message["client_id"]).exists()


def test_a_revoked_token_is_401(province_b):
    token = register()
    assert api(token).delete("/api/v1/devices/me/").status_code == 204
    assert api(token).get("/api/v1/cases/").status_code == 401


# --- the citizen's thread -------------------------------------------------------------------------


def _write(token, code, text, client_id=None):
    message = {"client_id": str(client_id or uuid.uuid4()), "text": text}
    return api(token).post(f"/api/v1/cases/{code}/messages/", message, content_type="application/json")


def test_a_message_from_the_app_joins_the_case(province_b):
    token = register()
    code = submit(token, province_b).json()["tracking_code"]

    assert _write(token, code, "Bổ sung: nước tràn vào cả hẻm bên cạnh.").status_code == 201

    with tenant_context(province_b):
        case = Case.objects.get(tracking_code=code)
        assert Case.objects.filter(reporter=case.reporter).count() == 1
        again = case.events.filter(action=CaseEvent.Action.RECEIVED_AGAIN)
        assert [event.note for event in again] == ["Bổ sung: nước tràn vào cả hẻm bên cạnh."]


def test_an_answer_from_the_app_resumes_the_waiting_case(province_b):
    token = register()
    code = submit(token, province_b).json()["tracking_code"]
    with tenant_context(province_b):
        case = Case.objects.get(tracking_code=code)
        case_request_info(case=case, actor=chat.operator(province_b), question="Cống nằm ở số nhà nào?")
    thread = api(token).get(f"/api/v1/cases/{code}/messages/").json()
    assert [(item["author"], item["text"]) for item in thread] == [("hotline", "Cống nằm ở số nhà nào?")]

    assert _write(token, code, "Trước số nhà 25.").status_code == 201

    with tenant_context(province_b):
        case.refresh_from_db()
        assert case.status == CaseStatus.NEW
        assert case.events.get(action=CaseEvent.Action.INFO_RECEIVED).note == "Trước số nhà 25."


def test_a_finished_case_refuses_messages_with_409(province_b):
    token = register()
    code = submit(token, province_b).json()["tracking_code"]
    with tenant_context(province_b):
        case = Case.objects.get(tracking_code=code)
        case_close(case=case, actor=chat.operator(province_b), resolution="Đã nạo vét cống.")

    response = _write(token, code, "Cảm ơn.")

    assert response.status_code == 409
    assert response.json()["detail"] == "Phản ánh đã kết thúc; hãy gửi một phản ánh mới."
    thread = api(token).get(f"/api/v1/cases/{code}/messages/").json()
    assert [item["author"] for item in thread] == ["hotline"]  # the closing notice; the refused message is not there
    assert api(token).get(f"/api/v1/cases/{code}/").json()["resolution"] == "Đã nạo vét cống."


# --- replies --------------------------------------------------------------------------------------


def test_without_a_service_account_key_the_reply_waits_in_the_app(province_b):
    with tenant_context(province_b):
        AppSettings.objects.update(fcm_service_account="")
    token = register(push_token="fcm-token-abc")
    reply = chat.deliver(province_b, _replied(province_b, token))

    assert (reply.status, reply.provider_id) == (OutboxMessage.Status.SENT, "in-app:push-not-configured")
    code = reply.case.tracking_code
    assert api(token).get(f"/api/v1/cases/{code}/messages/").json()[-1]["text"] == "Đã xử lý xong."


def test_a_token_fcm_no_longer_knows_is_forgotten_and_the_reply_waits_in_the_app(province_b, fcm):
    token = register(push_token="fcm-token-gone")
    reply = _replied(province_b, token)
    fcm.fail(1, status=404, body={"error": {"code": 404, "status": "NOT_FOUND"}})

    reply = chat.deliver(province_b, reply)

    assert (reply.status, reply.provider_id) == (OutboxMessage.Status.SENT, "in-app:token-gone")
    assert api(token).get("/api/v1/devices/me/").json()["has_push_token"] is False
    assert api(token).get(f"/api/v1/cases/{reply.case.tracking_code}/messages/").json()[-1]["author"] == "hotline"


def test_a_token_fcm_refuses_twice_leaves_the_reply_to_retry(province_b, google, fcm):
    reply = _replied(province_b, register(push_token="fcm-token-abc"))
    fcm.fail(2, status=401, body={"error": {"code": 401, "status": "UNAUTHENTICATED"}})

    reply = chat.deliver(province_b, reply)

    assert reply.status == OutboxMessage.Status.RETRYING
    assert "UNAUTHENTICATED" in reply.last_error and "ya29" not in reply.last_error
    assert len(google.sent()) == 2


# --- the admin ------------------------------------------------------------------------------------


def signed_in(slug: str, username: str) -> Client:
    client = Client(HTTP_HOST=host_of(slug))
    assert client.post("/accounts/login/", {"username": username, "password": DEMO_PASSWORD}).status_code == 302
    return client


def _edit_url(client) -> str:
    response = client.get(SETTINGS_URL)
    return response.url if response.status_code == 302 else SETTINGS_URL


def test_the_key_is_never_shown_back_and_a_blank_field_keeps_it(province_b, key):
    client = signed_in("camau", "admin.camau")
    edit_url = _edit_url(client)

    saved = client.post(edit_url, {"fcm_service_account": key.json})
    assert saved.status_code == 302, saved.content.decode()[:2000]
    page = client.get(edit_url).content.decode()

    assert 'type="password"' in page
    assert "PRIVATE KEY" not in page and json.loads(key.json)["private_key"].splitlines()[1] not in page
    assert CLIENT_EMAIL not in page
    assert client.post(edit_url, {"fcm_service_account": ""}).status_code == 302
    with tenant_context(province_b):
        assert AppSettings.load().fcm_service_account == key.json


@pytest.mark.parametrize(
    ("broken", "says"),
    [
        ('{"type": "service_account", "project_id": ', "Đây không phải JSON"),
        ('{"type": "authorized_user", "client_id": "1"}', "không phải khóa tài khoản dịch vụ"),
        ("[1, 2]", "không phải khóa tài khoản dịch vụ"),
        ("missing", "Khóa tài khoản dịch vụ thiếu: private_key, token_uri."),
        ("bad-key", "Không đọc được"),
    ],
)
def test_a_broken_key_is_refused_in_vietnamese(province_b, key, broken, says):
    if broken == "missing":
        broken = key_json(key.private, "", private_key=None)
    elif broken == "bad-key":
        cut = "-----BEGIN PRIVATE KEY-----\nAAAA\n"
        broken = key_json(key.private, GOOGLE_TOKEN_AUDIENCE, private_key=cut)
    client = signed_in("camau", "admin.camau")
    with tenant_context(province_b):
        AppSettings.objects.update_or_create(defaults={"fcm_service_account": ""})

    response = client.post(_edit_url(client), {"fcm_service_account": broken})

    assert response.status_code == 200
    page = response.content.decode()
    assert says in page, re.findall(r'class="error-message"[^<]*<[^>]*>[^<]*', page)
    assert broken not in page
    with tenant_context(province_b):
        assert AppSettings.load().fcm_service_account == ""


# --- demo -----------------------------------------------------------------------------------------


def test_the_demo_installation_reports_through_the_api_once(province_b):
    from channels.app.demo import demo_seed

    lines, again = [], []
    with tenant_context(province_b):
        before = (Case.objects.filter(channel=Channel.APP).count(), AppDevice.objects.count())
        demo_seed(log=lines.append)
        after = (Case.objects.filter(channel=Channel.APP).count(), AppDevice.objects.count())
        demo_seed(log=again.append)
        assert (Case.objects.filter(channel=Channel.APP).count(), AppDevice.objects.count()) == after
        follow_ups = InboundEvent.objects.filter(channel=Channel.APP, event_id__startswith="msg:", case__isnull=False)
        assert follow_ups.count() == 1

    assert after == (before[0] + 2, before[1] + 1)
    assert len(lines) == 3 and not any("HTTP" in line for line in lines), lines
    assert again == []
