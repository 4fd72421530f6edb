"""A province's lifecycle on its hosts and its phone line: suspended (maintenance page, webhooks
still stored, the line reads the notice and rings the fallback number), resumed, and merged
(machines served by the successor under the old host, people redirected to the successor's site)."""

from __future__ import annotations

import json
import uuid
import xml.etree.ElementTree as ET
from types import SimpleNamespace

from django.conf import settings
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import translation

import pytest
from django_tenants.utils import get_public_schema_name, schema_context, tenant_context

from channels.sms.models import SmsMessage
from channels.twilio_api import signature_for
from channels.voice.models import Call, CallTransfer, VoiceSettings
from channels.voice.simulator import call_simulate
from tenants.lifecycle import province_caches_forget, province_resume
from tenants.models import Province
from tests.channels.voice_support import Phone
from tests.conftest import host_of, province
from tests.tenants.lifecycle_support import FALLBACK, NOTICE, SLUG, merge_by_hand, status_restore, suspended

HOTLINE = "+842371022"
TOKEN = "test-auth-token-thanhhoa-lifecycle"
CALLER = "+84912000111"


@pytest.fixture
def thanhhoa(db):
    """Thanh Hóa, active, with a Twilio token the tests sign with; put back as found afterwards."""
    unit = province(SLUG)
    with tenant_context(unit):
        line = VoiceSettings.load()
        saved_token = line.auth_token
        line.auth_token = TOKEN
        line.save()
    try:
        yield unit
    finally:
        status_restore(unit)
        with tenant_context(unit):
            line = VoiceSettings.load()
            line.auth_token = saved_token
            line.save()


def in_schema(unit: Province, func):
    with tenant_context(unit):
        return func()


# --- The service ---------------------------------------------------------------------------------


def test_suspending_normalises_the_fallback_number_and_records_when(thanhhoa):
    result = suspended(thanhhoa)

    stored = province(SLUG)
    assert result.status == stored.status == Province.Status.SUSPENDED
    assert stored.fallback_number == FALLBACK
    assert stored.suspension_notice == NOTICE
    assert stored.status_changed_at is not None


def test_only_an_active_province_is_suspended_and_only_a_suspended_one_resumed(thanhhoa):
    with pytest.raises(ValidationError):
        province_resume(thanhhoa)
    suspended(thanhhoa)
    with pytest.raises(ValidationError):
        suspended(thanhhoa)

    province_resume(thanhhoa)

    assert province(SLUG).status == Province.Status.ACTIVE
    with pytest.raises(ValidationError):
        province_resume(thanhhoa)


@pytest.mark.parametrize("number", ["123", "not a number", "0237 12"])
def test_a_bad_fallback_number_is_refused_in_vietnamese(thanhhoa, number):
    with translation.override("vi"), pytest.raises(ValidationError) as refused:
        suspended(thanhhoa, fallback=number)

    messages = refused.value.message_dict["fallback_number"]
    assert any("không phải là số điện thoại" in message for message in messages)
    assert province(SLUG).status == Province.Status.ACTIVE


def test_without_a_fallback_number_the_province_can_still_be_suspended(thanhhoa):
    suspended(thanhhoa, fallback="")

    assert province(SLUG).fallback_number == ""


# --- The sites while suspended -----------------------------------------------------------------------


def test_a_suspended_province_answers_with_a_maintenance_page_that_is_never_cached(thanhhoa):
    client = Client(HTTP_HOST=host_of(SLUG))
    assert client.get("/").status_code == 200
    assert client.get("/")["X-Page-Cache"] == "hit"

    suspended(thanhhoa)
    response = client.get("/")

    assert response.status_code == 503
    assert "X-Page-Cache" not in response
    assert response["Retry-After"].isdigit()
    assert "no-store" in response["Cache-Control"]
    body = response.content.decode()
    assert NOTICE in body
    assert "Thanh Hóa" in body
    assert f'href="tel:{FALLBACK}"' in body
    assert "0237 3852 022" in body
    assert f'href="http://{settings.BASE_DOMAIN}/"' in body
    assert '<html lang="vi">' in body
    again = client.get("/")
    assert again.status_code == 503 and "X-Page-Cache" not in again


