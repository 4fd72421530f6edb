"""Quick answers: an operator finds the FAQ's answer from the reply box and it reaches the reporter.

The case comes in through Cà Mau's Zalo webhook (signed, as Zalo sends it); the reply leaves through
the outbox to a fake Zalo server, so the whole path runs as it does in production.
"""

from __future__ import annotations

import html
import re

from django.test import Client

import pytest
from django_tenants.utils import tenant_context

from cases.models import CaseEvent, OutboxMessage
from channels.twilio_api import province_url
from cms.models import FaqPage
from tests.cases.test_console import signed_in
from tests.channels import chat_support as chat
from tests.channels.test_zalo import ZALO, camau, zalo  # noqa: F401  (fixtures)
from tests.conftest import host_of

VACCINE_KEY = "tiem-vac-xin"
VACCINE_TITLE = "Đăng ký tiêm vắc-xin phòng COVID-19 ở đâu?"


@pytest.fixture
def operator_b(province_b) -> Client:
    return signed_in(Client(HTTP_HOST=host_of("camau")), "operator.camau")


@pytest.fixture
def zalo_case(camau):  # noqa: F811  (the fixture of the same name)
    assert ZALO.post("text").status_code == 200
    return ZALO.event_of(camau).case


def vaccine_page(province) -> FaqPage:
    with tenant_context(province):
        return FaqPage.objects.get(slug=VACCINE_KEY)


def insert_texts(response) -> list[str]:
    """The text each "insert" button would put into the reply."""
    return [html.unescape(text) for text in re.findall(r'data-text="([^"]*)"', response.content.decode())]


def test_typing_without_diacritics_lists_the_vaccination_answer(operator_b, zalo_case, province_b):
    page = vaccine_page(province_b)

    response = operator_b.get(f"/cases/{zalo_case.tracking_code}/quick-answers/", {"qa": "tiem vac xin"})

    assert response.status_code == 200
    assert VACCINE_TITLE in response.content.decode()
    (text, *_others) = [text for text in insert_texts(response) if text.startswith(VACCINE_TITLE)]
    with tenant_context(province_b):
        url = province_url(page.url)
    assert url.startswith("http://camau.localhost") and url.endswith(f"/{VACCINE_KEY}/")
    assert text.endswith(f"Xem thêm: {url}")
    assert "- Mang theo thẻ căn cước" in text and "<" not in text


def test_a_quick_answer_reaches_the_reporter_through_the_outbox(operator_b, zalo_case, province_b, zalo):  # noqa: F811
    page = vaccine_page(province_b)
    case_url = f"/cases/{zalo_case.tracking_code}/"

    # The insert link (what the browser follows without scripts) opens the reply with the answer in it.
    shown = operator_b.get(case_url, {"faq": page.pk})
    reply_form = shown.context["actions"][[item["action"].key for item in shown.context["actions"]].index("reply")]
    assert reply_form["open"]
    text = reply_form["form"].initial["text"]
    assert text.startswith(VACCINE_TITLE)
    assert html.escape(text.splitlines()[0]) in shown.content.decode()

    sent = operator_b.post(f"{case_url}reply/", {"text": f"Chào anh,\n\n{text}"})

    assert sent.status_code == 302
    with tenant_context(province_b):
        reply = OutboxMessage.objects.get(case=zalo_case, kind=OutboxMessage.Kind.REPLY)
        assert (reply.channel, reply.body) == ("zalo", f"Chào anh,\n\n{text}")
        assert zalo_case.events.filter(action=CaseEvent.Action.REPLY, note=reply.body).exists()
    assert chat.deliver(province_b, reply).status == OutboxMessage.Status.SENT
    (request,) = [r for r in zalo.sent() if VACCINE_TITLE in ZALO.sent_text(r)]
    received = ZALO.sent_text(request)
    assert received == f"Chào anh,\n\n{text}"
    assert request.json["recipient"]["user_id"] == ZALO.sender_id


def test_without_scripts_the_search_lists_answers_under_the_open_reply(operator_b, zalo_case):
    response = operator_b.get(f"/cases/{zalo_case.tracking_code}/", {"qa": "vac xin"})

    assert response.status_code == 200
    reply = next(item for item in response.context["actions"] if item["action"].key == "reply")
    assert reply["open"]
    assert VACCINE_TITLE in [item["page"].title for item in response.context["quick"]]


def test_no_match_says_so_in_vietnamese(operator_b, zalo_case):
    response = operator_b.get(f"/cases/{zalo_case.tracking_code}/quick-answers/", {"qa": "zzzz khong co"})

    assert response.status_code == 200
    assert "Không có câu hỏi nào" in response.content.decode()
    assert insert_texts(response) == []


def test_only_the_provinces_own_faq_is_offered(operator_b, zalo_case, province_a):
    with tenant_context(province_a):
        index = FaqPage.objects.first().get_parent()
        only_a = index.add_child(
            instance=FaqPage(title="Phà Bình Dương chạy mấy giờ?", slug="pha-chi-binh-duong", answer=[])
        )
        only_a.save_revision().publish()

    response = operator_b.get(f"/cases/{zalo_case.tracking_code}/quick-answers/", {"qa": "pha binh duong"})

    assert "Phà Bình Dương" not in response.content.decode()
    assert insert_texts(response) == []


def test_other_provinces_and_agency_staff_are_refused(zalo_case, province_a, province_b):
    other_province = signed_in(Client(HTTP_HOST=host_of("binhduong")), "operator.binhduong")
    agency = signed_in(Client(HTTP_HOST=host_of("camau")), "agency.camau")
    url = f"/cases/{zalo_case.tracking_code}/quick-answers/"

    assert other_province.get(url, {"qa": "vac xin"}).status_code == 404
    assert agency.get(url, {"qa": "vac xin"}).status_code == 403
    assert Client(HTTP_HOST=host_of("camau")).get(url, {"qa": "vac xin"}).status_code == 302
