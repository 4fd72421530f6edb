"""In a real browser: a caller waits in Cà Mau's operator queue; the operator takes the call from the
console and lands on the new-case form with the caller's number and earlier cases (the screen pop)."""

from __future__ import annotations

import re
import uuid
import xml.etree.ElementTree as ET

from django.contrib.auth import get_user_model

import pytest
import requests
from django_tenants.utils import tenant_context
from playwright.sync_api import Page, expect

from cases.services import ReporterInput, case_intake
from channels.twilio_api import signature_for
from channels.voice.models import Call, IvrMenu, IvrOption, OperatorLine, VoiceSettings
from tests.conftest import PROVINCE_B, host_of, province

CALLER = "+84912777001"
OPERATOR = f"operator.{PROVINCE_B}"
TOKEN = "browser-test-token-camau"


@pytest.fixture(scope="module")
def camau_queue(django_db_setup, django_db_blocker):
    """Committed for the live server: a menu whose key 0 queues for an operator, a line for the operator,
    and an earlier case of the caller. Cà Mau's own menu and token come back afterwards."""
    with django_db_blocker.unblock(), tenant_context(province(PROVINCE_B)):
        line = VoiceSettings.load()
        saved = (line.auth_token, line.day_menu_id, line.night_menu_id)
        menu = IvrMenu.objects.create(name=f"Thử trình duyệt {uuid.uuid4().hex[:6]}", prompt="Bấm 0.")
        IvrOption.objects.create(menu=menu, key="0", label="Điện thoại viên", action=IvrOption.Action.OPERATOR)
        line.auth_token, line.day_menu, line.night_menu = TOKEN, menu, None
        line.save()
        operator = get_user_model().objects.get(username=OPERATOR)
        OperatorLine.objects.update_or_create(user=operator, defaults={"number": "+842903700009"})
        earlier = case_intake(
            channel="voice",
            provider_id=f"earlier-{uuid.uuid4().hex}",
            description="Hỏi lịch tiêm vắc-xin cho người cao tuổi ở khóm 5.",
            reporter=ReporterInput(phone=CALLER),
        ).case
    yield earlier
    with django_db_blocker.unblock(), tenant_context(province(PROVINCE_B)):
        line = VoiceSettings.load()
        line.auth_token, line.day_menu_id, line.night_menu_id = saved
        line.save()


def twilio_post(live_url, path: str, params: dict) -> requests.Response:
    """A signed webhook request to the live server, as Twilio sends it to the province's host."""
    host = f"{host_of(PROVINCE_B)}:{live_url.port}"
    signature = signature_for(f"http://{host}{path}", params, TOKEN)
    response = requests.post(
        f"{live_url.origin}{path}", data=params, headers={"Host": host, "X-Twilio-Signature": signature}, timeout=30
    )
    assert response.ok, response.text
    return response


def twilio_posts(live_url, path: str, params: dict) -> ET.Element:
    return ET.fromstring(twilio_post(live_url, path, params).content)


def test_the_operator_takes_a_queued_call_and_the_new_case_form_pops_up(
    page: Page, live_url, login, shot, camau_queue, fake_twilio
):
    sid = f"CA{uuid.uuid4().hex}"
    params = {"CallSid": sid, "From": CALLER, "To": "+842901022", "Direction": "inbound", "CallStatus": "ringing"}
    menu = twilio_posts(live_url, "/hooks/twilio/voice/incoming/", params)
    queued = twilio_posts(live_url, menu.find("Gather").get("action"), {**params, "Digits": "0"})
    assert queued.find("Enqueue") is not None

    login(page, PROVINCE_B, OPERATOR)
    page.goto(live_url(PROVINCE_B) + "/cases/")
    strip = page.locator("#calls-waiting")
    expect(strip).to_contain_text("0912777001")
    shot(page, "voice-caller-waiting")
    strip.get_by_role("button", name="Nhận cuộc gọi").first.click()

    expect(page).to_have_url(re.compile(r"/cases/new/\?"))
    expect(page.locator("#id_phone")).to_have_value("0912777001")
    expect(page.locator(".call-info")).to_contain_text("0912777001")
    expect(page.locator("#caller-history")).to_contain_text("Hỏi lịch tiêm vắc-xin cho người cao tuổi")
    shot(page, "voice-screen-pop")
    redirect = [r for r in fake_twilio.of("call") if r.path.endswith(f"/Calls/{sid}.json")]
    assert redirect and "/hooks/twilio/voice/operator/" in redirect[0].form["Url"]

    page.locator("#id_description").fill("Người dân báo có ca nghi mắc sốt xuất huyết ở khóm 5.")
    page.locator("main form.intake-form button[type=submit]").click()
    expect(page.locator("h1")).to_contain_text(re.compile(r"\d{3} \d{3} \d{3}"))
    shot(page, "voice-case-from-call")
    with tenant_context(province(PROVINCE_B)):
        call = Call.objects.select_related("case").get(call_sid=sid)
        assert call.case is not None and call.case.provider_id == sid
    # The call ends (the operator hangs up): nothing of it stays "in progress" for later tests.
    twilio_post(live_url, "/hooks/twilio/voice/status/", {**params, "CallStatus": "completed", "CallDuration": "95"})
