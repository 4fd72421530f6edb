"""In a real browser: an operator answers a citizen's question with the FAQ's answer, found from the reply box
by words typed without diacritics and inserted where the cursor is, then sends it through the outbox."""

from __future__ import annotations

import re
import uuid

import pytest
from django_tenants.utils import tenant_context
from playwright.sync_api import expect

from cases import services
from cases.models import Case, OutboxMessage
from cases.services import ReporterInput
from tests.conftest import PROVINCE_B, province

VACCINE_TITLE = "Đăng ký tiêm vắc-xin phòng COVID-19 ở đâu?"
GREETING = "Chào chị Lan,"


@pytest.fixture(scope="module")
def question(django_db_setup, django_db_blocker) -> Case:
    """Committed before the server reads it: a Zalo question from a citizen of Cà Mau."""
    with django_db_blocker.unblock(), tenant_context(province(PROVINCE_B)):
        return services.case_intake(
            channel="zalo",
            provider_id=f"zalo-{uuid.uuid4().hex}",
            description="Cho hỏi con tôi 12 tuổi muốn tiêm vắc-xin COVID-19 thì đăng ký ở đâu ạ?",
            category="tu-van-y-te",
            reporter=ReporterInput(name="Trần Thị Lan", channel_id=f"zalo-user-{uuid.uuid4().hex}"),
        ).case


def test_an_operator_replies_with_the_faqs_answer(page, live_url, login, shot, question):
    login(page, PROVINCE_B, f"operator.{PROVINCE_B}")
    page.goto(f"{live_url(PROVINCE_B)}/cases/{question.tracking_code}/")
    page.wait_for_load_state("load")

    page.locator("#action-reply summary").click()
    reply = page.locator("#action-reply textarea[name=text]")
    reply.fill(GREETING)
    page.get_by_label("Câu trả lời mẫu từ trang hỏi đáp").fill("tiem vac xin")
    results = page.locator("#quick-answers")
    expect(results).to_contain_text(VACCINE_TITLE)
    shot(page, "quick-answers-found")

    # The click inserts without leaving the page: what the operator typed stays before it.
    url_before = page.url
    results.locator("li", has_text=VACCINE_TITLE).get_by_role("link", name="Chèn vào trả lời").click()
    expect(reply).to_have_value(re.compile(re.escape(VACCINE_TITLE)))
    assert page.url == url_before
    text = reply.input_value()
    assert text.startswith(f"{GREETING}\n\n{VACCINE_TITLE}\n")
    assert "Xem thêm: http://camau.localhost" in text
    shot(page, "answer-inserted")

    page.locator("#action-reply").get_by_role("button", name="Trả lời người phản ánh").click()
    expect(page.locator(".messages")).to_contain_text("Đang gửi trả lời đến người phản ánh")
    shot(page, "reply-sent")

    with tenant_context(province(PROVINCE_B)):
        sent = OutboxMessage.objects.get(case=question, kind=OutboxMessage.Kind.REPLY)
    assert sent.channel == "zalo"
    # Browsers send a textarea's line breaks as CRLF.
    assert sent.body.replace("\r\n", "\n") == text
