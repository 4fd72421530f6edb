"""The operator console and the agency workspace through HTTP: every action, its validation, its effect."""

from __future__ import annotations

import re
import uuid

from django.test import Client

import pytest
from django_tenants.utils import tenant_context

from cases import services
from cases.models import Agency, Callback, Case, CaseEvent, OutboxMessage
from cases.services import ReporterInput
from tenants.demo import DEMO_PASSWORD


def signed_in(client: Client, username: str) -> Client:
    response = client.post("/accounts/login/", {"username": username, "password": DEMO_PASSWORD})
    assert response.status_code == 302, username
    return client


@pytest.fixture
def operator_client(client_a) -> Client:
    return signed_in(client_a, "operator.binhduong")


@pytest.fixture
def agency_client(db) -> Client:
    from tests.conftest import host_of

    return signed_in(Client(HTTP_HOST=host_of("binhduong")), "agency.binhduong")


@pytest.fixture
def case(province_a) -> Case:
    with tenant_context(province_a):
        return services.case_intake(
            channel="zalo",
            provider_id=f"zalo-{uuid.uuid4().hex}",
            description="Hỏi lịch tiêm vắc-xin sởi cho trẻ tại trạm y tế phường.",
            category="tu-van-y-te",
            reporter=ReporterInput(name="Lê Thị Hoa", phone="0987 654 321", channel_id=f"zalo-user-{uuid.uuid4().hex}"),
        ).case


def reload(province, case: Case) -> Case:
    with tenant_context(province):
        return Case.objects.select_related("agency").get(pk=case.pk)


def act(client: Client, case: Case, action: str, data: dict | None = None, *, area: str = "cases"):
    return client.post(f"/{area}/{case.tracking_code}/{action}/", data or {})


def test_forward_needs_an_agency_and_says_so_in_vietnamese(operator_client, case, province_a):
    refused = act(operator_client, case, "forward", {"agency": ""})
    assert refused.status_code == 400
    assert "Chọn cơ quan." in refused.content.decode()

    with tenant_context(province_a):
        syt = Agency.objects.get(code="SYT")
    done = act(operator_client, case, "forward", {"agency": syt.pk, "note": "Nhờ Sở trả lời giúp."})
    assert done.status_code == 302
    assert reload(province_a, case).status == "forwarded" and reload(province_a, case).agency_id == syt.pk


def test_the_case_page_suggests_the_routed_agency_first(operator_client, case):
    page = operator_client.get(f"/cases/{case.tracking_code}/").content.decode()
    suggested = re.search(r'<optgroup label="Đề xuất">(.*?)</optgroup>', page, re.S).group(1)
    assert "Sở Y tế" in suggested


def test_a_reply_goes_out_on_the_channel_the_case_came_from(operator_client, case, province_a):
    assert act(operator_client, case, "reply", {"text": "Trạm y tế tiêm vào sáng thứ Bảy."}).status_code == 302
    with tenant_context(province_a):
        reply = OutboxMessage.objects.filter(case=case, kind=OutboxMessage.Kind.REPLY).get()
    assert reply.channel == "zalo" and "thứ Bảy" in reply.body
    page = operator_client.get(f"/cases/{case.tracking_code}/").content.decode()
    assert "Trả lời người phản ánh" in page and "thứ Bảy" in page


def test_an_internal_note_stays_internal(operator_client, case, province_a):
    assert act(operator_client, case, "note", {"text": "Người dân gọi lần hai."}).status_code == 302
    with tenant_context(province_a):
        assert CaseEvent.objects.filter(case=case, action="note", note="Người dân gọi lần hai.").exists()
        assert not OutboxMessage.objects.filter(case=case, kind=OutboxMessage.Kind.REPLY).exists()


def test_close_needs_a_resolution_then_reopen_needs_a_reason(operator_client, case, province_a):
    refused = act(operator_client, case, "close", {"resolution": "  "})
    assert refused.status_code == 400 and "Vui lòng điền mục này." in refused.content.decode()
    assert (
        act(operator_client, case, "close", {"resolution": "Đã hướng dẫn.", "notify_reporter": "on"}).status_code == 302
    )
    assert reload(province_a, case).status == "closed"

    assert act(operator_client, case, "reopen", {"reason": ""}).status_code == 400
    assert act(operator_client, case, "reopen", {"reason": "Người dân báo chưa được tiêm."}).status_code == 302
    assert reload(province_a, case).status == "new"


def test_an_action_the_state_does_not_allow_is_refused(operator_client, case):
    assert act(operator_client, case, "reopen", {"reason": "Thử"}).status_code == 409
    assert act(operator_client, case, "acknowledge").status_code == 409  # an agency action, not the console's
    assert act(operator_client, case, "no-such-action").status_code == 409


def test_reject_and_duplicate(operator_client, case, province_a):
    with tenant_context(province_a):
        original = services.case_intake(channel="web", description="Lịch tiêm sởi ở phường?").case
    bad = act(operator_client, case, "duplicate", {"original": "123 456 789"})
    assert bad.status_code == 400 and "Không có phản ánh nào mang mã này." in bad.content.decode()
    assert act(operator_client, case, "duplicate", {"original": original.display_code}).status_code == 302
    assert reload(province_a, case).status == "duplicate"

    assert act(operator_client, original, "reject", {"reason": "Cuộc gọi thử."}).status_code == 302
    assert reload(province_a, original).status == "rejected"


