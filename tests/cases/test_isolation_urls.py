"""Every console and agency URL, tried by the people who must not use it.

Another province's case is not found (404); the wrong role is refused (403); another
agency's case is not found (404); a session from another province's host is a stranger
here (sent to this host's login page). No refused request changes anything.
"""

from __future__ import annotations

import uuid

from django.contrib.auth import get_user_model
from django.test import Client

import pytest
from django_tenants.utils import tenant_context

from cases import services
from cases.models import Agency, AgencyMember, Callback, Case, CaseEvent
from cases.services import ReporterInput
from cases.views.actions import AGENCY_ACTIONS, OPERATOR_ACTIONS
from tenants import roles
from tenants.demo import DEMO_PASSWORD
from tests.conftest import PROVINCE_A, PROVINCE_B, host_of


def console_urls(code: str, callback_id: int) -> list[tuple[str, str]]:
    return [
        ("get", "/cases/"),
        ("get", "/cases/?q=ngap+nuoc"),
        ("get", "/cases/counts/"),
        ("get", "/cases/new/?phone=0912345678"),
        ("get", "/cases/new/history/?phone=0912345678"),
        ("post", "/cases/new/"),
        ("get", "/cases/callbacks/"),
        ("post", "/cases/callbacks/"),
        ("post", f"/cases/callbacks/{callback_id}/"),
        ("get", "/cases/supervision/"),
        ("get", f"/cases/{code}/"),
        ("post", f"/cases/{code}/reveal/"),
        *(("post", f"/cases/{code}/{action.key}/") for action in OPERATOR_ACTIONS),
    ]


def agency_urls(code: str) -> list[tuple[str, str]]:
    return [
        ("get", "/agency/"),
        ("get", f"/agency/{code}/"),
        *(("post", f"/agency/{code}/{action.key}/") for action in AGENCY_ACTIONS),
    ]


def case_specific(urls: list[tuple[str, str]], code: str) -> list[tuple[str, str]]:
    return [(method, url) for method, url in urls if code in url]


# Enough for every form to be valid, so a refusal cannot hide behind a validation error.
FORM = {
    "text": "x",
    "reason": "x",
    "resolution": "x",
    "answer": "x",
    "question": "x",
    "note": "x",
    "outcome": "reached",
    "phone": "0912345678",
    "description": "x",
    "channel": "voice",
    "priority": "normal",
    "submission": "00000000-0000-0000-0000-000000000000",
}


def signed_in(slug: str, username: str) -> Client:
    client = Client(HTTP_HOST=host_of(slug))
    assert client.post("/accounts/login/", {"username": username, "password": DEMO_PASSWORD}).status_code == 302
    return client


def request(client: Client, method: str, url: str):
    return client.get(url) if method == "get" else client.post(url, FORM)


@pytest.fixture
def setting(province_a):
    """A case of Bình Dương forwarded to its SYT, a callback on it, and staff of another agency (SGDDT)."""
    with tenant_context(province_a):
        operator = get_user_model().objects.get(username=f"operator.{PROVINCE_A}")
        case = services.case_intake(
            channel="voice",
            description="Đường ngập nước sâu trước trường học.",
            category="tu-van-y-te",
            reporter=ReporterInput(name="Đỗ Văn Khoa", phone="0978 111 222"),
        ).case
        case = services.case_forward(case=case, actor=operator, agency=Agency.objects.get(code="SYT"))
        callback = Callback.objects.create(
            phone="+84978111222", case=case, reason="follow_up", due_at=case.received_at, created_at=case.received_at
        )
        other = get_user_model().objects.create_user(username=f"gd-{uuid.uuid4().hex[:6]}", password=DEMO_PASSWORD)
        other.groups.add(roles.role_group(roles.AGENCY_STAFF))
        AgencyMember.objects.create(user=other, agency=Agency.objects.get(code="SGDDT"))
    return {"case": case, "callback": callback, "other_agency_user": other.username}


def unchanged(province, case: Case) -> bool:
    with tenant_context(province):
        fresh = Case.objects.get(pk=case.pk)
        events = CaseEvent.objects.filter(case=case).count()
    return fresh.status == case.status and fresh.agency_id == case.agency_id and events == 2


def test_agency_staff_are_refused_every_console_url(setting, province_a):
    client = signed_in(PROVINCE_A, f"agency.{PROVINCE_A}")
    for method, url in console_urls(setting["case"].tracking_code, setting["callback"].pk):
        assert request(client, method, url).status_code == 403, url
    assert unchanged(province_a, setting["case"])


def test_operators_are_refused_every_agency_url(setting, province_a):
    client = signed_in(PROVINCE_A, f"operator.{PROVINCE_A}")
    for method, url in agency_urls(setting["case"].tracking_code):
        assert request(client, method, url).status_code == 403, url
    assert unchanged(province_a, setting["case"])


def test_another_agency_does_not_find_the_case_at_any_url(setting, province_a):
    code = setting["case"].tracking_code
    client = signed_in(PROVINCE_A, setting["other_agency_user"])
    for method, url in case_specific(agency_urls(code), code):
        assert request(client, method, url).status_code == 404, url
    assert setting["case"].display_code not in client.get("/agency/?queue=all").content.decode()
    assert setting["case"].display_code not in client.get(f"/agency/?q={code}").content.decode()
    assert unchanged(province_a, setting["case"])


@pytest.mark.parametrize("username", [f"operator.{PROVINCE_B}", f"supervisor.{PROVINCE_B}"])
def test_another_provinces_staff_do_not_find_the_case_at_any_url(setting, province_a, username):
    code = setting["case"].tracking_code
    client = signed_in(PROVINCE_B, username)
    for method, url in case_specific(console_urls(code, 0), code):
        assert request(client, method, url).status_code == 404, url
    assert setting["case"].display_code not in client.get(f"/cases/?q={code}").content.decode()
    assert "Không có phản ánh nào khớp" in client.get("/cases/?q=0978111222").content.decode()
    assert unchanged(province_a, setting["case"])


@pytest.mark.parametrize("username", [f"operator.{PROVINCE_B}", f"agency.{PROVINCE_B}"])
def test_a_session_from_another_province_is_a_stranger_at_every_url(setting, province_a, username):
    """The other province's session cookie, replayed on this host, is nobody: every URL sends to the login page."""
    code = setting["case"].tracking_code
    theirs = signed_in(PROVINCE_B, username)
    here = Client(HTTP_HOST=host_of(PROVINCE_A))
    here.cookies = theirs.cookies
    for method, url in console_urls(code, setting["callback"].pk) + agency_urls(code):
        response = request(here, method, url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/"), url
    assert unchanged(province_a, setting["case"])
