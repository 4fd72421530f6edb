"""The province site's report form and status page: a report becomes one web case in its province,
bots and floods are turned away with a clear answer, photos are cleaned and shown to staff only,
the status page tells the public facts only to whoever holds the code and the digits, and replies
reach the reporter by SMS (a fake Twilio server) or e-mail."""

from __future__ import annotations

import html
import io
import logging
import re
import time
import uuid

from django.contrib.auth import get_user_model
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

import pytest
from django_tenants.utils import tenant_context
from PIL import Image

from cases import rules
from cases.models import Case, CaseAttachment, Category, Channel, OutboxMessage, Ward
from cases.outbox import SENDERS, outbox_deliver_one
from cases.services import case_close, case_forward, case_note_add
from channels.sms.models import SmsMessage
from channels.voice.models import VoiceSettings
from channels.web import protection
from channels.web.demo import demo_seed
from channels.web.models import WebSubmission
from channels.web.views import REQUEST_MAX
from tests.channels.test_voice_admin import signed_in
from tests.conftest import host_of
from tests.fakes.twilio_server import fake_twilio_server

CAMAU = host_of("camau")
BINHDUONG = host_of("binhduong")
FORM, LOOKUP = "/phan-anh/", "/tra-cuu/"
PHONE, PHONE_E164 = "0852 906 417", "+84852906417"
NAME = "Lê Văn Tám"
EMAIL = "le.van.tam@example.vn"
DESCRIPTION = "Cống thoát nước trước số nhà 25 đường Phan Ngọc Hiển bị nghẹt, nước tràn lên mặt đường mỗi khi mưa."
ADDRESS = "Số 25 đường Phan Ngọc Hiển"
REPLY = "Công ty công trình đô thị đã nạo vét cống trước số nhà 25; xin cảm ơn ông đã phản ánh."
ACCOUNT_SID = "AC0a1b2c3d4e5f60718293a4b5c6d7e8f9"
AUTH_TOKEN = "test-auth-token-camau-0001"

# --- helpers --------------------------------------------------------------------------------------


@pytest.fixture
def camau(province_b):
    rules.rules_clear()
    yield province_b
    rules.rules_clear()


@pytest.fixture
def quick(settings):
    """No minimum filling time: these tests post at once (the minimum has its own tests)."""
    settings.WEB_FORM_MIN_SECONDS = 0


def page(response) -> str:
    return html.unescape(response.content.decode())


def token_in(response) -> str:
    found = re.search(r'name="submission" value="([^"]+)"', response.content.decode())
    assert found, "the form carries no token"
    return html.unescape(found[1])


def form_data(client: Client, **fields) -> dict:
    """What a citizen sends: the token of the form as the province's site rendered it, and the fields."""
    rendered = client.get(FORM)
    assert rendered.status_code == 200
    data = {"submission": token_in(rendered), "category": "ha-tang-ngap-nuoc", "description": DESCRIPTION}
    data.update(fields)
    return {name: value for name, value in data.items() if value is not None}


def a_ward(province) -> Ward:
    with tenant_context(province):
        return Ward.objects.order_by("code")[3]


def web_cases(province) -> int:
    with tenant_context(province):
        return Case.objects.filter(channel=Channel.WEB).count()


def case_of(province, response) -> Case:
    """The case whose code the thank-you page shows."""
    code = re.search(r'id="tracking-code">([\d ]+)<', response.content.decode())
    assert code, "no tracking code on the page"
    with tenant_context(province):
        return Case.objects.select_related("reporter", "ward", "category").get(tracking_code=code[1].replace(" ", ""))


def submit(client: Client, **fields):
    return client.post(FORM, form_data(client, **fields), follow=True)


