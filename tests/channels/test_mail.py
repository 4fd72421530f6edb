"""The e-mail channel: raw mail posted signed to the province's webhook or read from its IMAP mailbox
becomes a case in that province, threads into the reporter's case, and replies leave through the
province's SMTP server (a local aiosmtpd) with the headers that keep the conversation together."""

from __future__ import annotations

from email.utils import parseaddr
from pathlib import Path

from django.conf import settings as django_settings
from django.db import connections
from django.test import Client

import pytest
from django_tenants.utils import tenant_context
from wagtail.admin.panels import get_edit_handler

from cases import outbox
from cases.models import Case, CaseEvent, CaseStatus, Channel, OutboxMessage
from cases.services import case_close, case_request_info
from channels.mail import demo as mail_demo
from channels.mail import sender as mail_sender
from channels.mail.mailbox import mailbox_fetch
from channels.mail.models import InboundMail, MailSettings, SmtpSecurity
from channels.mail.parsing import html_text, text_trimmed
from channels.mail.services import RETRY_AFTER, mails_retry
from channels.mail.tasks import mail_fetch
from channels.mail.views import BODY_MAX, SIGNATURE_HEADER, signature
from channels.messaging.forms import SecretSettingsForm
from tests.channels import chat_support as chat
from tests.channels.test_voice_admin import signed_in
from tests.fakes.imap_server import fake_imap_server
from tests.fakes.smtp_server import fake_smtp_server

FIXTURES = Path(__file__).parent / "fixtures" / "mail"
HOST = "camau.localhost"
URL = "/hooks/mail/inbound/"
ADDRESS = "1022@camau.gov.vn"
SECRET = "test-mail-webhook-secret-camau-0001"
IMAP_USER, IMAP_PASSWORD = "1022@camau.gov.vn", "imap-test-password-camau"
SMTP_USER, SMTP_PASSWORD = "1022@camau.gov.vn", "smtp-test-password-camau"
REPORTER = "nguyenvanbinh.cm@gmail.com"
Action = CaseEvent.Action
Sent, Retrying = OutboxMessage.Status.SENT, OutboxMessage.Status.RETRYING


def fixture(name: str, **fill: str) -> bytes:
    raw = (FIXTURES / f"{name}.eml").read_bytes()
    for key, value in fill.items():
        raw = raw.replace(f"__{key.upper()}__".encode(), value.encode())
    return raw


def post(raw: bytes, *, secret: str = SECRET, host: str = HOST, sign: str | None = None):
    headers = {SIGNATURE_HEADER: signature(secret, raw) if sign is None else sign}
    return Client(HTTP_HOST=host).post(URL, raw, content_type="message/rfc822", headers=headers)


def stored(province, raw_name: str = "plain_gmail") -> InboundMail:
    message_id = {
        "plain_gmail": "<CAF3x9q+Yk2bq1vV0dRzPq8sT6m4Lw@mail.gmail.com>",
        "reply_gmail": "<CAF3x9q+Zr7TT0b2Reply@mail.gmail.com>",
        "html_outlook": "<SEYP153MB5321A0C3F1E6B8D1F2@SEYP153MB5321.APCP153.PROD.OUTLOOK.COM>",
        "photo_iphone": "<7F1E9A42-3C1D-4B8E-A0F2-5D6C7B8A9E10@icloud.com>",
    }[raw_name]
    with tenant_context(province):
        return InboundMail.objects.select_related("case__reporter").get(message_id=message_id)


def mails(province) -> int:
    with tenant_context(province):
        return InboundMail.objects.count()


@pytest.fixture
def camau(province_b):
    """Cà Mau's mailbox holds the secret the tests sign with; no IMAP, no SMTP of its own."""
    yield from chat.configured(province_b, MailSettings, address=ADDRESS, webhook_secret=SECRET)


def configure(province, **values) -> None:
    with tenant_context(province):
        account = MailSettings.load()
        for name, value in values.items():
            setattr(account, name, value)
        account.save()


