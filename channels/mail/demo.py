"""The demo mailbox of a province and two citizens writing to it, delivered through the signed webhook."""

from __future__ import annotations

import secrets
from email.message import EmailMessage
from email.utils import format_datetime, formataddr

from django.db import connection
from django.test import Client
from django.urls import reverse

from cases import clock
from channels.mail.models import InboundMail, MailSettings
from channels.mail.views import SIGNATURE_HEADER, signature
from channels.messaging.demo import demo_id

# (name, address, subject, text)
MAILS = (
    (
        "Trần Thị Mai",
        "tranthimai.demo@example.vn",
        "Phản ánh rác thải đổ trộm ven kênh",
        "Kính gửi Tổng đài 1022,\n\n"
        "Mấy đêm nay có người chở xà bần và rác sinh hoạt đổ trộm ở bờ kênh cạnh cầu khu phố 2, "
        "mùi hôi và ruồi nhặng rất nhiều. Kính đề nghị cơ quan chức năng kiểm tra, xử lý.\n\n"
        "Trân trọng,\nTrần Thị Mai",
    ),
    (
        "Lê Hoàng Phúc",
        "lehoangphuc.demo@example.vn",
        "Hỏi thủ tục xin giấy phép xây dựng nhà ở",
        "Chào Tổng đài,\n\n"
        "Gia đình tôi muốn xây nhà hai tầng trên đất ở đã có sổ. Xin hỏi hồ sơ xin giấy phép xây dựng gồm "
        "những gì, nộp ở đâu và mất bao lâu ạ?\n\nCảm ơn.",
    ),
)


def demo_seed(*, log=print) -> None:
    account = _account_ensure(log)
    for index, (name, address, subject, text) in enumerate(MAILS):
        message_id = f"<demo.{demo_id('mail', str(index))[:24]}@example.vn>"
        if InboundMail.objects.filter(message_id=message_id).exists():
            continue
        raw = _mail(name, address, account.address, subject, text, message_id)
        status = _deliver(raw, account.webhook_secret)
        log(f"thư điện tử mẫu {index + 1}: HTTP {status}")


def _account_ensure(log) -> MailSettings:
    """A demo address and webhook secret, only where the province has none: an admin's own are kept."""
    account = MailSettings.load()
    changed = False
    if not account.address:
        account.address = f"1022@{connection.tenant.slug}.gov.vn"
        changed = True
    if not account.webhook_secret:
        account.webhook_secret = secrets.token_hex(32)
        changed = True
    if changed:
        account.save()
        log("hộp thư 1022 mẫu (địa chỉ và khóa webhook mẫu)")
    return account


def _mail(name: str, address: str, to: str, subject: str, text: str, message_id: str) -> bytes:
    mail = EmailMessage()
    mail["From"] = formataddr((name, address))
    mail["To"] = to
    mail["Subject"] = subject
    mail["Date"] = format_datetime(clock.now())
    mail["Message-ID"] = message_id
    mail.set_content(text)
    return mail.as_bytes()


def _deliver(raw: bytes, secret: str) -> int:
    """POST the mail to the province's own webhook, in-process, as its mail server would."""
    response = Client(HTTP_HOST=connection.tenant.primary_host, raise_request_exception=True).post(
        reverse("mail:inbound"),
        raw,
        content_type="message/rfc822",
        headers={SIGNATURE_HEADER: signature(secret, raw)},
    )
    return response.status_code
