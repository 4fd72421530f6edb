"""Open311 GeoReport v2 on a province's host: every method in XML and JSON, keys, idempotency,
filters and limits, no personal data out, replies to the partner's notify_url, and an Open311
client library from PyPI (`georeport`) reading the live app unchanged."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from datetime import timedelta
from urllib.parse import urlencode
from xml.etree import ElementTree

from django.conf import settings
from django.db import connection
from django.test import Client
from django.utils import timezone

import pytest
from django_tenants.utils import tenant_context

from cases import clock
from cases.models import Case, CaseStatus, Category, Channel, OutboxMessage, Ward
from cases.services import case_note_add
from channels.open311 import demo as open311_demo
from channels.open311.models import ApiKey, ServiceRequest
from channels.open311.selectors import PUBLISHED
from tests.channels import chat_support as chat
from tests.conftest import host_of
from tests.fakes.json_server import FakeJsonServer, route, serving
from tests.servers import database_url, gunicorn

HOST, OTHER_HOST = host_of("camau"), host_of("binhduong")
BASE = "/open311/v2/"
W3 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$")
REQUEST_FIELDS = [
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
    "extended_attributes",
]
SERVICE_FIELDS = ["service_code", "service_name", "description", "metadata", "type", "keywords", "group"]
DESCRIPTION = "Cống thoát nước trước chợ bị nghẹt, nước tràn ra đường mỗi khi mưa."


# --- helpers ----------------------------------------------------------------------------------------


def get(path: str, host: str = HOST, **params):
    return Client(HTTP_HOST=host).get(BASE + path, params)


def post(fields: dict, fmt: str = "json", host: str = HOST, **headers):
    return Client(HTTP_HOST=host).post(
        f"{BASE}requests.{fmt}", urlencode(fields), content_type="application/x-www-form-urlencoded", headers=headers
    )


def xml(response) -> ElementTree.Element:
    assert response["Content-Type"].startswith("text/xml"), response["Content-Type"]
    assert response.content.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    return ElementTree.fromstring(response.content)


def children(element: ElementTree.Element) -> list[str]:
    return [child.tag for child in element]


def issue_key(province, name="Ứng dụng thử", notify_url="") -> str:
    with tenant_context(province):
        key = ApiKey(name=name, notify_url=notify_url)
        full_key = key.secret_assign()
        key.save()
    return full_key


def service(province, *, local: bool) -> Category:
    with tenant_context(province):
        return Category.objects.filter(is_active=True, is_emergency=False, is_local=local).order_by("order").first()


def a_ward(province) -> Ward:
    with tenant_context(province):
        return Ward.objects.order_by("name").first()


def fields(key: str, province, **extra) -> dict:
    return {
        "api_key": key,
        "service_code": service(province, local=True).code,
        "lat": "9.176900",
        "long": "105.150000",
        "description": DESCRIPTION,
        **extra,
    }


def case_of(province, service_request_id: str) -> Case:
    with tenant_context(province):
        return Case.objects.select_related("reporter", "open311_request").get(tracking_code=service_request_id)


def open311_count(province) -> int:
    with tenant_context(province):
        return Case.objects.filter(channel=Channel.OPEN311).count()


@pytest.fixture
def key(province_b) -> str:
    return issue_key(province_b)


# --- discovery and services -------------------------------------------------------------------------


def test_discovery_names_the_endpoint_in_both_formats(province_b):
    data = get("discovery.json").json()
    (endpoint,) = data["endpoints"]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"] == f"http://{HOST}{BASE}"
    assert endpoint["type"] == "production" and set(endpoint["formats"]) == {"text/xml", "application/json"}
    assert {"changeset", "contact", "key_service"} <= data.keys()

    root = xml(get("discovery.xml"))
    assert root.tag == "discovery"
    assert children(root) == ["changeset", "contact", "key_service", "endpoints"]
    endpoint = root.find("endpoints/endpoint")
    assert children(endpoint) == ["specification", "url", "changeset", "type", "formats"]
    assert [f.text for f in endpoint.findall("formats/format")] == ["text/xml", "application/json"]


def test_services_list_the_provinces_active_categories(province_b):
    data = get("services.json").json()
    with tenant_context(province_b):
        codes = list(Category.objects.filter(is_active=True).order_by("order", "name").values_list("code", flat=True))
    assert [item["service_code"] for item in data] == codes
    assert all(list(item) == SERVICE_FIELDS and item["type"] == "realtime" for item in data)
    local = next(item for item in data if item["service_code"] == service(province_b, local=True).code)
    other = next(item for item in data if item["service_code"] == service(province_b, local=False).code)
    assert (local["metadata"], other["metadata"]) == (True, False)

    root = xml(get("services.xml"))
    assert root.tag == "services" and len(root) == len(codes)
    assert all(item.tag == "service" and children(item) == SERVICE_FIELDS for item in root)
    assert {item.findtext("metadata") for item in root} == {"true", "false"}


def test_a_service_definition_offers_the_ward_picker(province_b):
    code = service(province_b, local=True).code
    data = get(f"services/{code}.json").json()
    (attribute,) = data["attributes"]
    assert data["service_code"] == code
    assert (attribute["code"], attribute["datatype"], attribute["variable"]) == ("ward", "singlevaluelist", True)
    ward = a_ward(province_b)
    assert {"key": str(ward.code), "name": ward.name} in attribute["values"]

    root = xml(get(f"services/{code}.xml"))
    assert root.tag == "service_definition" and children(root) == ["service_code", "attributes"]
    attribute = root.find("attributes/attribute")
    expected = ["variable", "code", "datatype", "required", "datatype_description", "order", "description", "values"]
    assert children(attribute) == expected
    assert children(attribute.find("values/value")) == ["key", "name"]

    plain = service(province_b, local=False).code
    assert get(f"services/{plain}.json").json()["attributes"] == []
    assert len(xml(get(f"services/{plain}.xml")).find("attributes")) == 0


def test_an_unknown_service_definition_is_a_404_in_the_errors_format(province_b):
    response = get("services/khong-co.xml")
    assert response.status_code == 404
    root = xml(response)
    assert root.tag == "errors" and children(root.find("error")) == ["code", "description"]
    assert root.findtext("error/code") == "404"
    assert get("services/khong-co.json").json()[0]["code"] == 404


# --- POST requests ----------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_post_with_a_key_opens_a_case_in_the_hosts_province_only(province_b, province_a, fmt):
    key = issue_key(province_b)
    before_other = open311_count(province_a)
    ward = a_ward(province_b)

    response = post(
        fields(
            key, province_b, **{"attribute[ward]": str(ward.code), "account_id": "user-42", "email": "lan@example.vn"}
        ),
        fmt,
    )

    assert response.status_code == 200, response.content
    if fmt == "json":
        (answer,) = response.json()
    else:
        root = xml(response)
        assert root.tag == "service_requests"
        assert children(root.find("request")) == ["service_request_id", "service_notice", "account_id"]
        answer = {child.tag: child.text for child in root.find("request")}
    assert answer["account_id"] == "user-42"
    case = case_of(province_b, answer["service_request_id"])
    assert (case.channel, case.status, case.description, case.ward_id) == (
        Channel.OPEN311,
        CaseStatus.NEW,
        DESCRIPTION,
        ward.pk,
    )
    assert str(case.latitude) == "9.176900"
    assert case.reporter.email == "lan@example.vn"
    assert case.open311_request.payload["account_id"] == "user-42"
    assert "api_key" not in case.open311_request.payload
    assert open311_count(province_a) == before_other
    # The same key means nothing on another province's host.
    assert post(fields(key, province_b), fmt, host=OTHER_HOST).status_code == 403


def test_a_repeat_gets_the_same_answer_and_one_case(province_b, key):
    before = open311_count(province_b)
    first, again = post(fields(key, province_b)), post(fields(key, province_b))
    assert first.status_code == again.status_code == 200
    assert first.json() == again.json()

    with_header = [
        post(fields(key, province_b, description="Lần hai"), **{"Idempotency-Key": "abc-1"}) for _ in range(2)
    ]
    assert with_header[0].json() == with_header[1].json() != first.json()
    assert open311_count(province_b) == before + 2
    with tenant_context(province_b):
        assert ServiceRequest.objects.count() == 2


def test_the_same_parameters_after_24_hours_are_a_new_request(province_b, key):
    first = post(fields(key, province_b)).json()
    with tenant_context(province_b):
        ServiceRequest.objects.update(received_at=clock.now() - timedelta(hours=25))
    assert post(fields(key, province_b)).json() != first


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize("api_key", ["", "o311_deadbeef_wrong", "not-a-key", "ký tự"])
def test_a_missing_or_wrong_key_is_403(province_b, key, fmt, api_key):
    before = open311_count(province_b)
    response = post(fields(api_key, province_b), fmt)
    assert response.status_code == 403
    if fmt == "xml":
        assert xml(response).findtext("error/code") == "403"
    else:
        assert response.json()[0]["code"] == 403
    assert open311_count(province_b) == before


def test_a_revoked_key_is_403(province_b, key):
    with tenant_context(province_b):
        ApiKey.objects.update(is_active=False)
    assert post(fields(key, province_b)).status_code == 403


@pytest.mark.parametrize(
    "changes",
    [
        {"lat": "", "long": ""},  # no location at all
        {"lat": "10.5", "long": ""},
        {"lat": "abc", "long": "105"},
        {"lat": "NaN", "long": "105"},
        {"lat": "95", "long": "105"},
        {"service_code": "khong-co"},
        {"service_code": ""},
        {"description": "x" * 4001},
        {"address_id": "99999999"},
        {"attribute[ward]": "12a"},
        {"email": "not an address"},
        {"phone": "12"},
        {"media_url": "javascript:alert(1)"},
        {"jurisdiction_id": "binhduong"},
    ],
)
def test_malformed_posts_are_refused_in_the_errors_format(province_b, key, changes):
    before = open311_count(province_b)
    response = post({**fields(key, province_b), **changes}, "xml")
    expected = 404 if "jurisdiction_id" in changes else 400
    assert response.status_code == expected, response.content
    assert xml(response).findtext("error/code") == str(expected)
    assert open311_count(province_b) == before


@pytest.mark.parametrize("location", [{"address_string": "Chợ phường 5"}, {"address_id": None}])
def test_an_address_alone_is_a_location(province_b, key, location):
    if "address_id" in location:
        location = {"address_id": str(a_ward(province_b).code)}
    response = post({**fields(key, province_b, lat="", long=""), **location})
    assert response.status_code == 200, response.content
    case = case_of(province_b, response.json()[0]["service_request_id"])
    assert case.address == location.get("address_string", "")


def test_an_oversized_post_is_413(province_b, key):
    response = post(fields(key, province_b, padding="x" * 70_000))
    assert response.status_code == 413
    assert response.json()[0]["code"] == 413


# --- GET requests -----------------------------------------------------------------------------------


def posted(province, key, **extra) -> str:
    response = post(fields(key, province, **extra))
    assert response.status_code == 200, response.content
    return response.json()[0]["service_request_id"]


def test_a_request_reads_back_in_both_formats(province_b, key):
    code = posted(province_b, key, media_url="https://example.vn/anh.jpg")
    (data,) = get(f"requests/{code}.json").json()
    assert list(data) == REQUEST_FIELDS
    case = case_of(province_b, code)
    assert data["service_request_id"] == code and data["status"] == "open"
    assert data["description"] == DESCRIPTION and data["media_url"] == "https://example.vn/anh.jpg"
    assert data["agency_responsible"] == (case.agency.name if case.agency else None)
    assert data["extended_attributes"] == {"detailed_status": "new"}
    assert all(W3.match(data[name]) for name in ("requested_datetime", "updated_datetime", "expected_datetime"))
    assert data["requested_datetime"].endswith("+07:00")
    assert (data["lat"], data["long"]) == (9.1769, 105.15)

    root = xml(get(f"requests/{code}.xml"))
    assert root.tag == "service_requests"
    (request,) = root
    assert request.tag == "request" and children(request) == REQUEST_FIELDS
    assert request.findtext("service_request_id") == code
    assert request.findtext("extended_attributes/detailed_status") == "new"
    assert W3.match(request.findtext("expected_datetime"))


def test_a_request_of_another_province_or_unknown_is_404(province_b, province_a, key):
    code = posted(province_b, key)
    assert get(f"requests/{code}.json", host=OTHER_HOST).status_code == 404
    for missing in ("000000000", "abc", "1" * 300):
        response = get(f"requests/{missing}.xml")
        assert response.status_code == 404 and xml(response).tag == "errors"


def test_a_token_resolves_to_the_request_id(province_b, key):
    code = posted(province_b, key)
    token = str(case_of(province_b, code).open311_request.token)
    (data,) = get(f"tokens/{token}.json").json()
    assert data == {"service_request_id": code, "token": token}
    root = xml(get(f"tokens/{token}.xml"))
    assert children(root.find("request")) == ["service_request_id", "token"]
    assert get("tokens/not-a-token.json").status_code == 404
    assert get(f"tokens/{token}.json", host=OTHER_HOST).status_code == 404


def test_other_channels_cases_show_no_free_text_and_no_reporter(province_b, key):
    code = posted(province_b, key, first_name="Lan", last_name="Nguyễn Thị", phone="0912345678")
    with tenant_context(province_b):
        others = list(Case.objects.exclude(channel=Channel.OPEN311).select_related("reporter")[:5])
    assert others
    ids = ",".join([code, *(case.tracking_code for case in others)])
    for response in (get("requests.json", service_request_id=ids), get("requests.xml", service_request_id=ids)):
        body = response.content.decode()
        assert response.status_code == 200
        for private in ("Nguyễn Thị", "0912345678", "+84912345678"):
            assert private not in body
        for case in others:
            assert case.description not in body
            if case.reporter and case.reporter.phone:
                assert case.reporter.phone not in body
    rows = {row["service_request_id"]: row for row in get("requests.json", service_request_id=ids).json()}
    assert rows[code]["description"] == DESCRIPTION
    assert all(rows[case.tracking_code]["description"] is None for case in others)
    assert all(rows[case.tracking_code]["lat"] is None for case in others)


def test_filters_by_code_status_and_dates(province_b, key):
    code = posted(province_b, key)
    local = service(province_b, local=True).code
    assert code in ids_of(get("requests.json", service_code=local))
    assert code not in ids_of(get("requests.json", service_code=service(province_b, local=False).code))
    assert code in ids_of(get("requests.json", status="open"))
    assert code not in ids_of(get("requests.json", status="closed"))
    with tenant_context(province_b):
        closed = set(
            Case.objects.filter(status__in=["closed", "rejected", "duplicate"]).values_list("tracking_code", flat=True)
        )
    assert set(ids_of(get("requests.json", status="closed"))) <= closed
    now = clock.now()
    assert code in ids_of(get("requests.json", start_date=(now - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")))
    assert code not in ids_of(
        get("requests.json", start_date="2026-01-01T00:00:00+07:00", end_date="2026-02-01T00:00:00+07:00")
    )
    # service_request_id overrides every other filter.
    assert ids_of(get("requests.json", service_request_id=code, status="closed")) == [code]


def ids_of(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["service_request_id"] for row in response.json()]


def test_the_default_window_is_90_days(province_b):
    with tenant_context(province_b):
        old = Case.objects.order_by("received_at").first()
        Case.objects.filter(pk=old.pk).update(received_at=clock.now() - timedelta(days=91))
    assert old.tracking_code not in ids_of(get("requests.json"))
    assert ids_of(get("requests.json", service_request_id=old.tracking_code)) == [old.tracking_code]


@pytest.mark.parametrize(
    "params",
    [
        {"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-06-01T00:00:00Z"},  # 151 days
        {"start_date": "2026-06-01T00:00:00Z", "end_date": "2026-01-01T00:00:00Z"},
        {"start_date": "hôm qua"},
        {"end_date": "2026-13-45"},
        {"start_date": "9999-12-31T23:59:59-23:59"},
        {"start_date": "0001-01-01T00:00:00+14:00"},
        {"start_date": "2" * 5000},
        {"status": "pending"},
        {"service_request_id": ",".join(["123456789"] * 1001)},
        {"jurisdiction_id": "hanoi"},
    ],
)
def test_bad_filters_are_refused_never_500(province_b, params):
    expected = 404 if "jurisdiction_id" in params else 400
    for fmt in ("json", "xml"):
        response = get(f"requests.{fmt}", **params)
        assert response.status_code == expected, (params, response.content[:200])
    assert xml(get("requests.xml", **params)).findtext("error/code") == str(expected)


def test_jurisdiction_id_of_the_province_is_accepted(province_b):
    assert get("services.json", jurisdiction_id="camau").status_code == 200
    assert get("services.json", jurisdiction_id="binhduong").status_code == 404


def test_at_most_1000_requests_are_answered(province_b, key, monkeypatch):
    from channels.open311 import selectors

    monkeypatch.setattr(selectors, "RESULTS_MAX", 3)
    assert len(ids_of(get("requests.json"))) == 3
    assert len(xml(get("requests.xml"))) == 3


def test_dates_without_a_zone_and_bare_dates_are_the_provinces_time(province_b, key):
    code = posted(province_b, key)
    received = timezone.localtime(case_of(province_b, code).received_at)
    assert code in ids_of(get("requests.json", start_date=str(received.date())))
    naive = (received - timedelta(minutes=5)).replace(tzinfo=None).isoformat(timespec="seconds")
    assert code in ids_of(get("requests.json", start_date=naive))
    later = (received + timedelta(minutes=5)).replace(tzinfo=None).isoformat(timespec="seconds")
    assert code not in ids_of(get("requests.json", start_date=later))


def test_unknown_paths_and_methods_answer_in_the_errors_format(province_b):
    response = get("khong-co.json")
    assert response.status_code == 404 and response.json()[0]["code"] == 404
    assert xml(get("services")).tag == "errors"
    response = Client(HTTP_HOST=HOST).post(f"{BASE}services.xml")
    assert response.status_code == 405 and "GET" in response["Allow"]
    assert xml(response).findtext("error/code") == "405"


# --- replies ------------------------------------------------------------------------------------------


def _notified(fake, request, match):
    return 200, {"ok": True}


@pytest.fixture
def partner():
    fake = FakeJsonServer(routes=[route("POST", r"^/open311/status$", _notified)], not_found=(404, {}))
    with serving(fake) as running:
        yield running


def replied(province, code: str, text: str) -> OutboxMessage:
    with tenant_context(province):
        case = Case.objects.get(tracking_code=code)
        case_note_add(case=case, actor=chat.operator(province), text=text, to_reporter=True)
        return OutboxMessage.objects.get(case=case, kind=OutboxMessage.Kind.REPLY)


def test_a_reply_is_posted_signed_to_the_partners_notify_url(province_b, partner):
    full_key = issue_key(province_b, notify_url=f"{partner.url}/open311/status")
    code = posted(province_b, full_key, account_id="user-7")
    reply = replied(province_b, code, "Đội thoát nước sẽ nạo vét cống trong hôm nay.")

    message = chat.deliver(province_b, reply)

    assert message.status == OutboxMessage.Status.SENT
    (request,) = partner.sent()
    assert request.json["service_request_id"] == code and request.json["account_id"] == "user-7"
    assert request.json["status_notes"] == "Đội thoát nước sẽ nạo vét cống trong hôm nay."
    assert request.json["jurisdiction_id"] == "camau" and request.json["status"] == "open"
    # What the partner checks: HMAC-SHA256 of the raw body, keyed with the SHA-256 hex of its key.
    signing_key = hashlib.sha256(full_key.encode()).hexdigest().encode()
    raw = json.dumps(request.json, ensure_ascii=False, separators=(",", ":")).encode()
    expected = "sha256=" + hmac.new(signing_key, raw, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(request.header("X-Open311-Signature"), expected)
    assert message.provider_id == f"open311:notify:{request.header('X-Open311-Delivery')}"
    # Pushed privately, so not published.
    assert get(f"requests/{code}.json").json()[0]["status_notes"] is None


def test_a_refused_or_unreachable_notify_url_leaves_the_reply_to_retry(province_b, partner):
    full_key = issue_key(province_b, notify_url=f"{partner.url}/open311/status")
    reply = replied(province_b, posted(province_b, full_key), "Đã tiếp nhận.")
    partner.fail(1, status=502)

    message = chat.deliver(province_b, reply)

    assert message.status == OutboxMessage.Status.RETRYING and "HTTP 502" in message.last_error
    with tenant_context(province_b):
        ApiKey.objects.update(notify_url="http://127.0.0.1:9/gone")
        OutboxMessage.objects.filter(pk=reply.pk).update(next_attempt_at=clock.now())
    message = chat.deliver(province_b, reply)
    assert message.status == OutboxMessage.Status.RETRYING and "not reachable" in message.last_error


def test_without_a_notify_url_the_reply_is_published_as_status_notes(province_b, key):
    code = posted(province_b, key)
    reply = replied(province_b, code, "Cống đã được nạo vét xong.")

    message = chat.deliver(province_b, reply)

    assert (message.status, message.provider_id) == (OutboxMessage.Status.SENT, PUBLISHED)
    assert get(f"requests/{code}.json").json()[0]["status_notes"] == "Cống đã được nạo vét xong."
    assert xml(get(f"requests/{code}.xml")).findtext("request/status_notes") == "Cống đã được nạo vét xong."


# --- admin --------------------------------------------------------------------------------------------


KEYS_URL = "/admin/open311/keys/"


def test_the_province_admin_issues_a_key_shown_once_and_revokes_it(province_b):
    admin = chat_signed_in("camau", "admin.camau")
    assert KEYS_URL in admin.get("/admin/").content.decode()  # the menu item under Hotline
    response = admin.post(f"{KEYS_URL}new/", {"name": "Ứng dụng phường", "notify_url": "", "is_active": "on"})
    assert response.status_code == 200, response.content[:500]
    assert "no-store" in response["Cache-Control"]
    (full_key,) = re.findall(r'value="(o311_[0-9a-f]{8}_[A-Za-z0-9_-]+)"', response.content.decode())
    with tenant_context(province_b):
        key = ApiKey.objects.get(name="Ứng dụng phường")
        assert key.matches(full_key) and full_key not in key.secret_hash
    listing = admin.get(KEYS_URL)
    assert listing.status_code == 200 and full_key not in listing.content.decode()
    edit = admin.get(f"{KEYS_URL}edit/{key.pk}/")
    assert edit.status_code == 200 and full_key not in edit.content.decode()
    assert post(fields(full_key, province_b)).status_code == 200

    admin.post(f"{KEYS_URL}edit/{key.pk}/", {"name": "Ứng dụng phường", "notify_url": ""})  # "active" unticked
    assert post(fields(full_key, province_b, description="Sau khi thu hồi")).status_code == 403


@pytest.mark.parametrize("username", ["operator.camau", "admin.binhduong"])
def test_others_cannot_manage_keys(province_b, username):
    client = Client(HTTP_HOST=HOST)
    client.post("/accounts/login/", {"username": username, "password": "demo1022"})
    response = client.get(KEYS_URL)
    assert response.status_code in (302, 403)
    assert client.post(f"{KEYS_URL}new/", {"name": "x", "is_active": "on"}).status_code in (302, 403)
    with tenant_context(province_b):
        assert not ApiKey.objects.filter(name="x").exists()


def chat_signed_in(slug: str, username: str) -> Client:
    from tenants.demo import DEMO_PASSWORD

    client = Client(HTTP_HOST=host_of(slug))
    assert client.post("/accounts/login/", {"username": username, "password": DEMO_PASSWORD}).status_code == 302
    return client


# --- demo ---------------------------------------------------------------------------------------------


def test_the_demo_posts_two_requests_once(province_b):
    lines: list[str] = []
    with tenant_context(province_b):
        before = Case.objects.filter(channel=Channel.OPEN311).count()
        open311_demo.demo_seed(log=lines.append)
        again: list[str] = []
        open311_demo.demo_seed(log=again.append)
        assert Case.objects.filter(channel=Channel.OPEN311).count() == before + 2
        assert ApiKey.objects.filter(name=open311_demo.DEMO_NAME).count() == 1
    assert [line for line in lines if "HTTP" in line] == [
        "yêu cầu Open311 mẫu 1: HTTP 200",
        "yêu cầu Open311 mẫu 2: HTTP 200",
    ]
    assert again == []


# --- an existing client library, unchanged, against the live app ----------------------------------------


@pytest.fixture(scope="module")
def live_app(django_db_setup):
    """The app in gunicorn on the session's test database (what django_db_setup seeded and committed)."""
    cache = settings.CACHES["default"]
    env = {
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": database_url(connection.settings_dict),
        "REDIS_URL": cache["LOCATION"],
        "CACHE_KEY_PREFIX": cache["KEY_PREFIX"],
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "LOG_LEVEL": "ERROR",
    }
    with gunicorn(env) as base_url:
        yield base_url


