"""In a real browser: staff log in on their own province's host, and only there."""

from __future__ import annotations

import re

from playwright.sync_api import Page, Response, expect

from tests.conftest import PROVINCE_A

OPERATOR_A = "operator.binhduong"
OPERATOR_B = "operator.camau"
LOGIN_PAGE = re.compile(r"/accounts/login/$")


def failed_assets(page: Page) -> list[str]:
    """Collects every static file the page asks for and does not get (a missing stylesheet or script)."""
    failures: list[str] = []

    def check(response: Response) -> None:
        if "/static/" in response.url and response.status >= 400:
            failures.append(f"{response.status} {response.url}")

    page.on("response", check)
    return failures


def test_operator_logs_in_on_the_province_host(page, live_url, login, shot):
    broken = failed_assets(page)
    page.goto(f"{live_url(PROVINCE_A)}/accounts/login/")
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    expect(page.locator("input[name=username]")).to_be_visible()
    shot(page, "login-form")

    login(page, PROVINCE_A, OPERATOR_A)

    expect(page).not_to_have_url(LOGIN_PAGE)
    expect(page.locator("header")).to_contain_text(OPERATOR_A)
    shot(page, "after-login")
    page.goto(f"{live_url(PROVINCE_A)}/accounts/")
    expect(page.locator("main")).to_contain_text(OPERATOR_A)
    shot(page, "account")
    assert broken == []


def test_an_account_of_another_province_is_refused(page, login, shot):
    login(page, PROVINCE_A, OPERATOR_B)

    expect(page).to_have_url(LOGIN_PAGE)
    expect(page.get_by_role("alert")).to_be_visible()
    expect(page.locator("input[name=password]")).to_be_visible()
    expect(page.locator("header")).not_to_contain_text(OPERATOR_B)
    shot(page, "refused")
