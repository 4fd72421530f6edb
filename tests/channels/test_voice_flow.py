"""The phone line through its signed webhooks: the menu, transfers that cannot drop a caller,
missed calls that become callbacks, retries that change nothing, and the console's side."""

from __future__ import annotations

import uuid
from datetime import timedelta
from types import SimpleNamespace
from urllib.parse import parse_qs, urlsplit

from django.contrib.auth import get_user_model
from django.test import Client, override_settings

import pytest
from django_tenants.utils import tenant_context

from cases import clock
from cases.models import Agency, AgencyPhone, BusinessCalendar, Callback, Case, Category
from cases.services import ReporterInput, case_intake
from channels.voice.models import Call, IvrMenu, IvrOption, OperatorLine, VoiceEvent, VoiceSettings
from tenants.demo import DEMO_PASSWORD
from tests.channels.voice_support import TOKEN, Phone, fixture
from tests.fakes.twilio_server import fake_twilio_server

CDC_MAIN, CDC_BACKUP = "+842903800101", "+842903800102"
OPERATOR_PHONE = "+842903700001"
Action = IvrOption.Action


@pytest.fixture
def camau_line(province_b):
    """Cà Mau's line with the menu on record: 1 policy (announcement here), 2 epidemic → CDC, and the rest."""
    with tenant_context(province_b):
        cdc = Agency.objects.get(code="CDC")
        cdc.phones.all().delete()
        AgencyPhone.objects.create(agency=cdc, number=CDC_MAIN, order=0, label="Trực ban")
        AgencyPhone.objects.create(agency=cdc, number=CDC_BACKUP, order=1, label="Dự phòng")
        menu = IvrMenu.objects.create(name="Thử nghiệm chính", prompt="Bấm phím 1, 2, 3, 9 hoặc 0.")
        epidemic = Category.objects.get(code="phong-chong-dich")
        options = {
            "1": IvrOption.objects.create(
                menu=menu, key="1", label="Chính sách", action=Action.ANNOUNCEMENT, text="Hỗ trợ theo Nghị quyết 68."
            ),
            "2": IvrOption.objects.create(
                menu=menu, key="2", label="Phòng chống dịch", action=Action.TRANSFER, agency=cdc, category=epidemic
            ),
            "3": IvrOption.objects.create(menu=menu, key="3", label="Lời nhắn", action=Action.VOICEMAIL),
            "5": IvrOption.objects.create(menu=menu, key="5", label="Cấp cứu", action=Action.EMERGENCY),
            "9": IvrOption.objects.create(menu=menu, key="9", label="Tra cứu", action=Action.STATUS),
            "0": IvrOption.objects.create(menu=menu, key="0", label="Điện thoại viên", action=Action.OPERATOR),
        }
        line = VoiceSettings.load()
        line.account_sid, line.auth_token = "ACcamau0000000000000000000000000", TOKEN
        line.day_menu, line.night_menu, line.calendar = menu, None, None
        line.surge_enabled, line.caller_id = False, "+842901022"
        line.save()
        operator = get_user_model().objects.get(username="operator.camau")
        OperatorLine.objects.update_or_create(user=operator, defaults={"number": OPERATOR_PHONE})
    return SimpleNamespace(province=province_b, menu=menu, options=options, cdc=cdc, operator=operator)


def in_camau(line, func):
    with tenant_context(line.province):
        return func()


def the_call(line, phone: Phone) -> Call:
    return in_camau(line, lambda: Call.objects.select_related("callback", "case").get(call_sid=phone.sid))


def signed_in(username: str, host: str = "camau.localhost") -> Client:
    client = Client(HTTP_HOST=host)
    assert client.post("/accounts/login/", {"username": username, "password": DEMO_PASSWORD}).status_code == 302
    return client


# --- Signatures and routing ---------------------------------------------------------------------