def jpeg_with_exif() -> bytes:
    image = Image.new("RGB", (64, 48), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "MayAnhCuaNguoiPhanAnh"  # Make
    exif[0x013B] = "NguyenVanAn"  # Artist
    exif[0x8825] = {1: "N", 2: (9.0, 10.0, 36.0), 3: "E", 4: (105.0, 9.0, 0.0)}  # GPS position
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


def png_with_text() -> bytes:
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text("Author", "NguyenVanAn")
    out = io.BytesIO()
    Image.new("RGBA", (40, 40), (0, 120, 0, 255)).save(out, "PNG", pnginfo=info)
    return out.getvalue()


def operator(province):
    return get_user_model().objects.get(username=f"operator.{province.slug}")


# --- the form -------------------------------------------------------------------------------------


def test_the_form_is_in_vietnamese_with_the_provinces_own_topics_and_wards(camau, province_a):
    with tenant_context(province_a):
        policy = Category.objects.order_by("pk").first().sla_policy
        Category.objects.create(code="chi-binh-duong", name="Chủ đề chỉ có ở Bình Dương", sla_policy=policy)
        other_ward = Ward.objects.order_by("code").first().name
    with tenant_context(camau):
        wards = list(Ward.objects.values_list("name", flat=True))
        topics = list(Category.objects.filter(is_active=True, is_emergency=False).values_list("name", flat=True))
        emergency = Category.objects.get(code="cap-cuu").name
    assert other_ward not in wards

    response = Client(HTTP_HOST=CAMAU).get(FORM)

    assert response.status_code == 200
    text = page(response)
    assert '<html lang="vi">' in text
    assert "Gửi phản ánh đến Tổng đài 1022" in text
    assert "Nội dung phản ánh" in text and "Xã, phường" in text
    assert "Thông tin liên hệ (không bắt buộc)" in text
    options = re.findall(r"<option[^>]*>([^<]+)</option>", text)
    assert set(topics) <= set(options) and set(wards) <= set(options)
    assert "Chủ đề chỉ có ở Bình Dương" not in text and other_ward not in options
    assert f'<option value="cap-cuu">{emergency}' not in text  # emergencies are a phone call: 115
    assert 'href="tel:115"' in text
    # Each input is tied to its help text; the honeypot is hidden from people and screen readers.
    assert 'aria-describedby="id_description_help"' in text
    assert re.search(r'<div class="web-hp" aria-hidden="true">.*?name="website"', text, re.S)


def test_the_form_belongs_to_a_provinces_site_only(national_client):
    assert national_client.get(FORM).status_code == 404


def test_a_report_opens_one_web_case_in_its_province_and_shows_its_code(camau, province_a, quick, caplog):
    ward = a_ward(camau)
    client = Client(HTTP_HOST=CAMAU)
    caplog.set_level(logging.DEBUG)

    response = submit(client, ward=ward.code, address=ADDRESS, name=NAME, phone=PHONE, email="")

    assert response.status_code == 200
    (redirect, status), *_ = response.redirect_chain
    assert status == 302 and redirect.startswith("/phan-anh/da-nhan/")
    text = page(response)
    assert "Phản ánh của bạn đã được tiếp nhận" in text
    case = case_of(camau, response)
    assert case.display_code in text
    assert "bốn số cuối của số điện thoại" in text and 'id="lookup-pin"' not in text
    assert (case.channel, case.category.code, case.ward, case.address) == (
        Channel.WEB,
        "ha-tang-ngap-nuoc",
        ward,
        ADDRESS,
    )
    assert case.description == DESCRIPTION
    assert (case.reporter.name, case.reporter.phone) == (NAME, PHONE_E164)
    with tenant_context(camau):
        submission = WebSubmission.objects.get(case=case)
        assert submission.payload["description"] == DESCRIPTION and submission.lookup_pin_hash == ""
    with tenant_context(province_a):
        assert not Case.objects.filter(provider_id=case.provider_id).exists()
        assert not WebSubmission.objects.filter(submission_id=submission.submission_id).exists()
    # Reporters' names and numbers never reach the logs.
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert NAME not in logged and PHONE_E164 not in logged and "906417" not in logged


def test_an_anonymous_report_is_taken_and_given_a_pin_to_follow_it(camau, quick):
    client = Client(HTTP_HOST=CAMAU)

    response = submit(client, category="moi-truong")

    case = case_of(camau, response)
    assert case.reporter is None and case.channel == Channel.WEB
    pin = re.search(r'id="lookup-pin">(\d{4})<', response.content.decode())
    assert pin, "an anonymous reporter is given a PIN"
    assert "chỉ hiển thị một lần" in page(response)
    found = Client(HTTP_HOST=CAMAU).post(LOOKUP, {"code": case.display_code, "secret": pin[1]})
    assert found.status_code == 200
    assert "Đã tiếp nhận, đang chờ xử lý" in page(found)
    wrong = "0000" if pin[1] != "0000" else "1111"
    assert Client(HTTP_HOST=CAMAU).post(LOOKUP, {"code": case.display_code, "secret": wrong}).status_code == 404


def test_the_same_form_sent_twice_makes_one_case(camau, quick):
    client = Client(HTTP_HOST=CAMAU)
    data = form_data(client, phone=PHONE)

    first = client.post(FORM, data)
    again = client.post(FORM, data)  # a double click, or the browser sending the POST again

    assert first.status_code == again.status_code == 302
    assert again["Location"] == first["Location"]
    submission_id = protection.token_read(data["submission"]).submission_id
    with tenant_context(camau):
        submission = WebSubmission.objects.get(submission_id=submission_id)
        assert Case.objects.filter(provider_id=f"web:{submission_id}").count() == 1
        assert submission.case.channel == Channel.WEB


def test_a_form_with_mistakes_is_shown_again_with_an_error_summary_in_vietnamese(camau, quick):
    client = Client(HTTP_HOST=CAMAU)
    before = web_cases(camau)

    response = client.post(FORM, form_data(client, category="", description="", phone="12ab", email="khong-phai"))

    assert response.status_code == 400
    text = page(response)
    assert 'role="alert"' in text and "Vui lòng sửa các lỗi sau" in text
    assert "Hãy chọn chủ đề của phản ánh." in text and "Hãy mô tả nội dung phản ánh." in text
    assert "Số điện thoại không hợp lệ" in text and "Địa chỉ e-mail không hợp lệ" in text
    assert 'href="#id_description"' in text  # the summary links to each field
    assert re.search(r'aria-describedby="id_description_error"|aria-invalid="true"', text)
    assert re.search(r'<textarea[^>]*aria-describedby="id_description_help id_description_error"', text)
    assert web_cases(camau) == before


REFUSALS = {
    "honeypot": ("Phản ánh của bạn CHƯA được gửi. Vui lòng kiểm tra lại", {"website": "http://spam.example"}),
    "missing": ("biểu mẫu không kiểm tra được", {"submission": ""}),
    "tampered": ("biểu mẫu không kiểm tra được", "tamper"),
    "too_fast": ("biểu mẫu được gửi quá nhanh", "too_fast"),
    "stale": ("biểu mẫu đã mở quá lâu", "stale"),
}


@pytest.mark.parametrize("case", REFUSALS)
def test_a_form_a_bot_sent_makes_no_case_and_says_why(camau, case, settings):
    message, change = REFUSALS[case]
    client = Client(HTTP_HOST=CAMAU)
    data = form_data(client)
    token = protection.token_read(data["submission"])
    if change == "tamper":
        data["submission"] = data["submission"][:-3] + ("AAA" if not data["submission"].endswith("AAA") else "BBB")
    elif change == "too_fast":
        settings.WEB_FORM_MIN_SECONDS = 60
    elif change == "stale":
        settings.WEB_FORM_MIN_SECONDS = 0
        old = time.time() - settings.WEB_FORM_MAX_AGE_SECONDS - 60
        data["submission"] = protection.token_new(submission_id=token.submission_id, rendered_at=old)
    else:
        settings.WEB_FORM_MIN_SECONDS = 0
        data.update(change)
    before = web_cases(camau)

    response = client.post(FORM, data)

    assert response.status_code == 400
    text = page(response)
    assert message in text
    assert 'role="alert"' in text
    assert DESCRIPTION in text  # what the citizen typed is still there
    assert web_cases(camau) == before
    with tenant_context(camau):
        assert not WebSubmission.objects.filter(submission_id=token.submission_id).exists()


def test_a_form_refused_as_too_fast_is_accepted_once_the_time_has_passed(camau, settings):
    settings.WEB_FORM_MIN_SECONDS = 1
    client = Client(HTTP_HOST=CAMAU)
    data = form_data(client)
    data["submission"] = protection.token_new(rendered_at=time.time())  # shown just now, through protection's API
    refused = client.post(FORM, data)
    assert refused.status_code == 400

    time.sleep(1.1)
    again = client.post(FORM, {**data, "submission": token_in(refused)})

    assert again.status_code == 302


def test_too_many_reports_from_one_address_are_refused_and_the_citizen_keeps_the_text(camau, quick, settings):
    settings.WEB_REPORT_LIMITS = [(2, 600)]
    client = Client(HTTP_HOST=CAMAU, REMOTE_ADDR="203.0.113.7")
    before = web_cases(camau)
    for _ in range(2):
        assert client.post(FORM, form_data(client)).status_code == 302

    # Another X-Forwarded-For does not help: no proxy is trusted unless WEB_PROXIES says so.
    refused = client.post(FORM, form_data(client, description="Phản ánh thứ ba"), HTTP_X_FORWARDED_FOR="198.51.100.9")

    assert refused.status_code == 429
    assert refused["Retry-After"] == "600"
    text = page(refused)
    assert "Phản ánh của bạn CHƯA được gửi" in text and "quá nhiều phản ánh" in text
    assert "Phản ánh thứ ba" in text
    assert web_cases(camau) == before + 2
    # Someone else is not held back by that address.
    other = Client(HTTP_HOST=CAMAU, REMOTE_ADDR="203.0.113.8")
    assert other.post(FORM, form_data(other)).status_code == 302


def test_behind_a_trusted_proxy_the_forwarded_address_is_counted(camau, quick, settings):
    settings.WEB_REPORT_LIMITS = [(1, 600)]
    settings.WEB_PROXIES = 1
    proxy = Client(HTTP_HOST=CAMAU, REMOTE_ADDR="10.0.0.2")
    first = {"HTTP_X_FORWARDED_FOR": "203.0.113.20"}
    assert proxy.post(FORM, form_data(proxy), **first).status_code == 302
    assert proxy.post(FORM, form_data(proxy), **first).status_code == 429
    # What the client itself put before the proxy's entry changes nothing.
    spoofed = {"HTTP_X_FORWARDED_FOR": "192.0.2.1, 203.0.113.20"}
    assert proxy.post(FORM, form_data(proxy), **spoofed).status_code == 429
    assert proxy.post(FORM, form_data(proxy), HTTP_X_FORWARDED_FOR="203.0.113.21").status_code == 302


# --- photos ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "make", "content_type", "secret"),
    [
        ("anh.jpg", jpeg_with_exif, "image/jpeg", b"NguyenVanAn"),
        ("anh.png", png_with_text, "image/png", b"NguyenVanAn"),
    ],
)
def test_a_photo_is_stored_cleaned_and_shown_to_the_provinces_staff_only(
    camau, province_a, quick, name, make, content_type, secret
):
    original = make()
    assert secret in original
    client = Client(HTTP_HOST=CAMAU)

    response = submit(client, phone=PHONE, photo=SimpleUploadedFile(name, original, content_type=content_type))

    case = case_of(camau, response)
    with tenant_context(camau):
        attachment = CaseAttachment.objects.get(case=case)
        stored = default_storage.open(attachment.file.name).read()
    assert attachment.content_type == content_type and attachment.size == len(stored)
    assert secret not in stored and b"MayAnh" not in stored
    with Image.open(io.BytesIO(stored)) as image:
        assert image.size == Image.open(io.BytesIO(original)).size
        assert dict(image.getexif()) == {}
    assert not attachment.file.name.endswith(name)  # a random name, not the citizen's
    url = f"/attachments/{attachment.pk}/"

    staff = signed_in("camau", "operator.camau")
    shown = staff.get(url)
    assert shown.status_code == 200 and shown["Content-Type"] == content_type
    assert b"".join(shown.streaming_content) == stored
    assert "no-store" in shown["Cache-Control"]
    case_page = page(staff.get(f"/cases/{case.tracking_code}/"))
    assert f'src="{url}"' in case_page and "Ảnh người phản ánh gửi" in case_page

    # The public, staff of an agency the case is not forwarded to, and another province never see it.
    assert Client(HTTP_HOST=CAMAU).get(url).status_code == 404
    assert signed_in("camau", "agency.camau").get(url).status_code == 404
    assert signed_in("binhduong", "operator.binhduong").get(url).status_code == 404
    assert Client(HTTP_HOST=BINHDUONG).get(url).status_code == 404