@pytest.fixture
def smtp(camau):
    """Cà Mau's own SMTP server (plain, on loopback), with the login the tests expect."""
    with fake_smtp_server(user=SMTP_USER, password=SMTP_PASSWORD) as fake:
        configure(
            camau,
            smtp_host=fake.host,
            smtp_port=fake.port,
            smtp_security=SmtpSecurity.NONE,
            smtp_user=SMTP_USER,
            smtp_password=SMTP_PASSWORD,
        )
        yield fake


@pytest.fixture
def imap(camau):
    with fake_imap_server(user=IMAP_USER, password=IMAP_PASSWORD) as box:
        configure(
            camau,
            imap_host=box.host,
            imap_port=box.port,
            imap_ssl=False,
            imap_user=IMAP_USER,
            imap_password=IMAP_PASSWORD,
        )
        yield box


def reported(province, name: str = "plain_gmail") -> Case:
    assert post(fixture(name)).status_code == 200
    return stored(province, name).case


def reply_for(province, case: Case, in_reply_to: str = "<none@example.vn>") -> bytes:
    return fixture("reply_gmail", code=case.display_code, in_reply_to=in_reply_to)


# --- the webhook ------------------------------------------------------------------------------------


def test_the_finisher_is_registered_and_email_keeps_the_platforms_sender():
    assert outbox.SENDERS[Channel.EMAIL] is outbox.email_send
    assert mail_sender.reporter_mail_finish in outbox.EMAIL_FINISHERS


def test_a_signed_mail_opens_a_case_in_the_province_of_the_host_only(camau, province_a):
    response = post(fixture("plain_gmail"))

    assert response.status_code == 200
    mail = stored(camau)
    assert (mail.status, mail.source, mail.sender) == (InboundMail.Status.TAKEN_IN, "webhook", REPORTER)
    case = mail.case
    assert (case.channel, case.status) == (Channel.EMAIL, CaseStatus.NEW)
    assert case.description.startswith("Phản ánh ngập nước đường Nguyễn Tất Thành\n\nKính gửi Tổng đài 1022 Cà Mau,")
    assert "0912 345 678" not in case.description  # the signature is left out
    assert (case.reporter.name, case.reporter.email) == ("Nguyễn Văn Bình", REPORTER)
    with tenant_context(camau):
        assert case.reporter.identities.get(channel=Channel.EMAIL).external_id == REPORTER
        assert chat.acknowledgement_of(camau, case).channel == Channel.EMAIL
    assert mails(province_a) == 0
    with tenant_context(province_a):
        assert not Case.objects.filter(reporter__email=REPORTER).exists()


def test_a_repeated_delivery_leaves_one_case(camau):
    first, again = post(fixture("plain_gmail")), post(fixture("plain_gmail"))

    assert (first.status_code, again.status_code) == (200, 200)
    with tenant_context(camau):
        assert InboundMail.objects.count() == 1
        case = Case.objects.get(channel=Channel.EMAIL, reporter__email=REPORTER)
        assert not case.events.filter(action=Action.RECEIVED_AGAIN).exists()
        assert case.outbox_messages.count() == 1


def test_a_mail_without_message_id_is_kept_under_the_digest_of_its_bytes(camau):
    raw = fixture("plain_gmail").replace(b"Message-ID: <CAF3x9q+Yk2bq1vV0dRzPq8sT6m4Lw@mail.gmail.com>\r\n", b"")

    assert post(raw).status_code == 200
    assert post(raw).status_code == 200

    with tenant_context(camau):
        (mail,) = InboundMail.objects.all()
        assert mail.message_id.startswith("sha256:") and mail.case is not None


@pytest.mark.parametrize(
    "sign",
    [
        "",
        "sha256=" + "0" * 64,
        "not-a-signature",
        "sha256=bé",
    ],
)
def test_an_unsigned_or_wrongly_signed_mail_is_refused_and_not_stored(camau, sign):
    assert post(fixture("plain_gmail"), sign=sign).status_code == 403
    assert mails(camau) == 0


def test_a_mail_signed_with_another_provinces_secret_is_refused(camau, province_a):
    configure(province_a, address="1022@binhduong.gov.vn", webhook_secret="binhduong-secret")

    assert post(fixture("plain_gmail"), secret="binhduong-secret").status_code == 403
    assert post(fixture("plain_gmail"), secret="binhduong-secret", host="binhduong.localhost").status_code == 200
    assert mails(camau) == 0 and mails(province_a) == 1