@pytest.mark.parametrize("path", ["/cau-hoi-thuong-gap/", "/tra-cuu/", "/phan-anh/", "/accounts/login/", "/admin/"])
def test_every_page_of_a_suspended_province_is_the_maintenance_page(thanhhoa, path):
    suspended(thanhhoa)

    response = Client(HTTP_HOST=host_of(SLUG)).get(path)

    assert response.status_code == 503
    assert NOTICE in response.content.decode()


def test_a_resumed_province_serves_fresh_pages_again(thanhhoa):
    client = Client(HTTP_HOST=host_of(SLUG))
    client.get("/")
    suspended(thanhhoa)
    assert client.get("/").status_code == 503

    province_resume(thanhhoa)
    response = client.get("/")

    assert response.status_code == 200
    # Not the copy cached before the suspension: the province's page cache was purged.
    assert response["X-Page-Cache"] == "miss"


def test_other_provinces_are_untouched_by_a_suspension(thanhhoa, client_a):
    suspended(thanhhoa)

    assert client_a.get("/").status_code == 200


def test_the_apis_answer_503_in_their_own_formats(thanhhoa):
    suspended(thanhhoa)
    client = Client(HTTP_HOST=host_of(SLUG))

    api = client.get("/api/v1/categories/")
    assert api.status_code == 503
    assert api["Content-Type"].startswith("application/json")
    assert api["Retry-After"].isdigit()
    assert json.loads(api.content)["notice"] == NOTICE

    open311 = client.get("/open311/v2/services.json")
    assert open311.status_code == 503
    errors = json.loads(open311.content)
    assert errors[0]["code"] == 503
    assert NOTICE in [error["description"] for error in errors]
    assert client.get("/open311/v2/services.xml").content.startswith(b"<?xml")


def test_an_inbound_sms_to_a_suspended_province_is_still_stored(thanhhoa):
    suspended(thanhhoa)
    sid = f"SM{uuid.uuid4().hex}"
    params = {"MessageSid": sid, "From": CALLER, "To": HOTLINE, "Body": "Đèn đường hỏng ở phường Hạc Thành."}
    signature = signature_for(f"http://{host_of(SLUG)}/hooks/twilio/sms/", params, TOKEN)

    response = Client(HTTP_HOST=host_of(SLUG)).post("/hooks/twilio/sms/", params, HTTP_X_TWILIO_SIGNATURE=signature)

    assert response.status_code == 200
    assert in_schema(thanhhoa, lambda: SmsMessage.objects.filter(message_sid=sid).exists())


# --- The phone line while suspended -----------------------------------------------------------------


def suspended_call(host: str = "localhost") -> Phone:
    phone = Phone(host=host, token=TOKEN, caller=CALLER, called=HOTLINE)
    assert phone.start().status_code == 200
    return phone


@pytest.mark.parametrize("host", ["localhost", host_of(SLUG)])
def test_a_call_to_a_suspended_province_hears_the_notice_and_rings_the_fallback_number(thanhhoa, host):
    suspended(thanhhoa)

    phone = suspended_call(host)

    say = phone.last.find("Say")
    assert say.text == NOTICE and say.get("language") == "vi-VN"
    dial = phone.last.find("Dial")
    assert dial.find("Number").text == FALLBACK
    assert int(dial.get("timeout")) > 0 and dial.get("action")
    assert phone.last.find("Gather") is None and phone.last.find("Enqueue") is None
    call = in_schema(thanhhoa, lambda: Call.objects.get(call_sid=phone.sid))
    assert call.from_number == CALLER
    assert in_schema(thanhhoa, lambda: call.transfers.get().number) == FALLBACK