def test_the_stored_signed_request_is_accepted_on_the_national_host(camau_line):
    stored = fixture("voice_incoming_camau")
    response = Client(HTTP_HOST="localhost").post(
        "/hooks/twilio/voice/incoming/", stored["params"], HTTP_X_TWILIO_SIGNATURE=stored["signature"]
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/xml")
    assert b"Tho\xcc\x89ng" not in response.content  # composed Vietnamese, not decomposed
    assert "Bấm phím 1, 2, 3, 9 hoặc 0." in response.content.decode()
    assert the_call(camau_line, Phone(call_sid=stored["params"]["CallSid"])).to_number == "+842901022"


def test_the_same_path_works_on_the_province_host(camau_line):
    stored = fixture("voice_incoming_camau_host")
    response = Client(HTTP_HOST="camau.localhost").post(
        "/hooks/twilio/voice/incoming/", stored["params"], HTTP_X_TWILIO_SIGNATURE=stored["signature"]
    )
    assert response.status_code == 200


@pytest.mark.parametrize("signature", ["", "bm90IGEgc2lnbmF0dXJl", "wrong"])
def test_a_missing_or_wrong_signature_is_refused(camau_line, signature):
    stored = fixture("voice_incoming_camau")
    headers = {"HTTP_X_TWILIO_SIGNATURE": signature} if signature else {}
    response = Client(HTTP_HOST="localhost").post("/hooks/twilio/voice/incoming/", stored["params"], **headers)
    assert response.status_code == 403
    assert not in_camau(camau_line, lambda: Call.objects.filter(call_sid=stored["params"]["CallSid"]).exists())


def test_a_request_signed_with_another_provinces_token_is_refused(camau_line):
    phone = Phone(token="the-token-of-some-other-account")
    assert phone.start().status_code == 403


def test_a_tampered_parameter_breaks_the_signature(camau_line):
    stored = fixture("voice_incoming_camau")
    params = {**stored["params"], "From": "+84987654321"}
    response = Client(HTTP_HOST="localhost").post(
        "/hooks/twilio/voice/incoming/", params, HTTP_X_TWILIO_SIGNATURE=stored["signature"]
    )
    assert response.status_code == 403


def test_any_number_of_the_provinces_area_code_reaches_it(camau_line):
    phone = Phone(called="+842903123456")
    assert phone.start().status_code == 200
    assert the_call(camau_line, phone).to_number == "+842903123456"


def test_a_number_no_province_owns_gets_404(camau_line):
    assert Phone(called="+842991234567").start().status_code == 404


def test_a_call_without_callsid_is_a_bad_request(camau_line):
    phone = Phone()
    phone.params.pop("CallSid")
    assert phone.post("/hooks/twilio/voice/incoming/").status_code == 400


@override_settings(SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"), USE_X_FORWARDED_HOST=True)
def test_behind_a_tls_proxy_the_signature_is_checked_against_the_public_url(camau_line):
    from channels.twilio_api import signature_for

    stored = fixture("voice_incoming_camau")
    public = "https://hotline.example.vn/hooks/twilio/voice/incoming/"
    client = Client(HTTP_HOST="localhost")
    proxied = {"HTTP_X_FORWARDED_PROTO": "https", "HTTP_X_FORWARDED_HOST": "localhost"}
    good = signature_for(public.replace("hotline.example.vn", "localhost"), stored["params"], TOKEN)
    response = client.post("/hooks/twilio/voice/incoming/", stored["params"], HTTP_X_TWILIO_SIGNATURE=good, **proxied)
    assert response.status_code == 200
    # Signed for http:// (what the app sees without the proxy's header) is not what Twilio signed.
    plain = signature_for("http://localhost/hooks/twilio/voice/incoming/", stored["params"], TOKEN)
    refused = client.post("/hooks/twilio/voice/incoming/", stored["params"], HTTP_X_TWILIO_SIGNATURE=plain, **proxied)
    assert refused.status_code == 403


# --- The menu --------------------------------------------------------------------------------------


def test_greeting_then_menu_in_vietnamese_with_the_configured_voice(camau_line):
    phone = Phone()
    phone.start()
    says = phone.last.findall(".//Say")
    assert says[0].get("language") == "vi-VN"
    assert says[0].get("voice") == "Google.vi-VN-Wavenet-A"
    gather = phone.last.find("Gather")
    assert gather.get("numDigits") == "1"


def test_surge_announcement_plays_before_the_menu(camau_line):
    def surge_on():
        line = VoiceSettings.load()
        line.surge_enabled, line.surge_text = True, "Tỉnh đang trong tình trạng dịch, xin gọi 115 nếu khẩn cấp."
        line.save()

    in_camau(camau_line, surge_on)
    phone = Phone()
    phone.start()
    texts = [say.text for say in phone.last.iter("Say")]
    assert texts.index("Tỉnh đang trong tình trạng dịch, xin gọi 115 nếu khẩn cấp.") < texts.index(
        "Bấm phím 1, 2, 3, 9 hoặc 0."
    )
    assert the_call(camau_line, phone).surge


def test_outside_working_hours_the_night_menu_plays(camau_line):
    def night():
        closed = BusinessCalendar.objects.create(code="dong-cua-thu", name="Không bao giờ mở", always_open=False)
        night_menu = IvrMenu.objects.create(name="Ban đêm thử", prompt="Ngoài giờ: bấm 0 gặp trực ban.")
        IvrOption.objects.create(menu=night_menu, key="0", label="Trực ban", action=Action.OPERATOR)
        line = VoiceSettings.load()
        line.night_menu, line.calendar = night_menu, closed
        line.save()

    in_camau(camau_line, night)
    phone = Phone()
    phone.start()
    assert "Ngoài giờ: bấm 0 gặp trực ban." in phone.said()
    assert the_call(camau_line, phone).night


def test_a_wrong_key_repeats_the_menu_then_hands_over_to_an_operator(camau_line):
    phone = Phone()
    phone.start()
    phone.press("7")
    assert "không có trong danh sách" in phone.said()
    assert phone.last.find("Gather") is not None
    phone.press("")
    assert phone.last.find("Enqueue") is not None
    assert phone.last.find("Enqueue").text == "camau-operators"


def test_an_announcement_answers_the_caller_and_returns_to_the_menu(camau_line):
    phone = Phone()
    phone.start()
    phone.press("1")
    assert "Hỗ trợ theo Nghị quyết 68." in phone.said()
    assert phone.last.find("Gather") is not None
    phone.hang_up()
    call = the_call(camau_line, phone)
    assert call.outcome == Call.Outcome.SELF_SERVICE
    assert call.callback is None


def test_status_lookup_reads_the_state_of_a_report(camau_line):
    case = in_camau(
        camau_line,
        lambda: case_intake(channel="web", provider_id="web-status-1", description="Đèn đường hỏng ở khóm 3.").case,
    )
    phone = Phone()
    phone.start()
    phone.press("9")
    gather = phone.last.find("Gather")
    assert gather.get("finishOnKey") == "#"
    phone.press(f"{case.tracking_code}#")
    assert f"Phản ánh mã số {' '.join(case.tracking_code)} đang ở trạng thái: Mới." in phone.said()
    phone.press("9")
    phone.press("123456789#")
    assert "Không tìm thấy phản ánh" in phone.said()


def test_emergency_goes_to_115_and_a_failed_dial_goes_to_the_operators(camau_line):
    phone = Phone()
    phone.start()
    phone.press("5")
    assert phone.last.find("Dial/Number").text == "115"
    phone.dial_result("failed")
    assert phone.last.find("Enqueue") is not None


# --- Transfers: the Cà Mau failure made impossible -----------------------------------------------------


def test_camau_key_2_cdc_does_not_answer_backup_then_queue_then_voicemail_then_callback(camau_line):
    phone = Phone()
    phone.start()
    phone.press("2")
    assert phone.last.find("Dial/Number").text == CDC_MAIN
    assert phone.last.find("Dial").get("timeout") == "20"
    phone.dial_result("no-answer")
    assert phone.last.find("Dial/Number").text == CDC_BACKUP
    phone.dial_result("busy")
    assert "chưa nghe máy" in phone.said()
    assert phone.last.find("Enqueue") is not None
    phone.queue_wait(0)
    assert phone.last.find("Pause") is not None
    phone.queue_wait(600)
    assert phone.last.find("Leave") is not None
    phone.queue_done("leave", 121)
    assert phone.last.find("Record") is not None
    phone.record(14)
    phone.hang_up(duration=190)

    call = the_call(camau_line, phone)
    assert call.outcome == Call.Outcome.VOICEMAIL
    assert (call.ivr_key, call.digits) == ("2", "2")
    assert call.queue_result == "leave" and call.queue_wait == 121
    transfers = in_camau(camau_line, lambda: list(call.transfers.values_list("number", "dial_status", "agency__code")))
    assert transfers == [(CDC_MAIN, "no-answer", "CDC"), (CDC_BACKUP, "busy", "CDC")]
    # The message is a case at once, in the key's category, with the caller as reporter.
    assert call.case is not None and call.case.channel == "voice"
    assert in_camau(camau_line, lambda: Case.objects.get(pk=call.case_id).category.code) == "phong-chong-dich"
    callback = call.callback
    assert callback.reason == Callback.Reason.MISSED_CALL and callback.done_at is None
    assert callback.phone == "+84912345678" and callback.case_id == call.case_id
    assert timedelta(minutes=29) < callback.due_at - clock.now() <= timedelta(minutes=30)
    assert "did not answer" in callback.note or "không nghe máy" in callback.note

    # The operators see it in the callbacks queue, with the message to listen to.
    page = signed_in("operator.camau").get("/cases/callbacks/")
    assert page.status_code == 200
    assert "0912 345 678" in page.content.decode() or "0912345678" in page.content.decode()
    assert call.recording_url in page.content.decode()


def test_a_caller_who_hangs_up_in_the_queue_after_a_missed_transfer_is_owed_a_call(camau_line):
    phone = Phone(caller="+84987000111")
    phone.start()
    phone.press("2")
    phone.dial_result("no-answer")
    phone.dial_result("no-answer")
    phone.queue_done("hangup", 40)
    phone.hang_up(duration=80)
    call = the_call(camau_line, phone)
    assert call.outcome == Call.Outcome.MISSED
    assert call.callback is not None and call.case is None


def test_a_second_missed_call_from_the_same_number_joins_the_pending_callback(camau_line):
    for _ in range(2):
        phone = Phone(caller="+84987000222")
        phone.start()
        phone.press("0")
        phone.queue_done("hangup", 30)
        phone.hang_up()
    pending = in_camau(camau_line, lambda: list(Callback.objects.filter(phone="+84987000222", done_at__isnull=True)))
    assert len(pending) == 1
    assert pending[0].note.count("\n") == 1  # one line per missed call


def test_an_agency_that_answers_ends_the_chain(camau_line):
    phone = Phone()
    phone.start()
    phone.press("2")
    phone.dial_result("completed", duration=95)
    assert phone.last.find("Hangup") is not None
    phone.hang_up(duration=120)
    call = the_call(camau_line, phone)
    assert call.outcome == Call.Outcome.AGENCY
    assert call.answered_at is not None and call.callback is None


def test_a_caller_withholding_the_number_is_recorded_without_a_callback(camau_line):
    phone = Phone(caller="+266696687")  # what Twilio sends for a withheld number
    phone.start()
    phone.hang_up(duration=4)
    call = the_call(camau_line, phone)
    assert call.outcome == Call.Outcome.ABANDONED
    assert call.callback is None


# --- Retries ---------------------------------------------------------------------------------------


def test_every_retried_request_gets_the_same_answer_and_acts_once(camau_line):
    phone = Phone()
    steps = [
        phone.start,
        lambda: phone.press("2"),
        lambda: phone.dial_result("no-answer"),
        lambda: phone.dial_result("no-answer"),
        lambda: phone.queue_done("leave", 130),
        lambda: phone.record(20),
        lambda: phone.hang_up(sequence=3),
    ]
    for step in steps:
        first = step()
        again = phone.repeat()
        assert (again.status_code, again.content) == (first.status_code, first.content)
    phone.hang_up(sequence=1)  # an older status callback arriving late changes nothing

    def counts():
        call = Call.objects.get(call_sid=phone.sid)
        return (
            call.outcome,
            call.transfers.count(),
            Callback.objects.filter(phone=phone.params["From"], done_at__isnull=True).count(),
            Case.objects.filter(provider_id=phone.sid).count(),
            call.status,
        )

    assert in_camau(camau_line, counts) == (Call.Outcome.VOICEMAIL, 2, 1, 1, "completed")


def test_the_request_is_stored_before_the_step_runs(camau_line):
    phone = Phone()
    phone.start()
    events = in_camau(camau_line, lambda: list(VoiceEvent.objects.filter(call_sid=phone.sid)))
    assert len(events) == 1
    assert events[0].params["From"] == "+84912345678"
    assert events[0].twiml.startswith("<?xml")


def test_a_status_callback_for_a_call_never_seen_still_becomes_a_callback(camau_line):
    """Its other webhooks went to the fallback while the database was down."""
    stored = fixture("voice_status_completed")
    response = Client(HTTP_HOST="localhost").post(
        "/hooks/twilio/voice/status/", stored["params"], HTTP_X_TWILIO_SIGNATURE=stored["signature"]
    )
    assert response.status_code == 204
    call = the_call(camau_line, Phone(call_sid=stored["params"]["CallSid"]))
    assert call.outcome == Call.Outcome.ABANDONED
    assert call.duration == 74 and call.callback is not None


# --- The console: taking a queued call, calling back ---------------------------------------------------


def _queued(line, caller="+84912000333") -> Phone:
    phone = Phone(caller=caller)
    phone.start()
    phone.press("0")
    assert phone.last.find("Enqueue") is not None
    return phone


def test_waiting_callers_appear_in_the_console(camau_line):
    phone = _queued(camau_line)
    operator = signed_in("operator.camau")
    strip = operator.get("/cases/calls/waiting/").content.decode()
    assert "0912 000 333" in strip or "0912000333" in strip
    assert f"/cases/calls/{phone.sid}/take/" in strip


def test_taking_a_call_moves_it_to_my_phone_and_opens_the_new_case_form(camau_line, settings):
    phone = _queued(camau_line)
    operator = signed_in("operator.camau")
    with fake_twilio_server() as fake:
        settings.TWILIO_API_URL = fake.url
        response = operator.post(f"/cases/calls/{phone.sid}/take/")
    assert response.status_code == 302
    query = parse_qs(urlsplit(response["Location"]).query)
    assert urlsplit(response["Location"]).path == "/cases/new/"
    assert query["call"] == [phone.sid] and query["phone"] == ["0912000333"]
    (redirect,) = fake.of("call")
    assert redirect.path.endswith(f"/Calls/{phone.sid}.json")
    assert redirect.username == "ACcamau0000000000000000000000000"
    connect_url = redirect.form["Url"]
    assert connect_url == f"http://camau.localhost/hooks/twilio/voice/operator/{camau_line.operator.pk}/"

    # Twilio fetches the connect URL: the operator's phone rings.
    phone.post(urlsplit(connect_url).path)
    assert phone.last.find("Dial/Number").text == OPERATOR_PHONE
    phone.dial_result("completed", duration=200)
    call = the_call(camau_line, phone)
    assert call.outcome == Call.Outcome.OPERATOR and call.queue_result == "redirected"

    # The screen pop: number, history, and the call's id; the case created is the call's.
    form = operator.get(response["Location"])
    assert form.status_code == 200
    assert "Phòng chống dịch" not in form.content.decode()  # key 0 has no category
    data = {
        "phone": "0912000333",
        "name": "",
        "channel": "voice",
        "category": "",
        "priority": "normal",
        "ward": "",
        "address": "",
        "description": "Người dân hỏi thủ tục nhận hỗ trợ.",
        "call": phone.sid,
    }
    for _ in range(2):  # a double submit
        created = operator.post("/cases/new/", {**data, "submission": str(uuid.uuid4())})
        assert created.status_code == 302
    call = the_call(camau_line, phone)
    assert call.case is not None and call.case.provider_id == phone.sid
    assert in_camau(camau_line, lambda: Case.objects.filter(provider_id=phone.sid).count()) == 1


def test_an_operator_without_a_phone_line_is_told_so(camau_line):
    phone = _queued(camau_line)
    in_camau(camau_line, lambda: OperatorLine.objects.filter(user=camau_line.operator).delete())
    operator = signed_in("operator.camau")
    page = operator.post(f"/cases/calls/{phone.sid}/take/", follow=True)
    assert "chưa có" in page.content.decode().lower() or "no phone line" in page.content.decode()
    assert the_call(camau_line, phone).is_waiting


def test_when_twilio_refuses_the_caller_stays_waiting(camau_line, settings):
    phone = _queued(camau_line)
    operator = signed_in("operator.camau")
    with fake_twilio_server() as fake:
        settings.TWILIO_API_URL = fake.url
        fake.fail_next = 5
        page = operator.post(f"/cases/calls/{phone.sid}/take/", follow=True)
    assert page.redirect_chain[-1][0] == "/cases/calls/"
    assert the_call(camau_line, phone).is_waiting


def test_a_callback_from_the_console_rings_the_operator_then_the_citizen(camau_line, settings):
    phone = _queued(camau_line, caller="+84912000444")
    phone.queue_done("hangup", 50)
    phone.hang_up()
    callback = the_call(camau_line, phone).callback
    operator = signed_in("operator.camau")
    with fake_twilio_server() as fake:
        settings.TWILIO_API_URL = fake.url
        page = operator.post(f"/cases/callbacks/{callback.pk}/call/", follow=True)
    assert page.status_code == 200
    (placed,) = fake.of("calls")
    assert placed.form["To"] == OPERATOR_PHONE and placed.form["From"] == "+842901022"
    assert placed.form["Url"] == "http://camau.localhost/hooks/twilio/voice/callback/"
    outbound = in_camau(camau_line, lambda: Call.objects.get(direction=Call.Direction.CALLBACK, callback=callback))

    # The operator answers; Twilio fetches the URL, and the citizen's phone rings with the hotline's number.
    leg = Phone(host="camau.localhost", caller="+842901022", called=OPERATOR_PHONE, call_sid=outbound.call_sid)
    leg.params["Direction"] = "outbound-api"
    leg.post("/hooks/twilio/voice/callback/")
    dial = leg.last.find("Dial")
    assert dial.find("Number").text == "+84912000444" and dial.get("callerId") == "+842901022"
    leg.dial_result("completed", duration=60)
    done = in_camau(camau_line, lambda: Callback.objects.get(pk=callback.pk))
    assert done.done_at is not None and done.last_outcome == Callback.Outcome.REACHED
    assert done.done_by_id == camau_line.operator.pk


def test_a_callback_nobody_answers_stays_in_the_queue(camau_line, settings):
    callback = in_camau(
        camau_line,
        lambda: Callback.objects.create(
            phone="+84912000555", reason=Callback.Reason.REQUESTED, due_at=clock.now(), created_at=clock.now()
        ),
    )
    operator = signed_in("operator.camau")
    with fake_twilio_server() as fake:
        settings.TWILIO_API_URL = fake.url
        operator.post(f"/cases/callbacks/{callback.pk}/call/")
    outbound = in_camau(camau_line, lambda: Call.objects.get(callback=callback))
    leg = Phone(host="camau.localhost", caller="+842901022", called=OPERATOR_PHONE, call_sid=outbound.call_sid)
    leg.post("/hooks/twilio/voice/callback/")
    leg.dial_result("no-answer")
    again = in_camau(camau_line, lambda: Callback.objects.get(pk=callback.pk))
    assert again.done_at is None and again.attempts == 1 and again.last_outcome == Callback.Outcome.NO_ANSWER


def test_a_province_host_does_not_answer_for_another_provinces_calls(camau_line):
    """Bình Dương's host runs Bình Dương's line (its own token): Cà Mau's signed request is refused there."""
    stored = fixture("voice_incoming_camau")
    response = Client(HTTP_HOST="binhduong.localhost").post(
        "/hooks/twilio/voice/incoming/", stored["params"], HTTP_X_TWILIO_SIGNATURE=stored["signature"]
    )
    assert response.status_code == 403


def test_callers_reporting_through_the_console_get_the_same_reporter(camau_line):
    """A case from the call joins the caller's reporter record (history by number)."""
    in_camau(
        camau_line,
        lambda: case_intake(
            channel="voice",
            provider_id="earlier-call",
            description="Hỏi về tiêm chủng.",
            reporter=ReporterInput(phone="0912000666"),
        ),
    )
    phone = _queued(camau_line, caller="+84912000666")
    operator = signed_in("operator.camau")
    form = operator.get(f"/cases/new/?call={phone.sid}&phone=0912000666")
    assert "Hỏi về tiêm chủng." in form.content.decode()


def test_a_call_whose_end_was_never_reported_is_asked_about_and_called_back(camau_line, settings):
    from channels.voice.services import calls_stale_finish

    lost, live = Phone(caller="+84912000777"), Phone(caller="+84912000888")
    lost.start()
    live.start()
    with fake_twilio_server() as fake:
        settings.TWILIO_API_URL = fake.url
        fake.calls[lost.sid] = {"sid": lost.sid, "status": "completed", "duration": "35"}
        fake.calls[live.sid] = {"sid": live.sid, "status": "in-progress", "duration": None}
        with clock.at(clock.now() + timedelta(hours=2)):
            assert in_camau(camau_line, calls_stale_finish) >= 1
    call = the_call(camau_line, lost)
    assert (call.outcome, call.duration, call.status) == (Call.Outcome.ABANDONED, 35, "completed")
    assert call.callback is not None
    assert the_call(camau_line, live).outcome == Call.Outcome.IN_PROGRESS


def test_a_step_that_fails_is_answered_by_the_fallback_and_kept_for_the_retry(camau_line):
    phone = Phone()
    phone.start()
    action = phone.last.find("Gather").get("action")
    broken = action.replace(f"/menu/{camau_line.menu.pk}/", "/menu/0/")  # a menu that does not exist
    response = phone.post(broken, Digits="2")
    assert response.status_code == 200
    # The static fallback: a greeting, then the fallback number or a message, whatever the snapshot holds.
    assert phone.last.find("Say") is not None and phone.last.find("Gather") is None
    assert phone.last.find("Dial") is not None or phone.last.find("Record") is not None
    kept = in_camau(
        camau_line, lambda: VoiceEvent.objects.get(call_sid=phone.sid, step__startswith="/hooks/twilio/voice/menu/0/")
    )
    assert kept.params["Digits"] == "2" and kept.twiml == ""


def test_a_retry_of_a_step_that_failed_runs_it_again(camau_line):
    phone = Phone()
    phone.start()
    action = phone.last.find("Gather").get("action")
    path, query = action.split("?")
    key = f"{path}?{'&'.join(sorted(query.split('&')))}"
    in_camau(camau_line, lambda: VoiceEvent.objects.create(call_sid=phone.sid, step=key, params={}))
    assert phone.post(action, Digits="2").status_code == 200
    assert phone.last.find("Dial/Number").text == CDC_MAIN
    stored = in_camau(camau_line, lambda: VoiceEvent.objects.get(call_sid=phone.sid, step=key))
    assert stored.twiml.startswith("<?xml")


def test_a_line_without_a_menu_still_answers_and_queues_for_an_operator(camau_line):
    def no_menu():
        line = VoiceSettings.load()
        line.day_menu = None
        line.save()

    in_camau(camau_line, no_menu)
    phone = Phone()
    phone.start()
    assert phone.last.find("Enqueue") is not None
    assert the_call(camau_line, phone).queued_at is not None


def test_a_change_to_the_line_reaches_the_webhooks_at_once(camau_line):
    """Each process keeps the line; saving it, a menu or the calendar makes every process reload."""
    from channels.voice.line import line_current

    def change():
        assert line_current().greeting != "Xin chào, đây là lời chào mới."
        line = VoiceSettings.load()
        line.greeting = "Xin chào, đây là lời chào mới."
        line.save()
        assert line_current().greeting == "Xin chào, đây là lời chào mới."
        camau_line.menu.prompt = "Menu mới: bấm 2."
        camau_line.menu.save()
        assert line_current().day_menu.prompt == "Menu mới: bấm 2."

    in_camau(camau_line, change)
    phone = Phone()
    phone.start()
    assert "Xin chào, đây là lời chào mới." in phone.said() and "Menu mới: bấm 2." in phone.said()


def test_saving_the_line_refreshes_the_fallback_snapshot(
    camau_line, settings, tmp_path, django_capture_on_commit_callbacks
):
    import json

    from channels.voice.fallback import snapshot_path

    settings.VOICE_FALLBACK_DIR = tmp_path

    def change():
        line = VoiceSettings.load()
        line.fallback_number = "+842903111222"
        with django_capture_on_commit_callbacks(execute=True):
            line.save()

    in_camau(camau_line, change)
    assert json.loads(snapshot_path("camau").read_text())["fallback_number"] == "+842903111222"
