"""In a real browser: a citizen reads and searches a province's FAQ site on a phone, and the public pages
meet WCAG 2.1 AA as far as axe-core can tell."""

from __future__ import annotations

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from cms.demo_faq import EMERGENCY_NOTICE
from tests.conftest import PROVINCE_B

HOTLINE = "0290 1022"
# Cà Mau's own questions and the one the search must find (cms/demo_faq.py renders them for Cà Mau).
UNANSWERED = "Gọi Tổng đài 1022 Cà Mau mà không có ai nghe máy thì làm sao?"
KEYS = "Gọi 0290 1022 thì bấm phím nào để gặp đúng bộ phận?"
VACCINE = "Đăng ký tiêm vắc-xin phòng COVID-19 ở đâu?"

# axe-core ships inside the package (axe_playwright_python/axe.min.js): nothing is fetched while testing.
AXE = Axe()
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
NARROWEST = {"width": 320, "height": 640}


def accessibility_violations(page: Page) -> str:
    """What axe-core finds against WCAG 2.1 A and AA on the page as shown, one line per element; empty if none."""
    results = AXE.run(page, options={"runOnly": {"type": "tag", "values": WCAG_21_AA}, "resultTypes": ["violations"]})
    lines = []
    for violation in results.response["violations"]:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']} <{violation['helpUrl']}>")
        for node in violation["nodes"]:
            lines.append(f"    {' '.join(map(str, node['target']))}: {node['failureSummary'].replace(chr(10), ' ')}")
            lines.append(f"      {node['html'][:200]}")
    return "\n".join(lines)


def assert_accessible(page: Page) -> None:
    violations = accessibility_violations(page)
    assert not violations, f"axe-core finds WCAG 2.1 AA violations on {page.url}:\n{violations}"


def assert_fits_the_screen(page: Page) -> None:
    """Nothing wider than the screen: a citizen never scrolls sideways to read a line."""
    scroll, client = page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert scroll <= client, f"{page.url} is {scroll}px wide on a {client}px screen"


def step(page: Page, shot, name: str) -> None:
    """Every page of the walk: a screenshot to look at, then the checks that do not depend on its content."""
    shot(page, name)
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    assert_fits_the_screen(page)
    assert_accessible(page)


def test_a_citizen_reads_and_searches_the_faq_on_a_phone(phone_page, live_url, shot):
    page = phone_page
    page.goto(f"{live_url(PROVINCE_B)}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Tổng đài 1022 Cà Mau")
    hotline = page.get_by_role("link", name=HOTLINE, exact=True)
    expect(hotline).to_have_attribute("href", "tel:02901022")
    expect(hotline).to_be_in_viewport()
    expect(page.get_by_role("region", name="Trường hợp khẩn cấp")).to_contain_text(EMERGENCY_NOTICE)
    step(page, shot, "home")

    page.get_by_role("link", name="Tất cả câu hỏi thường gặp").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Câu hỏi thường gặp")
    step(page, shot, "faq-index")

    page.get_by_role("link", name=UNANSWERED).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(UNANSWERED)
    step(page, shot, "faq-page")

    related = page.get_by_role("region", name="Câu hỏi liên quan")
    related.get_by_role("link", name=KEYS).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(KEYS)
    expect(page.get_by_role("main")).to_contain_text("Phím 2")
    step(page, shot, "related-faq")

    page.get_by_role("searchbox", name="Tìm trong câu hỏi thường gặp").fill("tiem vac xin")
    page.get_by_role("button", name="Tìm kiếm").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tìm trong câu hỏi thường gặp")
    found = page.get_by_role("link", name=VACCINE)
    # Each word typed without diacritics is marked where it matched the word with them.
    expect(found.locator("mark")).to_have_text(["tiêm", "vắc", "xin"])
    step(page, shot, "search-results")

    found.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(VACCINE)
    expect(page.get_by_role("main")).to_contain_text("VNeID")
    step(page, shot, "vaccine-faq")


def test_the_public_pages_meet_wcag_21_aa_on_a_computer_and_reflow_to_320_pixels(page, live_url, shot):
    base, computer = live_url(PROVINCE_B), page.viewport_size
    failures = []
    for name, path in (
        ("home", "/"),
        ("faq-index", "/cau-hoi-thuong-gap/"),
        # With a tag chosen the tag list is unfolded, one of them marked as the current one.
        ("faq-index-tag", "/cau-hoi-thuong-gap/?tag=covid-19"),
        ("faq-page", "/cau-hoi-thuong-gap/tiem-vac-xin/"),
        ("search-results", "/tim-kiem/?q=tiem+vac+xin"),
    ):
        page.set_viewport_size(computer)
        response = page.goto(base + path)
        assert response is not None and response.status == 200, f"{path} answered {response and response.status}"
        shot(page, name)
        if violations := accessibility_violations(page):
            failures.append(f"{path}:\n{violations}")
        # WCAG 1.4.10 (Reflow): readable without scrolling sideways at 320 CSS pixels, a 1280 screen zoomed to 400 %.
        page.set_viewport_size(NARROWEST)
        assert_fits_the_screen(page)
    assert not failures, "axe-core finds WCAG 2.1 AA violations:\n" + "\n".join(failures)