def test_the_fallback_numbers_answer_is_recorded_and_ends_the_call(thanhhoa):
    suspended(thanhhoa)
    phone = suspended_call()

    phone.dial_result("completed", duration=95)

    assert phone.last.find("Hangup") is not None
    call = in_schema(thanhhoa, lambda: Call.objects.get(call_sid=phone.sid))
    assert call.answered_at is not None
    assert call.outcome == Call.Outcome.OPERATOR
    transfer = in_schema(thanhhoa, lambda: CallTransfer.objects.get(call=call))
    assert transfer.dial_status == "completed" and transfer.dial_duration == 95


def test_an_unanswered_fallback_number_ends_the_call_politely_without_a_queue(thanhhoa):
    suspended(thanhhoa)
    phone = suspended_call()

    phone.dial_result("no-answer")

    assert phone.last.find("Enqueue") is None
    assert phone.last.find("Hangup") is not None
    assert "gọi lại" in phone.said()


def test_without_a_fallback_number_the_caller_hears_the_standard_notice_and_the_call_ends(thanhhoa):
    suspended(thanhhoa, notice="", fallback="")

    phone = suspended_call()

    assert "tạm ngừng hoạt động" in phone.said()
    assert phone.last.find("Dial") is None
    assert phone.last.find("Hangup") is not None
    assert in_schema(thanhhoa, lambda: Call.objects.filter(call_sid=phone.sid).exists())


def test_twilio_retrying_the_first_request_gets_the_same_answer_and_one_call(thanhhoa):
    suspended(thanhhoa)
    phone = suspended_call()

    again = phone.repeat()

    assert ET.fromstring(again.content).find("Dial").find("Number").text == FALLBACK
    assert in_schema(thanhhoa, lambda: Call.objects.filter(call_sid=phone.sid).count()) == 1


def test_a_resumed_province_plays_its_menu_again(thanhhoa):
    suspended(thanhhoa)
    province_resume(thanhhoa)

    phone = suspended_call()

    assert phone.last.find("Gather") is not None or phone.last.find("Enqueue") is not None
    assert NOTICE not in phone.said()


def test_the_simulator_walks_a_suspended_call_to_the_fallback_number(thanhhoa):
    suspended(thanhhoa)

    simulation = call_simulate(to="0237 1022", caller="0912 000 111", dial_statuses=("no-answer",))

    assert any(step.summary.startswith("Chuyển máy") for step in simulation)
    assert FALLBACK in simulation[0].twiml
    assert simulation.call is not None and simulation.call.simulated
    assert simulation.call.outcome != Call.Outcome.IN_PROGRESS


# --- Merged hosts -------------------------------------------------------------------------------------


@pytest.fixture
def merged(thanhhoa):
    """Bình Phước marked as merged into Thanh Hóa (its pages under /binh-phuoc/); put back afterwards."""
    unit = province("binhphuoc")
    merge_by_hand(unit, thanhhoa, "/binh-phuoc/")
    try:
        yield SimpleNamespace(unit=unit, successor=thanhhoa, host=host_of("binhphuoc"))
    finally:
        status_restore(unit)


def location_of(response) -> str:
    assert response.status_code in (301, 307), response.status_code
    return response["Location"]


SUCCESSOR = f"http://{host_of(SLUG)}"


