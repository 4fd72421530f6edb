"""In a real browser: a platform admin suspends Thanh Hóa from the national site, a citizen finds its
maintenance page with the notice and the fallback number, and the admin puts it back in service."""

from __future__ import annotations

import pytest
from django_tenants.utils import get_public_schema_name, schema_context
from playwright.sync_api import Page, Response, expect

from tenants.lifecycle import province_caches_forget
from tenants.models import Province
from tests.conftest import province
from tests.tenants.lifecycle_support import FALLBACK, NOTICE, SLUG

ADMIN = "quantri"


@pytest.fixture(scope="module")
def thanhhoa_kept(django_db_setup, django_db_blocker):
    """What the browser changes is committed for the live server: Thanh Hóa's row is put back afterwards."""
    with django_db_blocker.unblock(), schema_context(get_public_schema_name()):
        saved = Province.objects.filter(slug=SLUG).values("status", "suspension_notice", "fallback_number").get()
    yield
    with django_db_blocker.unblock(), schema_context(get_public_schema_name()):
        Province.objects.filter(slug=SLUG).update(**saved)
        province_caches_forget(province(SLUG))


def statuses(page: Page) -> list[int]:
    seen: list[int] = []

    def keep(response: Response) -> None:
        if "/static/" in response.url:
            seen.append(response.status)

    page.on("response", keep)
    return seen


def test_a_platform_admin_suspends_and_resumes_a_province(new_page, live_url, login, shot, thanhhoa_kept):
    admin = new_page()
    login(admin, None, ADMIN)
    admin.locator("header a[href='/platform/']").click()
    expect(admin.locator("main")).to_contain_text("Thanh Hóa")
    shot(admin, "provinces")

    admin.locator(f"main a[href='/platform/{SLUG}/']").click()
    form = admin.locator("#suspend-form")
    form.locator("textarea[name=notice]").fill(NOTICE)
    form.locator("input[name=fallback_number]").fill("123")
    form.locator("input[name=confirm]").check()
    form.locator("button[type=submit]").click()
    expect(form.locator(".errorlist, .error")).to_contain_text("không phải là số điện thoại hợp lệ")
    shot(admin, "bad-number")

    form.locator("input[name=fallback_number]").fill("0237 3852 022")
    form.locator("input[name=confirm]").check()
    form.locator("button[type=submit]").click()
    expect(admin.locator("#resume-form")).to_be_visible()
    expect(admin.locator("main")).to_contain_text(FALLBACK)
    shot(admin, "suspended")

    citizen = new_page()
    assets = statuses(citizen)
    response = citizen.goto(f"{live_url(SLUG)}/cau-hoi-thuong-gap/")
    assert response.status == 503
    expect(citizen.locator("main")).to_contain_text(NOTICE)
    expect(citizen.locator(f"a[href='tel:{FALLBACK}']")).to_have_text("0237 3852 022")
    expect(citizen.locator("html")).to_have_attribute("lang", "vi")
    assert assets and all(status == 200 for status in assets)  # the stylesheet still loads
    shot(citizen, "maintenance")

    admin.locator("#resume-form input[name=confirm]").check()
    admin.locator("#resume-form button[type=submit]").click()
    expect(admin.locator("#suspend-form")).to_be_visible()
    shot(admin, "resumed")

    assert citizen.goto(f"{live_url(SLUG)}/cau-hoi-thuong-gap/").status == 200
    expect(citizen.locator("main")).not_to_contain_text(NOTICE)