def test_agency_staff_see_the_photo_once_the_case_is_forwarded_to_them(camau, quick):
    response = submit(Client(HTTP_HOST=CAMAU), photo=SimpleUploadedFile("a.png", png_with_text(), "image/png"))
    case = case_of(camau, response)
    with tenant_context(camau):
        from cases.models import Agency

        staff = get_user_model().objects.get(username="agency.camau")
        case_forward(case=case, actor=operator(camau), agency=Agency.objects.get(pk=staff.agency_membership.agency_id))
        attachment = CaseAttachment.objects.get(case=case)

    assert signed_in("camau", "agency.camau").get(f"/attachments/{attachment.pk}/").status_code == 200


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (
            lambda: SimpleUploadedFile("anh.jpg", b"<?php echo 'not a photo'; ?>" * 20, "image/jpeg"),
            "không phải là ảnh",
        ),
        (lambda: SimpleUploadedFile("anh.gif", _gif(), "image/gif"), "JPEG, PNG hoặc WebP"),
        (lambda: SimpleUploadedFile("lon.jpg", b"\xff" * (5 * 1024 * 1024 + 1), "image/jpeg"), "Ảnh quá lớn"),
    ],
    ids=["claims-to-be-a-jpeg", "gif", "over-5-mb"],
)
def test_a_file_that_is_not_an_acceptable_photo_is_a_form_error(camau, quick, upload, message):
    client = Client(HTTP_HOST=CAMAU)
    before = web_cases(camau)

    response = client.post(FORM, form_data(client, photo=upload()))

    assert response.status_code == 400
    text = page(response)
    assert message in text and 'id="id_photo_error"' in text
    assert "chọn lại" in text  # the photo is not kept when the form is shown again, and the page says so
    assert web_cases(camau) == before


