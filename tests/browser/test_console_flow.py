"""In a real browser, the life of a report: an operator types in a call, finds it again by a search
without diacritics and forwards it; the agency acknowledges and answers; the operator closes it.
People of another province or another agency are refused. Every step leaves a screenshot."""

from __future__ import annotations

import random
import re

from django.contrib.auth import get_user_model

import pytest
from django_tenants.utils import tenant_context
from playwright.sync_api import Page, expect

from cases.models import Agency, AgencyMember
from tenants import roles
from tenants.demo import DEMO_PASSWORD
from tenants.services import account_ensure
from tests.conftest import PROVINCE_A, PROVINCE_B, province

OPERATOR = f"operator.{PROVINCE_A}"
AGENCY = f"agency.{PROVINCE_A}"  # staff of the Department of Health (SYT)
OTHER_AGENCY = f"giaoduc.{PROVINCE_A}"  # staff of the Department of Education (SGDDT)
OTHER_PROVINCE = f"operator.{PROVINCE_B}"
CALLER = "Nguyễn Thị Mai"


@pytest.fixture(scope="module")
def other_agency_account(django_db_setup, django_db_blocker) -> str:
    """Committed before the server reads it: staff of another agency of the same province."""
    with django_db_blocker.unblock(), tenant_context(province(PROVINCE_A)):
        account_ensure(username=OTHER_AGENCY, password=DEMO_PASSWORD, role=roles.AGENCY_STAFF)
        user = get_user_model().objects.get(username=OTHER_AGENCY)
        AgencyMember.objects.get_or_create(user=user, defaults={"agency": Agency.objects.get(code="SGDDT")})
        health = Agency.objects.get(code="SYT").name
    return health


def press(page: Page, key: str) -> None:
    """A shortcut, once the page's scripts have run (a key pressed earlier does what it would without them)."""
    page.wait_for_load_state("load")
    page.keyboard.press(key)


def status_of(page: Page):
    return page.locator(".head-badges .status")


def test_a_report_from_call_to_closure(new_page, live_url, login, shot, other_agency_account):
    health_department = other_agency_account
    place = f"Hẻm Bà Tư số {random.randrange(10**5, 10**6)}"
    search = f"hem ba tu {place.split()[-1]} ngap nuoc"
    base = live_url(PROVINCE_A)

    # The operator takes a call: one key opens the form with the caller's number from the URL.
    operator = new_page()
    login(operator, PROVINCE_A, OPERATOR)
    expect(operator).to_have_url(re.compile(r"/cases/$"))
    shot(operator, "operator-inbox")
    operator.goto(f"{base}/cases/new/?phone=0912%20468%20135")
    expect(operator.locator("#id_phone")).to_have_value("0912 468 135")
    operator.fill("#id_name", CALLER)
    operator.select_option("#id_category", label="Tư vấn sức khỏe, y tế")
    operator.fill("#id_description", f"{place} ngập nước sau mưa, người dân hỏi cách phòng sốt xuất huyết.")
    shot(operator, "operator-new-case")
    operator.get_by_role("button", name="Tạo phản ánh").click()
    expect(operator.locator(".messages")).to_contain_text("Đã tạo phản ánh")
    code = re.search(r"/cases/(\d{9})/$", operator.url).group(1)
    display = f"{code[:3]} {code[3:6]} {code[6:]}"

    # Found again by words typed without diacritics; the list updates without a page load.
    press(operator, "i")
    expect(operator).to_have_url(re.compile(r"/cases/$"))
    operator.wait_for_load_state("load")
    operator.fill("#id_q", search)
    expect(operator.locator("#inbox-results")).to_contain_text(f"Kết quả cho “{search}”")
    expect(operator).to_have_url(re.compile(r"[?&]q=hem"))
    expect(operator.locator("#inbox-results")).to_contain_text(display)
    expect(operator.locator("#inbox-results .case-link")).to_have_count(1)
    shot(operator, "operator-search-without-diacritics")
    operator.locator("#inbox-results .case-link").click()
    expect(operator.locator("h1")).to_contain_text(display)

    # Forward: the key opens the form, typing narrows the directory, the suggestion is first.
    press(operator, "f")
    operator.fill("#agency-filter-forward", "y te")
    operator.select_option("#id_agency", label=health_department)
    shot(operator, "operator-forward")
    operator.locator("#action-forward button[type=submit]").click()
    expect(status_of(operator)).to_have_text("Đã chuyển")
    expect(operator.locator(".timeline")).to_contain_text(health_department.split()[0])
    shot(operator, "operator-forwarded")

    # The agency sees it, without the caller's identity; acknowledges and answers.
    agency = new_page()
    login(agency, PROVINCE_A, AGENCY)
    expect(agency).to_have_url(re.compile(r"/agency/$"))
    expect(agency.locator("#inbox-results")).to_contain_text(display)
    shot(agency, "agency-inbox")
    agency.get_by_role("link", name=display).click()
    expect(agency.locator("main")).not_to_contain_text(CALLER)
    expect(agency.locator("main")).to_contain_text("091****135")
    agency.get_by_role("button", name="Xác nhận tiếp nhận").click()
    expect(status_of(agency)).to_have_text("Đang xử lý")
    shot(agency, "agency-acknowledged")
    press(agency, "r")
    agency.fill("textarea[name=answer]", "Trạm y tế phường sẽ phun thuốc diệt muỗi trong sáng mai.")
    agency.locator("#action-answer button[type=submit]").click()
    expect(status_of(agency)).to_have_text("Đã trả lời")
    shot(agency, "agency-answered")

    # The operator closes it with the agency's answer.
    operator.reload()
    expect(status_of(operator)).to_have_text("Đã trả lời")
    press(operator, "c")
    operator.fill("textarea[name=resolution]", "Trạm y tế phường phun thuốc diệt muỗi sáng mai; đã báo người dân.")
    operator.locator("#action-close button[type=submit]").click()
    expect(status_of(operator)).to_have_text("Đã đóng")
    expect(operator.locator(".timeline")).to_contain_text("Đã đóng")
    shot(operator, "operator-closed")

    # Staff of another agency of the same province: the case does not exist for them.
    stranger = new_page()
    login(stranger, PROVINCE_A, OTHER_AGENCY)
    expect(stranger.locator("#inbox-results")).not_to_contain_text(display)
    response = stranger.goto(f"{base}/agency/{code}/")
    assert response.status == 404
    shot(stranger, "other-agency-refused")
    assert stranger.goto(f"{base}/cases/{code}/").status == 403
    shot(stranger, "other-agency-console-refused")

    # An operator of another province: no account here, and the case is not found on their own host.
    outsider = new_page()
    login(outsider, PROVINCE_A, OTHER_PROVINCE)
    expect(outsider).to_have_url(re.compile(r"/accounts/login/$"))
    expect(outsider.get_by_role("alert")).to_be_visible()
    shot(outsider, "other-province-login-refused")
    login(outsider, PROVINCE_B, OTHER_PROVINCE)
    assert outsider.goto(f"{live_url(PROVINCE_B)}/cases/{code}/").status == 404
    shot(outsider, "other-province-case-not-found")


def test_the_console_reads_on_a_phone(new_page, live_url, login, shot):
    phone = new_page()
    phone.set_viewport_size({"width": 390, "height": 844})
    login(phone, PROVINCE_A, OPERATOR)
    expect(phone.locator(".queue-tabs")).to_be_visible()
    # No sideways scrolling of the whole page: the table becomes cards.
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    shot(phone, "phone-inbox")
