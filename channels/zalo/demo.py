"""The demo Official Account of a province and a few people writing to it."""

from __future__ import annotations

import hashlib
import secrets

from django.urls import reverse

from cases import clock
from cases.models import Channel
from channels.messaging.demo import demo_id, event_stored, webhook_deliver
from channels.messaging.models import ZaloSettings

# (person, message); the second message of a person joins the first's case.
MESSAGES = (
    ("zalo-a", "Đèn đường trên đường chính của phường bị tắt cả tuần nay, buổi tối rất tối, xin kiểm tra giúp."),
    ("zalo-a", "Bổ sung: đoạn tối nhất là trước cổng trường tiểu học, học sinh đi học thêm về rất nguy hiểm."),
    ("zalo-b", "Cho hỏi thủ tục cấp lại căn cước bị mất làm ở đâu, có làm trực tuyến được không ạ?"),
)


def demo_seed(*, log=print) -> None:
    account = _account_ensure(log)
    for index, (person, text) in enumerate(MESSAGES):
        msg_id = demo_id("zalo", str(index))[:32]
        if event_stored(Channel.ZALO, msg_id):
            continue
        payload = {
            "app_id": account.app_id,
            "sender": {"id": str(int(demo_id("zalo", person)[:15], 16))},
            "recipient": {"id": account.oa_id},
            "event_name": "user_send_text",
            "message": {"text": text, "msg_id": msg_id},
            "timestamp": str(int(clock.now().timestamp() * 1000)),
        }

        def headers_for(body: bytes, payload=payload) -> dict:
            mac = hashlib.sha256(
                payload["app_id"].encode() + body + payload["timestamp"].encode() + account.secret_key.encode()
            ).hexdigest()
            return {"X-ZEvent-Signature": f"mac={mac}"}

        status = webhook_deliver(reverse("zalo:webhook"), payload, headers_for=headers_for)
        log(f"tin nhắn Zalo mẫu {index + 1}: HTTP {status}")


def _account_ensure(log) -> ZaloSettings:
    """Demo ids and secrets, only where the province has none: an admin's own account is never overwritten."""
    account = ZaloSettings.load()
    if not account.app_id:
        account.app_id = str(int(demo_id("zalo", "app")[:15], 16))
        account.oa_id = str(int(demo_id("zalo", "oa")[:15], 16))
        account.secret_key = secrets.token_hex(16)
        account.access_token = "demo-" + secrets.token_hex(16)
        account.save()
        log("Zalo OA mẫu (khóa bí mật và mã truy cập mẫu)")
    return account