def _gif() -> bytes:
    out = io.BytesIO()
    Image.new("P", (8, 8)).save(out, "GIF")
    return out.getvalue()


def test_a_request_larger_than_any_report_is_refused_with_413(camau, quick):
    client = Client(HTTP_HOST=CAMAU)
    data = form_data(client, photo=SimpleUploadedFile("lon.jpg", b"\xff" * (REQUEST_MAX + 1), "image/jpeg"))
    before = web_cases(camau)

    response = client.post(FORM, data)

    assert response.status_code == 413
    assert "ảnh quá lớn" in page(response)
    assert web_cases(camau) == before


# --- the status page ------------------------------------------------------------------------------


@pytest.fixture
def reported(camau, quick) -> Case:
    """A web report with a name, a phone number and a photo, answered once by the hotline."""
    response = submit(Client(HTTP_HOST=CAMAU), name=NAME, phone=PHONE, address=ADDRESS, ward=a_ward(camau).code)
    case = case_of(camau, response)
    with tenant_context(camau):
        case_note_add(case=case, actor=operator(camau), text=REPLY, to_reporter=True)
        case_note_add(case=case, actor=operator(camau), text="Ghi chú nội bộ: đã gọi cho tổ dân phố.")
    return case


def lookup(code: str, secret: str, *, host: str = CAMAU, client: Client | None = None):
    return (client or Client(HTTP_HOST=host)).post(LOOKUP, {"code": code, "secret": secret})


