"""Who sees which case, and how much of the reporter: masked for agency and national roles, revealed on record."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.test import Client

import pytest
from django_tenants.utils import get_public_schema_name, schema_context, tenant_context

from cases.models import Agency, Case, CaseEvent
from cases.selectors import cases_visible_to, reporter_view
from cases.services import ReporterInput, case_forward, case_intake
from tenants.demo import DEMO_PASSWORD

PHONE = "+84912345678"
NAME = "Nguyễn Văn An"


def user(username: str):
    return get_user_model().objects.get(username=username)


@pytest.fixture
def forwarded_case(province_a) -> Case:
    """A report from a named caller, forwarded to the demo agency account's agency (SYT)."""
    with tenant_context(province_a):
        case = case_intake(
            channel="voice",
            description="Hỏi lịch tiêm vắc-xin cho trẻ.",
            category="tu-van-y-te",
            reporter=ReporterInput(name=NAME, phone="0912 345 678"),
        ).case
        return case_forward(case=case, actor=user("operator.binhduong"), agency=Agency.objects.get(code="SYT"))


def signed_in(client: Client, username: str) -> Client:
    assert client.post("/accounts/login/", {"username": username, "password": DEMO_PASSWORD}).status_code == 302
    return client


def test_agency_staff_see_a_masked_number_and_no_name(forwarded_case, province_a):
    with tenant_context(province_a):
        view = reporter_view(user("agency.binhduong"), forwarded_case.reporter)
        revealed = reporter_view(user("agency.binhduong"), forwarded_case.reporter, revealed=True)

    assert view.name is None and view.phone == "091****678" and view.masked
    assert revealed.name is None and revealed.phone == "091****678"


def test_national_roles_see_a_masked_number_and_no_name(forwarded_case, province_a):
    with schema_context(get_public_schema_name()):
        national = user("giamsat")
    with tenant_context(province_a):
        reporter = Case.objects.get(pk=forwarded_case.pk).reporter
        view = reporter_view(national, reporter, revealed=True)

    assert view.name is None and view.phone == "091****678" and view.email is None


def test_operators_see_the_name_and_the_full_number_only_after_a_reveal(forwarded_case, province_a):
    with tenant_context(province_a):
        operator = user("operator.binhduong")
        assert reporter_view(operator, forwarded_case.reporter).phone == "091****678"
        assert reporter_view(operator, forwarded_case.reporter).name == NAME
        assert reporter_view(operator, forwarded_case.reporter, revealed=True).phone == "0912345678"


def test_agency_staff_list_only_cases_forwarded_to_their_agency(forwarded_case, province_a):
    with tenant_context(province_a):
        visible = cases_visible_to(user("agency.binhduong"))
        assert forwarded_case in visible
        assert all(case.agency.code == "SYT" and case.forwarded_at for case in visible)
        assert cases_visible_to(user("operator.binhduong")).count() == Case.objects.count()


def test_the_case_page_masks_the_reporter_and_a_reveal_is_recorded(forwarded_case, client_a, province_a):
    operator = signed_in(client_a, "operator.binhduong")
    url = f"/cases/{forwarded_case.tracking_code}/"

    page = operator.get(url)
    assert page.status_code == 200
    assert "091****678" in page.content.decode() and "0912345678" not in page.content.decode()

    refused = operator.post(f"{url}reveal/", {"reason": "  "})
    assert refused.status_code == 400
    assert "Hãy nêu lý do" in refused.content.decode()
    revealed = operator.post(f"{url}reveal/", {"reason": "Gọi lại cho công dân để xác minh địa chỉ"})
    assert "0912345678" in revealed.content.decode()
    with tenant_context(province_a):
        event = CaseEvent.objects.get(case=forwarded_case, action=CaseEvent.Action.REVEALED)
    assert event.actor.username == "operator.binhduong"
    assert event.note == "Gọi lại cho công dân để xác minh địa chỉ"


def test_agency_staff_cannot_reveal_or_open_another_agencys_case(forwarded_case, client_a, province_a):
    agency = signed_in(client_a, "agency.binhduong")
    url = f"/agency/{forwarded_case.tracking_code}/"

    page = agency.get(url).content.decode()
    assert "091****678" in page and NAME not in page
    # The console, where a reveal lives, is closed to agency staff altogether.
    assert agency.post(f"/cases/{forwarded_case.tracking_code}/reveal/", {"reason": "tò mò"}).status_code == 403
    with tenant_context(province_a):
        other = case_intake(channel="web", description="Mất điện cả khu phố.", category="dien").case
    assert agency.get(f"/agency/{other.tracking_code}/").status_code == 404


def test_a_case_is_not_found_on_another_provinces_host(forwarded_case, client_b):
    operator = signed_in(client_b, "operator.camau")
    assert operator.get(f"/cases/{forwarded_case.tracking_code}/").status_code == 404


def test_the_case_list_shows_the_provinces_cases_to_signed_in_staff(client_a, province_a):
    assert client_a.get("/cases/").status_code == 302  # to the login page
    with tenant_context(province_a):
        latest = Case.objects.order_by("-received_at").first()
    listing = signed_in(client_a, "operator.binhduong").get("/cases/?queue=all")
    assert listing.status_code == 200
    assert latest.display_code in listing.content.decode()
