"""The demo Facebook page of a province and a few people writing to it on Messenger."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from django.urls import reverse

from cases import clock
from cases.models import Channel
from channels.messaging.demo import demo_id, event_stored, webhook_deliver
from channels.messaging.models import MessengerSettings

MESSAGES = (
    ("fb-a", "Cống thoát nước đầu hẻm bị nghẹt, mưa xuống là nước tràn lên mặt đường, bốc mùi hôi."),
    ("fb-b", "Quán karaoke trong khu dân cư hát đến 1 giờ sáng nhiều đêm liền, xin cơ quan chức năng xử lý."),
)


def demo_seed(*, log=print) -> None:
    page = _page_ensure(log)
    for index, (person, text) in enumerate(MESSAGES):
        mid = "m_" + demo_id("messenger", str(index))[:40]
        if event_stored(Channel.MESSENGER, mid):
            continue
        now_ms = int(clock.now().timestamp() * 1000)
        payload = {
            "object": "page",
            "entry": [
                {
                    "id": page.page_id,
                    "time": now_ms,
                    "messaging": [
                        {
                            "sender": {"id": str(int(demo_id("messenger", person)[:14], 16))},
                            "recipient": {"id": page.page_id},
                            "timestamp": now_ms,
                            "message": {"mid": mid, "text": text},
                        }
                    ],
                }
            ],
        }

        def headers_for(body: bytes) -> dict:
            digest = hmac.new(page.app_secret.encode(), body, hashlib.sha256).hexdigest()
            return {"X-Hub-Signature-256": f"sha256={digest}"}

        status = webhook_deliver(reverse("messenger:webhook"), payload, headers_for=headers_for)
        log(f"tin nhắn Messenger mẫu {index + 1}: HTTP {status}")


def _page_ensure(log) -> MessengerSettings:
    page = MessengerSettings.load()
    if not page.app_secret:
        page.page_id = str(int(demo_id("messenger", "page")[:14], 16))
        page.verify_token = secrets.token_urlsafe(12)
        page.app_secret = secrets.token_hex(16)
        page.page_access_token = "demo-" + secrets.token_hex(16)
        page.save()
        log("trang Facebook mẫu (khóa bí mật mẫu)")
    return page