def test_without_a_secret_the_webhook_refuses_everything(camau):
    configure(camau, webhook_secret="")
    assert post(fixture("plain_gmail"), secret="").status_code == 403


@pytest.mark.parametrize(
    "body", [b"", b"\x00\xff\xfe not a mail", b'{"event": "inbound"}', b"Subject: no sender\r\n\r\nhi"]
)
def test_what_is_not_a_mail_is_answered_400(camau, body):
    assert post(body).status_code == 400
    assert mails(camau) == 0


def test_an_oversized_mail_is_answered_413(camau):
    raw = fixture("plain_gmail") + b"x" * BODY_MAX
    assert post(raw).status_code == 413
    assert mails(camau) == 0


def test_a_mail_larger_than_djangos_form_limit_is_taken_in(camau):
    raw = fixture("plain_gmail") + (b"=20" * 76 + b"=\r\n") * 15_000  # ~3.5 MB of quoted-printable spaces
    assert len(raw) > django_settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    assert post(raw).status_code == 200
    assert stored(camau).case is not None


def test_only_post_is_allowed_and_the_national_host_has_no_mailbox(camau):
    response = Client(HTTP_HOST=HOST).get(URL)
    assert (response.status_code, response["Allow"]) == (405, "POST")
    assert post(fixture("plain_gmail"), host=django_settings.BASE_DOMAIN).status_code == 404


# --- parsing ------------------------------------------------------------------------------------


def test_an_html_only_mail_is_read_without_its_quoted_history(camau):
    case = reported(camau, "html_outlook")

    assert "Cho tôi hỏi thủ tục đăng ký hộ kinh doanh cá thể ở phường Tân Thành làm ở đâu," in case.description
    assert "Thư cũ" not in case.description and "Phòng Kinh tế" not in case.description
    assert case.reporter.name == "Phạm Thị Hồng"


def test_a_photo_becomes_an_attachment_and_the_phone_footer_is_dropped(camau):
    case = reported(camau, "photo_iphone")

    with tenant_context(camau):
        (attachment,) = case.attachments.all()
        assert attachment.content_type == "image/jpeg" and attachment.size > 0
    assert case.description.endswith("xe không qua được.")


@pytest.mark.parametrize(
    "text, kept",
    [
        ("Đường tối.\n\nOn Tue, 1 Dec 2026 at 09:12, Tổng đài <1022@camau.gov.vn> wrote:\n> Mã theo dõi", "Đường tối."),
        ("Cảm ơn.\n\n-----Original Message-----\nFrom: 1022", "Cảm ơn."),
        ("Cảm ơn.\n________________________________\nTừ: Tổng đài 1022\nĐã gửi: Thứ Năm", "Cảm ơn."),
        ("Vâng ạ.\n-- \nLê Văn A\n0912345678", "Vâng ạ."),
        ("Ý kiến 1.\n> trích dẫn\nÝ kiến 2.", "Ý kiến 1.\nÝ kiến 2."),
        # A forwarded mail is what the person reports: it is kept.
        ("Tôi nhận được thư lừa đảo này:\n---------- Forwarded message ---------\nTừ: ai đó", None),
        # "Gửi từ …" inside the text is a sentence, not a phone's footer.
        ("Gửi từ điện thoại của con tôi vì máy tôi hỏng.\nXin trả lời sớm.", None),
    ],
)
def test_quoted_history_and_signatures_are_trimmed(text, kept):
    assert text_trimmed(text) == (text if kept is None else kept)


def test_html_text_keeps_lines_and_drops_the_gmail_quote():
    html = '<div>Dòng một<br>Dòng <b>hai</b></div><div class="gmail_quote">Vào … đã viết: cũ</div>'
    assert html_text(html) == "Dòng một\nDòng hai"