@pytest.mark.django_db
def test_the_georeport_library_reads_the_live_app_unchanged(live_app, monkeypatch, province_b):
    from georeport import GeoReport

    # The library resolves the host itself and *.localhost does not resolve here: an HTTP proxy stands in
    # for DNS (requests sends it the full URL, so the Host is the province's), the library is untouched.
    monkeypatch.setenv("HTTP_PROXY", live_app)
    for name in ("NO_PROXY", "no_proxy", "http_proxy"):
        monkeypatch.delenv(name, raising=False)
    local = service(province_b, local=True).code
    with tenant_context(province_b):
        recent = Case.objects.filter(received_at__gte=clock.now() - timedelta(days=90)).order_by("-received_at").first()

    for fmt in ("json", "xml"):
        client = GeoReport(f"http://{HOST}/open311/v2", jurisdiction="camau", output_format=fmt)
        services = client.get_service_list()
        assert local in [item["service_code"] for item in services]
        definition = client.get_service_definition(local)
        assert definition["service_code"] == local
        requests_ = client.get_service_requests(status="open,closed")
        assert recent.tracking_code in [item["service_request_id"] for item in requests_]
        one = client.get_service_request(recent.tracking_code)
        assert one["service_request_id"] == recent.tracking_code
        assert one["status"] in ("open", "closed")
    wrong = GeoReport(f"http://{HOST}/open311/v2", jurisdiction="hanoi")
    with pytest.raises(Exception, match="404"):
        wrong.get_service_list()


def test_a_key_whose_secret_holds_underscores_is_recognised():
    from channels.open311.models import key_prefix_of

    assert key_prefix_of("o311_abcdef01_se_cr_et") == "abcdef01"
    assert key_prefix_of("o311_abcdef01") == key_prefix_of("x_abcdef01_secret") == ""
