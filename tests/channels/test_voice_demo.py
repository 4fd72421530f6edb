"""The demo phone lines: Cà Mau's real menu, a sensible one elsewhere, and a month of calls that add up."""

from __future__ import annotations

import re

from django.db.models import Sum
from django.test import Client

import pytest
from django_tenants.utils import tenant_context

from cases.models import Agency, AgencyPhone, Callback
from channels.voice.demo import LINES, voice_demo_ensure
from channels.voice.models import (
    Call,
    CallTransfer,
    IvrMenu,
    IvrOption,
    OperatorLine,
    TransferDay,
    VoiceDay,
    VoiceSettings,
)
from tenants.demo import DEMO_PASSWORD, DEMO_PROVINCES
from tests.conftest import host_of, province

Action = IvrOption.Action


def state(slug: str) -> dict:
    """Everything the voice demo writes, in a form two runs can be compared by."""
    with tenant_context(province(slug)):
        line = VoiceSettings.load()
        return {
            "line": (line.account_sid, line.auth_token, line.greeting, line.day_menu_id, line.night_menu_id),
            "menus": list(IvrMenu.objects.order_by("pk").values_list("pk", "updated_at")),
            "options": IvrOption.objects.count(),
            "phones": list(AgencyPhone.objects.order_by("pk").values_list("pk", "number")),
            "operator_lines": list(OperatorLine.objects.order_by("pk").values_list("pk", "number")),
            "calls": Call.objects.count(),
            "transfers": CallTransfer.objects.count(),
            "callbacks": list(Callback.objects.order_by("pk").values_list("pk", "done_at")),
            "days": list(VoiceDay.objects.order_by("date").values_list("date", "updated_at")),
            "transfer_days": TransferDay.objects.count(),
        }


@pytest.mark.parametrize("slug", [demo.slug for demo in DEMO_PROVINCES])
def test_running_the_demo_again_changes_nothing(db, slug):
    before = state(slug)
    with tenant_context(province(slug)):
        assert voice_demo_ensure(slug) == []
    assert state(slug) == before
    assert before["calls"] > 30 * 30 and before["days"]


def test_camau_has_its_real_menu(province_b):
    with tenant_context(province_b):
        line = VoiceSettings.load()
        options = {o.key: o for o in line.day_menu.options.select_related("agency", "category")}
        assert line.greeting == "Tổng đài 1022 tỉnh Cà Mau xin kính chào quý vị."
        assert line.account_sid.startswith("AC") and len(line.account_sid) == 34 and line.auth_token
        assert line.calendar.code == "hanh-chinh" and line.fallback_number.startswith("+84290")
        assert options["1"].agency.code == "SNV" and "chính sách" in options["1"].label
        assert options["2"].label == "Phản ánh công tác phòng chống dịch"
        assert options["2"].agency.code == "CDC" and options["2"].category.code == "phong-chong-dich"
        assert options["3"].agency.code == "SYT" and options["3"].label == "Tư vấn sức khỏe"
        assert (options["0"].action, options["9"].action, options["*"].action) == (
            Action.OPERATOR,
            Action.STATUS,
            Action.REPEAT,
        )
        night = {o.key: o.action for o in line.night_menu.options.all()}
        assert {Action.EMERGENCY, Action.VOICEMAIL, Action.STATUS, Action.OPERATOR} <= set(night.values())
        assert len(night) < len(options)


@pytest.mark.parametrize("slug", [slug for slug in LINES if slug != "camau"])
def test_the_other_provinces_have_a_submenu_and_an_announcement(db, slug):
    with tenant_context(province(slug)):
        day_menu = VoiceSettings.load().day_menu
        submenu = day_menu.options.get(action=Action.SUBMENU).submenu
        actions = set(day_menu.options.values_list("action", flat=True)) | set(
            submenu.options.values_list("action", flat=True)
        )
        assert Action.ANNOUNCEMENT in actions and Action.TRANSFER in actions