@pytest.mark.parametrize(
    "raw",
    [
        fixture("auto_reply"),
        fixture("bounce"),
        fixture("plain_gmail").replace(b"Message-ID:", b"Precedence: bulk\r\nMessage-ID:"),
        fixture("plain_gmail").replace(b"<NguyenVanBinh.CM@gmail.com>", f"<{ADDRESS.upper()}>".encode()),
    ],
    ids=["auto-reply", "bounce", "bulk", "own-address"],
)
def test_automatic_mail_is_stored_but_opens_no_case(camau, raw):
    before = _email_cases(camau)

    assert post(raw).status_code == 200

    with tenant_context(camau):
        (mail,) = InboundMail.objects.all()
        assert (mail.status, mail.case) == (InboundMail.Status.IGNORED, None)
        assert mail.error
    assert _email_cases(camau) == before


def _email_cases(province) -> int:
    with tenant_context(province):
        return Case.objects.filter(channel=Channel.EMAIL).count()


# --- threading ------------------------------------------------------------------------------------


def test_a_reply_naming_the_code_from_the_reporter_joins_the_case(camau):
    case = reported(camau)

    assert post(reply_for(camau, case)).status_code == 200

    reply = stored(camau, "reply_gmail")
    assert reply.case == case
    with tenant_context(camau):
        (again,) = case.events.filter(action=Action.RECEIVED_AGAIN)
        assert again.note == "Bổ sung: sáng nay nước vẫn còn ngập khoảng 30 cm trước số nhà 125, tôi gửi kèm mô tả."
        assert Case.objects.filter(reporter=case.reporter).count() == 1
        assert case.outbox_messages.count() == 1  # no second acknowledgement


def test_a_stranger_naming_someone_elses_code_opens_their_own_case(camau):
    case = reported(camau)
    stranger = reply_for(camau, case).replace(b"<nguyenvanbinh.cm@gmail.com>", b"<ke.la@example.vn>")

    assert post(stranger).status_code == 200

    theirs = stored(camau, "reply_gmail").case
    assert theirs != case and theirs.reporter.email == "ke.la@example.vn"
    with tenant_context(camau):
        assert not case.events.filter(action=Action.RECEIVED_AGAIN).exists()


def test_a_second_mail_from_the_sender_joins_their_open_case(camau):
    case = reported(camau)
    other = fixture("html_outlook").replace(b"<hong.pham@outlook.com.vn>", f"<{REPORTER}>".encode())

    assert post(other).status_code == 200

    assert stored(camau, "html_outlook").case == case


def test_an_answer_to_the_waiting_case_resumes_it(camau):
    case = reported(camau)
    with tenant_context(camau):
        case_request_info(case=case, actor=chat.operator(camau), question="Xin cho biết số nhà cụ thể?")

    post(reply_for(camau, case))

    with tenant_context(camau):
        case.refresh_from_db()
        assert case.status == CaseStatus.NEW
        assert "30 cm" in case.events.get(action=Action.INFO_RECEIVED).note


def test_a_mail_about_a_closed_case_opens_a_new_one(camau):
    case = reported(camau)
    with tenant_context(camau):
        case_close(case=case, actor=chat.operator(camau), resolution="Đã nạo vét cống.", notify_reporter=False)

    post(reply_for(camau, case))

    new = stored(camau, "reply_gmail").case
    assert new != case and new.reporter == case.reporter


# --- replies --------------------------------------------------------------------------------------


def test_acknowledgement_and_reply_leave_through_the_provinces_smtp_threaded(camau, smtp):
    case = reported(camau)
    original = "<CAF3x9q+Yk2bq1vV0dRzPq8sT6m4Lw@mail.gmail.com>"
    acknowledgement = chat.deliver(camau, chat.acknowledgement_of(camau, case))
    reply = chat.deliver(camau, chat.reply_to_reporter(camau, case, "Công ty Cấp thoát nước sẽ nạo vét trong tuần."))

    assert (acknowledgement.status, reply.status) == (Sent, Sent), (acknowledgement.last_error, reply.last_error)
    first, second = smtp.received
    for sent, row in ((first, acknowledgement), (second, reply)):
        message = sent.message
        assert sent.rcpt_tos == [REPORTER] and sent.login == SMTP_USER
        assert parseaddr(str(message["From"]))[1] == ADDRESS
        assert (
            str(message["Subject"]).strip()
            == f"Re: Phản ánh ngập nước đường Nguyễn Tất Thành [1022 #{case.display_code}]"
        )
        assert str(message["Message-ID"]) == row.provider_id and row.provider_id.endswith("@camau.gov.vn>")
        assert str(message["In-Reply-To"]) == original
        assert str(message["References"]).split()[-1] == original
    assert first.message["Auto-Submitted"] == "auto-replied" and second.message["Auto-Submitted"] is None
    assert "Công ty Cấp thoát nước" in second.message.get_content()
    assert acknowledgement.provider_id != reply.provider_id