def test_the_status_page_shows_the_public_facts_only(reported):
    response = lookup(reported.display_code, PHONE_E164[-4:])

    assert response.status_code == 200
    text = page(response)
    assert f"Phản ánh {reported.display_code}" in text
    assert reported.category.name in text and "Đã tiếp nhận, đang chờ xử lý" in text
    assert reported.received_at.astimezone().strftime("%d/%m/%Y") in text
    assert REPLY in text and "Trả lời của Tổng đài" in text
    # Never who reported, how to reach them, what they wrote, or what staff noted among themselves.
    for private in (NAME, PHONE, PHONE_E164, "0852906417", DESCRIPTION, ADDRESS, "Ghi chú nội bộ"):
        assert private not in text


def test_the_status_page_shows_the_result_of_a_closed_case(reported, camau):
    with tenant_context(camau):
        case_close(case=reported, actor=operator(camau), resolution="Đã nạo vét xong đoạn cống.")

    text = page(lookup(reported.display_code, PHONE_E164[-4:]))

    assert "Đã xử lý xong" in text and "Đã nạo vét xong đoạn cống." in text


def test_wrong_digits_and_unknown_codes_get_the_same_answer(reported):
    wrong = lookup(reported.display_code, "0000" if not PHONE_E164.endswith("0000") else "1111")
    unknown = lookup("000 000 000", PHONE_E164[-4:])  # well formed (its check digit holds), but nobody's

    for response in (wrong, unknown):
        assert response.status_code == 404
        text = page(response)
        assert "Không tìm thấy phản ánh nào" in text
        assert reported.category.name not in text