def test_new_case_from_a_call_prefills_the_number_and_lists_earlier_cases(operator_client, case):
    page = operator_client.get("/cases/new/?phone=0987654321").content.decode()
    assert 'value="0987654321"' in page
    assert case.display_code in page  # the caller's earlier case, beside the form

    history = operator_client.get("/cases/new/history/?phone=12").content.decode()
    assert "không phải là số điện thoại" in history


def test_new_case_is_created_once_even_if_submitted_twice(operator_client, province_a):
    form = {
        "phone": "0912 000 111",
        "name": "Phạm Văn Minh",
        "channel": "voice",
        "category": "",
        "priority": "normal",
        "description": "Cây xanh ngã chắn ngang đường sau giông.",
        "submission": str(uuid.uuid4()),
    }
    first = operator_client.post("/cases/new/", form)
    second = operator_client.post("/cases/new/", form)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    with tenant_context(province_a):
        case = Case.objects.get(provider_id=f"console-{form['submission']}")
        assert case.reporter.phone == "+84912000111" and case.assignee.username == "operator.binhduong"


def test_new_case_errors_are_shown_in_vietnamese(operator_client):
    page = operator_client.post("/cases/new/", {"phone": "abc", "channel": "voice", "priority": "normal"})
    assert page.status_code == 400
    text = page.content.decode()
    assert "Hãy nhập nội dung phản ánh." in text
    assert "“abc” không phải là số điện thoại" in text


def test_a_callback_is_scheduled_on_a_case_and_its_outcome_recorded(operator_client, case, province_a):
    assert act(operator_client, case, "callback", {"due_at": "", "note": "Báo lịch tiêm"}).status_code == 302
    with tenant_context(province_a):
        callback = Callback.objects.get(case=case)
    assert callback.phone == "+84987654321"
    listing = operator_client.get("/cases/callbacks/").content.decode()
    assert "0987654321" in listing

    assert operator_client.post(f"/cases/callbacks/{callback.pk}/", {"outcome": ""}).status_code == 400
    busy = operator_client.post(f"/cases/callbacks/{callback.pk}/", {"outcome": "busy"})
    assert busy.status_code == 302
    with tenant_context(province_a):
        callback.refresh_from_db()
        assert callback.done_at is None and callback.attempts == 1
    operator_client.post(f"/cases/callbacks/{callback.pk}/", {"outcome": "reached", "note": "Đã báo."})
    with tenant_context(province_a):
        callback.refresh_from_db()
        assert callback.done_at is not None
        assert CaseEvent.objects.filter(case=case, action="callback").count() == 3


def test_a_callback_can_be_added_for_any_number(operator_client, province_a):
    assert operator_client.post("/cases/callbacks/", {"phone": "12"}).status_code == 400
    assert operator_client.post("/cases/callbacks/", {"phone": "0903 111 222", "note": "Gọi nhỡ"}).status_code == 302
    with tenant_context(province_a):
        assert Callback.objects.filter(phone="+84903111222", reason="requested", done_at__isnull=True).exists()


def test_supervision_is_for_supervisors(client_a, operator_client):
    assert operator_client.get("/cases/supervision/").status_code == 403
    supervisor = signed_in(Client(HTTP_HOST=client_a.defaults["HTTP_HOST"]), "supervisor.binhduong")
    page = supervisor.get("/cases/supervision/").content.decode()
    for heading in ("Hôm nay theo kênh", "Phản ánh đang mở theo trạng thái", "Tỷ lệ đúng hạn theo cơ quan"):
        assert heading in page
    assert "operator.binhduong" in page


def test_the_agency_acknowledges_asks_answers_and_returns(operator_client, agency_client, case, province_a):
    with tenant_context(province_a):
        syt = Agency.objects.get(code="SYT")
    act(operator_client, case, "forward", {"agency": syt.pk})
    listing = agency_client.get("/agency/?queue=forwarded").content.decode()
    assert case.display_code in listing

    page = agency_client.get(f"/agency/{case.tracking_code}/").content.decode()
    assert "098****321" in page and "Lê Thị Hoa" not in page and "0987654321" not in page
    assert act(agency_client, case, "acknowledge", area="agency").status_code == 302
    assert reload(province_a, case).status == "in_progress"
    assert act(agency_client, case, "answer", {"answer": ""}, area="agency").status_code == 400
    assert act(agency_client, case, "answer", {"answer": "Tiêm sáng thứ Bảy."}, area="agency").status_code == 302
    assert reload(province_a, case).status == "answered"

    act(operator_client, case, "forward", {"agency": syt.pk})
    returned = act(agency_client, case, "return", {"reason": "Thuộc trạm y tế phường."}, area="agency")
    assert returned.status_code == 302 and returned["Location"] == "/agency/"
    assert reload(province_a, case).agency_id is None
    assert agency_client.get(f"/agency/{case.tracking_code}/").status_code == 404