def test_an_answer_quoting_our_message_id_joins_the_case_even_without_the_code(camau, smtp):
    case = reported(camau)
    acknowledgement = chat.deliver(camau, chat.acknowledgement_of(camau, case))
    answer = reply_for(camau, case, in_reply_to=acknowledgement.provider_id).replace(
        f" [1022 #{case.display_code}]".encode(), b""
    )
    answer = answer.replace(b"<nguyenvanbinh.cm@gmail.com>", b"<binh.nguyen.work@example.vn>")

    assert post(answer).status_code == 200

    assert stored(camau, "reply_gmail").case == case


def test_the_reply_to_a_follow_up_answers_the_reporters_last_mail(camau, smtp):
    case = reported(camau)
    post(reply_for(camau, case))

    reply = chat.deliver(camau, chat.reply_to_reporter(camau, case, "Đã ghi nhận bổ sung."))

    assert reply.status == Sent
    (sent,) = smtp.received
    assert str(sent.message["In-Reply-To"]) == "<CAF3x9q+Zr7TT0b2Reply@mail.gmail.com>"
    assert "<none@example.vn>" in str(sent.message["References"])


def test_without_its_own_smtp_the_reply_goes_through_the_platform_with_the_mailbox_as_reply_to(camau, mailoutbox):
    case = reported(camau)

    reply = chat.deliver(camau, chat.reply_to_reporter(camau, case, "Đã chuyển UBND phường."))

    assert reply.status == Sent
    (mail,) = mailoutbox
    assert mail.from_email == django_settings.DEFAULT_FROM_EMAIL and mail.reply_to == [ADDRESS]
    assert mail.extra_headers["Message-ID"] == reply.provider_id
    assert mail.subject.endswith(f"[1022 #{case.display_code}]")


def test_a_refusing_smtp_server_leaves_the_reply_to_retry_without_the_address_in_the_error(camau, smtp):
    case = reported(camau)
    reply = chat.reply_to_reporter(camau, case, "Đã chuyển UBND phường.")
    smtp.fail(1)

    reply = chat.deliver(camau, reply)

    assert reply.status == Retrying and "SMTP 451" in reply.last_error
    assert REPORTER not in reply.last_error and SMTP_PASSWORD not in reply.last_error
    with tenant_context(camau):
        OutboxMessage.objects.filter(pk=reply.pk).update(next_attempt_at=reply.created_at)
    assert chat.deliver(camau, reply).status == Sent
    assert len(smtp.received) == 1


def test_agency_notices_keep_the_platforms_form(camau, smtp, mailoutbox):
    with tenant_context(camau):
        notice = outbox.outbox_enqueue(
            outbox.outbox_message(
                kind=OutboxMessage.Kind.AGENCY_NOTICE,
                channel=Channel.EMAIL,
                recipient="vanthu@sotnmt.camau.gov.vn",
                subject="[1022] Vụ việc chuyển đến",
                body="…",
            )
        )
    assert chat.deliver(camau, notice).status == Sent
    assert smtp.received == [] and len(mailoutbox) == 1
    assert "Message-ID" not in mailoutbox[0].extra_headers


# --- the mailbox (IMAP) ---------------------------------------------------------------------------


def test_the_task_reads_unread_mail_marks_it_seen_and_a_second_run_adds_nothing(camau, imap):
    imap.add(fixture("plain_gmail"))
    imap.add(fixture("html_outlook"))
    imap.add(fixture("photo_iphone"), seen=True)  # read by someone already: left alone

    with tenant_context(camau):
        assert mail_fetch() == {"fetched": 2, "retried": 0}
        assert InboundMail.objects.filter(source="imap", status=InboundMail.Status.TAKEN_IN).count() == 2
        assert Case.objects.filter(inbound_mails__source="imap").distinct().count() == 2
        assert imap.unseen() == []
        assert mail_fetch() == {"fetched": 0, "retried": 0}
        assert InboundMail.objects.count() == 2
    assert any(command.startswith("UID FETCH") and "BODY.PEEK[]" in command for command in imap.commands)
    assert imap.commands.index("LOGIN") < imap.commands.index("SELECT INBOX")
    assert imap.commands[-1] == "LOGOUT"