@pytest.mark.parametrize(
    ("path", "target"),
    [
        ("/", "/binh-phuoc/"),
        ("/cau-hoi-thuong-gap/", "/binh-phuoc/cau-hoi-thuong-gap/"),
        ("/cau-hoi-thuong-gap/dang-ky-tiem-vac-xin/", "/binh-phuoc/cau-hoi-thuong-gap/dang-ky-tiem-vac-xin/"),
        ("/cau-hoi-thuong-gap", "/binh-phuoc/cau-hoi-thuong-gap"),
        ("/tra-cuu/?code=1", "/tra-cuu/?code=1"),
        ("/phan-anh/", "/phan-anh/"),
        ("/tim-kiem/?q=tiem+vac+xin", "/tim-kiem/?q=tiem+vac+xin"),
        ("/accounts/login/?next=/cases/", "/accounts/login/?next=/cases/"),
        ("/admin/", "/admin/"),
        ("/cau-hoi-thuong-gap/?tag=y-te&page=2", "/binh-phuoc/cau-hoi-thuong-gap/?tag=y-te&page=2"),
    ],
)
def test_people_on_a_merged_host_are_sent_to_the_successor_for_good(merged, path, target):
    response = Client(HTTP_HOST=merged.host).get(path)

    assert response.status_code == 301
    assert location_of(response) == f"{SUCCESSOR}{target}"


def test_the_redirect_keeps_the_scheme_and_the_port(merged):
    response = Client(HTTP_HOST=f"{merged.host}:8000").get("/tra-cuu/", secure=True)

    assert location_of(response) == f"https://{host_of(SLUG)}:8000/tra-cuu/"


def test_a_head_request_is_redirected_and_a_form_post_keeps_its_method(merged):
    client = Client(HTTP_HOST=merged.host)

    assert client.head("/").status_code == 301
    posted = client.post("/phan-anh/", {"description": "Đường ngập"})
    assert posted.status_code == 307
    assert location_of(posted) == f"{SUCCESSOR}/phan-anh/"


def test_a_merged_host_without_a_section_sends_its_pages_to_the_successors_own(merged):
    merge_by_hand(merged.unit, merged.successor, "")

    client = Client(HTTP_HOST=merged.host)

    assert location_of(client.get("/")) == f"{SUCCESSOR}/"
    assert location_of(client.get("/cau-hoi-thuong-gap/")) == f"{SUCCESSOR}/cau-hoi-thuong-gap/"


def test_webhooks_to_a_merged_host_are_served_by_the_successor(merged):
    phone = Phone(host=merged.host, token=TOKEN, caller=CALLER, called="+842711022")

    response = phone.start()

    assert response.status_code == 200
    assert in_schema(merged.successor, lambda: Call.objects.filter(call_sid=phone.sid).exists())
    assert not in_schema(merged.unit, lambda: Call.objects.filter(call_sid=phone.sid).exists())


def test_the_apis_of_a_merged_host_are_the_successors(merged):
    client = Client(HTTP_HOST=merged.host)

    assert client.get("/api/schema/").status_code == 200
    assert client.get("/open311/v2/services.json").status_code == 200


def test_a_merged_host_whose_successor_is_suspended_answers_503_to_machines(merged):
    suspended(merged.successor)
    client = Client(HTTP_HOST=merged.host)

    assert client.get("/api/v1/categories/").status_code == 503
    phone = Phone(host=merged.host, token=TOKEN, caller=CALLER, called="+842711022")
    assert phone.start().status_code == 200
    assert phone.last.find("Dial").find("Number").text == FALLBACK


def test_a_chain_of_mergers_is_followed_to_the_province_that_serves_it(merged):
    camau = province("camau")
    merge_by_hand(camau, merged.unit, "/ca-mau/")
    try:
        client = Client(HTTP_HOST=host_of("camau"))
        assert location_of(client.get("/")) == f"{SUCCESSOR}/binh-phuoc/ca-mau/"
        assert location_of(client.get("/tra-cuu/")) == f"{SUCCESSOR}/tra-cuu/"
    finally:
        status_restore(camau)


def test_a_looping_chain_is_refused_rather_than_followed(merged):
    with schema_context(get_public_schema_name()):
        Province.objects.filter(pk=merged.successor.pk).update(status=Province.Status.MERGED, merged_into=merged.unit)
    province_caches_forget(merged.successor)

    response = Client(HTTP_HOST=merged.host).get("/")

    assert response.status_code == 404
    assert "Bình Phước" not in response.content.decode() and "Thanh Hóa" not in response.content.decode()
