"""The phone line in a province's Wagtail admin: menus, settings (the token never shown back) and the test page."""

from __future__ import annotations

import random
import uuid

from django.core.exceptions import ValidationError
from django.test import Client

import pytest
from django_tenants.utils import tenant_context

from cases.models import Agency, AgencyPhone
from channels.voice.models import Call, IvrMenu, IvrOption, VoiceSettings
from tenants.demo import DEMO_PASSWORD
from tests.conftest import host_of

SETTINGS_URL = "/admin/settings/hotline_channels/voicesettings/"
MENUS_URL = "/admin/snippets/hotline_channels/ivrmenu/"
SIMULATE_URL = "/admin/hotline/test/"


def signed_in(slug: str, username: str) -> Client:
    client = Client(HTTP_HOST=host_of(slug))
    assert client.post("/accounts/login/", {"username": username, "password": DEMO_PASSWORD}).status_code == 302
    return client


@pytest.fixture
def camau_menu(province_b) -> IvrMenu:
    """A menu of Cà Mau's own, played day and night: key 2 rings the CDC."""
    with tenant_context(province_b):
        cdc = Agency.objects.get(code="CDC")
        # One number of the test's own, whatever the demo gives the CDC (rolled back after the test).
        cdc.phones.all().delete()
        AgencyPhone.objects.create(agency=cdc, number=f"+84290{random.randrange(10**7):07d}", order=0)
        menu = IvrMenu.objects.create(name=f"Menu Cà Mau {uuid.uuid4().hex[:8]}", prompt="Bấm phím 2 để gặp CDC.")
        IvrOption.objects.create(menu=menu, key="2", label="Phòng chống dịch", action="transfer", agency=cdc)
        line = VoiceSettings.load()
        line.auth_token = "camau-token-for-the-admin-tests"
        line.day_menu, line.night_menu, line.calendar, line.surge_enabled = menu, None, None, False
        line.save()
    return menu


def settings_form(**changes) -> dict:
    data = {
        "account_sid": "AC0123456789abcdef0123456789abcdef",
        "auth_token": "",
        "voice": "Google.vi-VN-Wavenet-A",
        "greeting": "Tổng đài 1022 Cà Mau xin kính chào.",
        "dial_timeout": "20",
        "queue_max_wait": "120",
        "callback_minutes": "30",
        "voicemail_prompt": "Xin để lại lời nhắn sau tiếng bíp.",
        "emergency_number": "115",
    }
    return {**data, **changes}


def test_province_admin_lists_the_menus_with_their_keys(camau_menu):
    client = signed_in("camau", "admin.camau")

    response = client.get(MENUS_URL)

    assert response.status_code == 200
    row = next(row for row in response.context["table"].data if row.pk == camau_menu.pk)
    assert row.key_count == 1
    assert camau_menu.name in response.content.decode()
    assert client.get(f"{MENUS_URL}edit/{camau_menu.pk}/").status_code == 200
    home = client.get("/admin/").content.decode()
    assert MENUS_URL in home and SIMULATE_URL in home


def test_the_auth_token_is_never_shown_back_and_a_blank_field_keeps_it(camau_menu, province_b):
    client = signed_in("camau", "admin.camau")
    edit_url = client.get(SETTINGS_URL).url
    token = f"secret-{uuid.uuid4().hex}"

    saved = client.post(edit_url, settings_form(auth_token=token, day_menu=str(camau_menu.pk)))
    assert saved.status_code == 302, saved.content.decode()[:2000]
    page = client.get(edit_url).content.decode()

    assert token not in page
    assert 'type="password"' in page
    with tenant_context(province_b):
        assert VoiceSettings.load().auth_token == token

    assert client.post(edit_url, settings_form(auth_token="", day_menu=str(camau_menu.pk))).status_code == 302
    with tenant_context(province_b):
        assert VoiceSettings.load().auth_token == token


def test_another_province_admin_never_sees_camau_menus(camau_menu):
    client = signed_in("binhduong", "admin.binhduong")

    response = client.get(MENUS_URL)

    assert response.status_code == 200
    assert camau_menu.name not in response.content.decode()
    # The same id, if Bình Dương has it, is one of Bình Dương's own menus.
    assert camau_menu.name not in client.get(f"{MENUS_URL}edit/{camau_menu.pk}/").content.decode()


@pytest.mark.parametrize("url", ["/admin/", MENUS_URL, SETTINGS_URL, SIMULATE_URL])
def test_an_operator_has_no_admin(url, camau_menu):
    client = signed_in("camau", "operator.camau")

    response = client.get(url)

    assert response.status_code in (302, 403)
    if response.status_code == 302:
        assert response.url.startswith(("/admin/login/", "/accounts/login/", "/accounts/")), response.url


def test_the_test_page_runs_a_call_and_shows_each_step(camau_menu, province_b):
    client = signed_in("camau", "admin.camau")
    page = client.get(SIMULATE_URL)
    assert page.status_code == 200
    assert "+842901022" in page.content.decode()

    response = client.post(
        SIMULATE_URL,
        {
            "to": "+842901022",
            "caller": f"091{random.randrange(10**7):07d}",
            "digits": "2",
            "dial_1": "no-answer",
            "dial_2": "no-answer",
            "dial_3": "no-answer",
            "queue_result": "leave",
            "recording_seconds": "20",
        },
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert f"menu «{camau_menu.name}» (bấm phím)" in html
    assert "&lt;Dial" in html and "&lt;Enqueue" in html and "&lt;Record" in html
    assert 'href="/cases/callbacks/"' in html
    with tenant_context(province_b):
        call = Call.objects.filter(simulated=True).latest("started_at")
        assert call.callback is not None
        assert call.outcome in (Call.Outcome.MISSED, Call.Outcome.VOICEMAIL)


def test_menu_keys_need_their_target(camau_menu, province_b):
    with tenant_context(province_b):
        for action, field in (("submenu", "submenu"), ("transfer", "agency"), ("announcement", "text")):
            with pytest.raises(ValidationError) as raised:
                IvrOption(menu=camau_menu, key="5", label="Thiếu", action=action).clean()
            assert field in raised.value.message_dict, action
        IvrOption(menu=camau_menu, key="5", label="Thông báo", action="announcement", text="Giờ làm việc…").clean()


def test_a_menu_with_the_same_key_twice_is_refused(camau_menu, province_b):
    client = signed_in("camau", "admin.camau")
    option = {"label": "Tổng đài viên", "action": "operator", "fallback_to_operators": "on"}
    data = {
        "name": f"Menu trùng phím {uuid.uuid4().hex[:8]}",
        "prompt": "Bấm phím 1.",
        "timeout": "6",
        "attempts": "2",
        "options-TOTAL_FORMS": "2",
        "options-INITIAL_FORMS": "0",
        "options-MIN_NUM_FORMS": "1",
        "options-MAX_NUM_FORMS": "1000",
    }
    for index in range(2):
        data |= {f"options-{index}-{name}": value for name, value in {**option, "key": "1"}.items()}
        data |= {f"options-{index}-ORDER": str(index + 1), f"options-{index}-id": ""}

    response = client.post(f"{MENUS_URL}add/", data)

    assert response.status_code == 200
    doubled = response.context["form"].formsets["options"].forms[1]
    assert list(doubled.errors) == ["key"]
    with tenant_context(province_b):
        assert not IvrMenu.objects.filter(name=data["name"]).exists()