def test_a_mail_the_webhook_brought_is_not_taken_in_again_from_the_mailbox(camau, imap):
    post(fixture("plain_gmail"))
    imap.add(fixture("plain_gmail"))

    with tenant_context(camau):
        mailbox_fetch()
        assert InboundMail.objects.count() == 1
        assert Case.objects.filter(channel=Channel.EMAIL, reporter__email=REPORTER).count() == 1
    assert imap.unseen() == []


def test_a_wrong_password_reads_nothing_and_raises_nothing(camau, imap):
    configure(camau, imap_password="wrong")
    imap.add(fixture("plain_gmail"))

    with tenant_context(camau):
        assert mailbox_fetch() == 0
    assert len(imap.unseen()) == 1


def test_a_run_while_another_holds_the_mailbox_reads_nothing(camau, imap):
    imap.add(fixture("plain_gmail"))
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(hashtext(%s))", [f"{camau.schema_name}:mail-fetch"])
        with tenant_context(camau):
            assert mailbox_fetch() == 0
        assert len(imap.unseen()) == 1 and "LOGIN" not in imap.commands
    finally:
        other.close()


def test_a_stored_mail_a_failure_left_behind_is_taken_in_by_the_task(camau):
    with tenant_context(camau):
        # What a worker killed between storing and taking in leaves.
        mail = InboundMail.objects.create(message_id="<left@example.vn>", source="webhook", raw=fixture("plain_gmail"))
        assert mails_retry() == 0  # too fresh: the request may still be taking it in
        InboundMail.objects.filter(pk=mail.pk).update(received_at=mail.received_at - 2 * RETRY_AFTER)
        assert mails_retry() == 1
        mail.refresh_from_db()
        assert mail.status == InboundMail.Status.TAKEN_IN and mail.case is not None


# --- the admin --------------------------------------------------------------------------------------


def test_the_secrets_are_never_shown_back_and_a_blank_field_keeps_them(camau):
    with tenant_context(camau):
        form_class = get_edit_handler(MailSettings).get_form_class()
        assert issubclass(form_class, SecretSettingsForm)
        assert SECRET not in str(form_class(instance=MailSettings.load())["webhook_secret"])
    response = signed_in("camau", "admin.camau").get("/admin/settings/channel_mail/mailsettings/", follow=True)
    assert response.status_code == 200
    assert SECRET not in response.content.decode()


def test_the_channel_overview_shows_the_provinces_own_webhook_and_settings(camau):
    page = signed_in("camau", "admin.camau").get("/admin/channels/").content.decode()
    assert f"http://{HOST}{URL}" in page and "binhduong.localhost" not in page
    assert "/admin/settings/channel_mail/mailsettings/" in page
    assert "/cases/?queue=all&amp;channel=email" in page


@pytest.mark.parametrize("username", ["operator.camau", "agency.camau"])
def test_staff_who_do_not_configure_the_province_cannot_open_the_mailbox_settings(camau, username):
    response = signed_in("camau", username).get("/admin/settings/channel_mail/mailsettings/")
    assert response.status_code in (302, 403)


# --- the demo -----------------------------------------------------------------------------------------


def test_the_demo_delivers_two_mails_once_and_keeps_an_admins_own_mailbox(camau):
    lines: list[str] = []
    with tenant_context(camau):
        mail_demo.demo_seed(log=lines.append)
        again: list[str] = []
        mail_demo.demo_seed(log=again.append)
        assert (MailSettings.load().address, MailSettings.load().webhook_secret) == (ADDRESS, SECRET)
        demo_cases = Case.objects.filter(channel=Channel.EMAIL, inbound_mails__message_id__startswith="<demo.")
        assert demo_cases.distinct().count() == 2
    assert lines == ["thư điện tử mẫu 1: HTTP 200", "thư điện tử mẫu 2: HTTP 200"]
    assert again == []
