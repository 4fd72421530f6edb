"""In a real browser: a citizen sends a report with the province site's form, gets its tracking code,
and finds the case on the status page with the last digits of their phone number."""

from __future__ import annotations

import re

from django.conf import settings

from django_tenants.utils import tenant_context
from playwright.sync_api import expect

from cases.models import Case, Channel, Ward
from tests.conftest import PROVINCE_B, province

PHONE = "0852 906 733"
DESCRIPTION = "Đèn tín hiệu giao thông ở ngã tư trước bến xe bị tắt từ sáng, xe cộ đi lại lộn xộn, rất dễ va chạm."


def test_a_citizen_reports_and_then_follows_the_case(page, live_url, shot):
    camau = province(PROVINCE_B)
    with tenant_context(camau):
        ward = Ward.objects.order_by("code")[5]
    page.goto(f"{live_url(PROVINCE_B)}/phan-anh/")
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    expect(page.get_by_role("heading", level=1)).to_have_text("Gửi phản ánh đến Tổng đài 1022")

    page.get_by_label("Phản ánh về vấn đề gì?").select_option("giao-thong")
    page.get_by_label("Nội dung phản ánh").fill(DESCRIPTION)
    # The type-to-filter box narrows the long list of wards and communes.
    page.get_by_label("Gõ để lọc danh sách").fill(ward.name.split(" ", 1)[-1])
    page.get_by_label("Xã, phường").select_option(str(ward.code))
    page.get_by_label("Số điện thoại").fill(PHONE)
    shot(page, "form-filled")
    # A person takes a moment to read the form over; one sent sooner is taken for a bot's.
    page.wait_for_timeout(settings.WEB_FORM_MIN_SECONDS * 1000 + 200)
    page.get_by_role("button", name="Gửi phản ánh").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Phản ánh của bạn đã được tiếp nhận")
    code = page.locator("#tracking-code").inner_text().strip()
    assert re.fullmatch(r"\d{3} \d{3} \d{3}", code)
    shot(page, "thank-you")
    with tenant_context(camau):
        case = Case.objects.get(tracking_code=code.replace(" ", ""))
        assert (case.channel, case.ward_id, case.description) == (Channel.WEB, ward.pk, DESCRIPTION)

    page.get_by_role("link", name="trang tra cứu").click()
    page.get_by_label("Mã theo dõi").fill(code)
    page.get_by_label("Bốn số cuối của số điện thoại").fill(PHONE.replace(" ", "")[-4:])
    page.get_by_role("button", name="Tra cứu").click()

    result = page.locator(".web-result")
    expect(result.get_by_role("heading", name=f"Phản ánh {code}")).to_be_visible()
    expect(result).to_contain_text("Đã tiếp nhận, đang chờ xử lý")
    expect(result).not_to_contain_text(DESCRIPTION)
    expect(result).not_to_contain_text(PHONE)
    shot(page, "status")