def test_a_code_is_locked_for_the_day_after_too_many_wrong_digits(reported, settings):
    settings.WEB_LOOKUP_FAILURES_PER_CODE = 3
    for attempt in range(3):
        # From different addresses: the limit is the code's, not the client's.
        client = Client(HTTP_HOST=CAMAU, REMOTE_ADDR=f"203.0.113.{30 + attempt}")
        assert lookup(reported.display_code, f"{attempt:04d}", client=client).status_code == 404

    locked = lookup(reported.display_code, PHONE_E164[-4:])

    assert locked.status_code == 429
    assert "nhập sai bốn số quá nhiều lần" in page(locked)
    assert lookup("000 000 000", "1234").status_code == 404  # other codes are not held back


def test_one_address_may_look_up_only_so_many_times(reported, settings):
    settings.WEB_LOOKUP_LIMITS = [(2, 600)]
    client = Client(HTTP_HOST=CAMAU, REMOTE_ADDR="203.0.113.50")
    for _ in range(2):
        assert lookup(reported.display_code, PHONE_E164[-4:], client=client).status_code == 200

    refused = lookup(reported.display_code, PHONE_E164[-4:], client=client)

    assert refused.status_code == 429 and "Quá nhiều yêu cầu" in page(refused)


def test_a_case_of_another_province_is_never_found(reported):
    response = lookup(reported.display_code, PHONE_E164[-4:], host=BINHDUONG)

    assert response.status_code == 404
    assert "Không tìm thấy phản ánh nào" in page(response)


def test_a_malformed_code_is_a_form_error_in_vietnamese(camau):
    response = lookup("123", "12")

    assert response.status_code == 400
    text = page(response)
    assert "Đây không phải là mã theo dõi" in text and "Hãy nhập đúng bốn chữ số." in text
    assert 'aria-invalid="true"' in text and 'aria-describedby="id_code_help id_code_error"' in text


def test_the_status_page_is_in_vietnamese(camau):
    response = Client(HTTP_HOST=CAMAU).get(LOOKUP)

    assert response.status_code == 200
    text = page(response)
    assert '<html lang="vi">' in text and "Tra cứu phản ánh" in text and "Mã theo dõi" in text


# --- replies --------------------------------------------------------------------------------------


@pytest.fixture
def fake_twilio(camau, settings):
    with tenant_context(camau):
        line = VoiceSettings.load()
        line.account_sid, line.auth_token, line.caller_id = ACCOUNT_SID, AUTH_TOKEN, ""
        line.save()
    with fake_twilio_server() as fake:
        settings.TWILIO_API_URL = fake.url
        settings.PUBLIC_SCHEME, settings.PUBLIC_PORT = "http", ""
        yield fake