def test_every_transfer_agency_has_a_main_and_a_backup_number_and_operators_have_phones(province_b):
    with tenant_context(province_b):
        for agency in Agency.objects.filter(ivr_options__action=Action.TRANSFER).distinct():
            numbers = list(agency.phones.order_by("order").values_list("number", flat=True))
            assert len(numbers) == 2 and all(n.startswith("+84290") for n in numbers), agency.code
        users = OperatorLine.objects.values_list("user__username", flat=True)
        assert {"operator.camau", "supervisor.camau"} <= set(users)


def test_the_camau_cdc_answers_about_four_transfers_in_ten_and_the_others_most(province_b):
    with tenant_context(province_b):
        rows = TransferDay.objects.values("ivr_key", "agency__code").annotate(
            attempted=Sum("attempted"), answered=Sum("answered")
        )
        rates = {(r["ivr_key"], r["agency__code"]): r["answered"] / r["attempted"] for r in rows}
    assert 0.3 <= rates[("2", "CDC")] <= 0.5
    assert all(0.65 <= rate <= 1 for key, rate in rates.items() if key != ("2", "CDC"))


def test_demo_calls_are_shaped_as_the_flow_leaves_them(province_b):
    with tenant_context(province_b):
        calls = Call.objects.filter(direction=Call.Direction.INBOUND, simulated=False)
        answered_outcomes = (Call.Outcome.AGENCY, Call.Outcome.OPERATOR, Call.Outcome.EMERGENCY)
        assert not calls.filter(outcome=Call.Outcome.IN_PROGRESS).exists()
        assert not calls.filter(outcome__in=answered_outcomes, answered_at__isnull=True).exists()
        assert not calls.filter(queued_at__isnull=False, queue_result="").exists()
        # An agency's answer is an answered transfer to that agency.
        assert (
            not calls.filter(outcome=Call.Outcome.AGENCY)
            .exclude(transfers__kind=CallTransfer.Kind.AGENCY, transfers__dial_status="completed")
            .exists()
        )
        # Every call that reached no person owes (or owed) a callback; the queue of pending ones stays short.
        assert not calls.filter(outcome__in=Call.UNANSWERED, callback__isnull=True).exists()
        pending = Callback.objects.filter(reason=Callback.Reason.MISSED_CALL, done_at__isnull=True)
        assert 0 < pending.count() < 40
        assert Callback.objects.filter(reason=Callback.Reason.MISSED_CALL, done_at__isnull=False).count() > 100
        assert calls.filter(night=True).exists() and calls.filter(night=False).exists()


def supervisor_page(slug: str) -> str:
    client = Client(HTTP_HOST=host_of(slug))
    login = client.post("/accounts/login/", {"username": f"supervisor.{slug}", "password": DEMO_PASSWORD})
    assert login.status_code == 302
    response = client.get("/cases/supervision/")
    assert response.status_code == 200
    return response.content.decode()


def test_the_supervision_page_shows_camau_cdc_on_key_2_first_and_flagged(db):
    page = supervisor_page("camau")
    transfers = page[page.index('id="h-transfers"') :]
    rows = re.findall(r"<tr>\s*(.*?)</tr>", transfers.split("<tbody>", 1)[1].split("</tbody>", 1)[0], re.S)
    worst = rows[0]
    assert "<kbd>2</kbd>" in worst and "Phản ánh công tác phòng chống dịch" in worst
    assert "Trung tâm Kiểm soát bệnh tật tỉnh Cà Mau" in worst and "badge-overdue" in worst
    assert len(rows) == 3 and sum("badge-overdue" in row for row in rows) == 1
    assert 'id="h-calls"' in page


def test_each_province_sees_only_its_own_transfers(db):
    page = supervisor_page("binhduong")
    assert "Cà Mau" not in page and "Sở Nội vụ tỉnh Bình Dương" in page


def test_the_call_figures_need_the_supervision_permission(db):
    client = Client(HTTP_HOST=host_of("camau"))
    client.post("/accounts/login/", {"username": "operator.camau", "password": DEMO_PASSWORD})
    assert client.get("/cases/supervision/").status_code == 403