def reply_and_deliver(province, case: Case) -> OutboxMessage:
    with tenant_context(province):
        case_note_add(case=case, actor=operator(province), text=REPLY, to_reporter=True)
        message = OutboxMessage.objects.get(case=case, kind=OutboxMessage.Kind.REPLY)
        assert message.channel == Channel.WEB
        outbox_deliver_one(message.pk)
        message.refresh_from_db()
    return message


def test_the_web_sender_is_registered_with_the_outbox():
    assert SENDERS[Channel.WEB].__module__ == "channels.web.sender"


def test_a_reply_to_a_reporter_with_a_phone_goes_out_by_sms(camau, quick, fake_twilio, mailoutbox):
    case = case_of(camau, submit(Client(HTTP_HOST=CAMAU), name=NAME, phone=PHONE))

    message = reply_and_deliver(camau, case)

    assert message.status == OutboxMessage.Status.SENT and message.sent_at is not None
    (sent,) = fake_twilio.of("messages")
    assert (sent.form["To"], sent.form["Body"], sent.username) == (PHONE_E164, REPLY, ACCOUNT_SID)
    assert message.provider_id.startswith("SM")
    with tenant_context(camau):
        sms = SmsMessage.objects.get(outbox_message=message)
    assert (sms.message_sid, sms.direction, sms.case_id) == (
        message.provider_id,
        SmsMessage.Direction.OUTBOUND,
        case.pk,
    )
    assert mailoutbox == []


def test_a_reply_to_a_reporter_with_an_email_only_goes_out_by_email(camau, quick, fake_twilio, mailoutbox):
    case = case_of(camau, submit(Client(HTTP_HOST=CAMAU), email=EMAIL))

    message = reply_and_deliver(camau, case)

    assert message.status == OutboxMessage.Status.SENT
    (mail,) = mailoutbox
    assert mail.to == [EMAIL]
    assert case.display_code in mail.subject
    assert REPLY in mail.body and "http://camau.localhost/tra-cuu/" in mail.body
    assert message.provider_id in (mail.extra_headers.get("Message-ID"), mail.extra_headers["X-Outbox-Id"])
    assert fake_twilio.of("messages") == []


def test_twilio_failing_leaves_the_reply_to_retry(camau, quick, fake_twilio):
    case = case_of(camau, submit(Client(HTTP_HOST=CAMAU), phone=PHONE))
    fake_twilio.fail_next = 1

    message = reply_and_deliver(camau, case)

    assert message.status == OutboxMessage.Status.RETRYING
    assert "503" in message.last_error and PHONE_E164 not in message.last_error


def test_an_anonymous_reporter_reads_the_reply_on_the_status_page(camau, quick):
    response = submit(Client(HTTP_HOST=CAMAU))
    case = case_of(camau, response)
    pin = re.search(r'id="lookup-pin">(\d{4})<', response.content.decode())[1]
    with tenant_context(camau):
        case_note_add(case=case, actor=operator(camau), text=REPLY, to_reporter=True)
        assert not OutboxMessage.objects.filter(case=case).exists()  # nobody to send it to

    assert REPLY in page(lookup(case.display_code, pin))


# --- the demo -------------------------------------------------------------------------------------


def test_the_demo_sends_two_reports_through_the_form_once(camau):
    lines: list[str] = []
    with tenant_context(camau):
        before = set(Case.objects.filter(channel=Channel.WEB).values_list("pk", flat=True))
        demo_seed(log=lines.append)
        made = list(Case.objects.filter(channel=Channel.WEB).exclude(pk__in=before).select_related("reporter", "ward"))
        again: list[str] = []
        demo_seed(log=again.append)
        assert Case.objects.filter(channel=Channel.WEB).count() == len(before) + 2
    assert len(lines) == 2 and all("mã" in line for line in lines), lines
    assert again == []
    with_phone, anonymous = sorted(made, key=lambda case: case.reporter is None)
    assert with_phone.reporter.phone and with_phone.ward is not None
    assert anonymous.reporter is None and anonymous.ward is None


def test_a_random_submission_id_is_not_a_token():
    with pytest.raises(protection.TokenRefused):
        protection.token_read(str(uuid.uuid4()))
