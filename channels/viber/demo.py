"""The demo Viber bot of a province: someone opens the conversation, then writes."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from django.urls import reverse

from cases import clock
from cases.models import Channel
from channels.messaging.demo import demo_id, event_stored, webhook_deliver
from channels.messaging.models import ViberSettings

MESSAGES = (
    ("viber-a", "Nguyễn Văn Hùng", "Khu phố tôi bị cúp nước từ sáng hôm qua, xin hỏi khi nào có nước lại?"),
    ("viber-b", "Lê Thị Thu", "Xin hỏi lịch tiêm vắc-xin sởi cho trẻ 9 tháng tuổi ở trạm y tế phường."),
)


def demo_seed(*, log=print) -> None:
    bot = _bot_ensure(log)

    def headers_for(body: bytes) -> dict:
        return {"X-Viber-Content-Signature": hmac.new(bot.auth_token.encode(), body, hashlib.sha256).hexdigest()}

    for index, (person, name, text) in enumerate(MESSAGES):
        token = str(int(demo_id("viber", str(index))[:15], 16))
        if event_stored(Channel.VIBER, token):
            continue
        sender = {"id": demo_id("viber", person)[:22] + "==", "name": name, "language": "vi", "country": "VN"}
        now_ms = int(clock.now().timestamp() * 1000)
        payload = {
            "event": "message",
            "timestamp": now_ms,
            "message_token": int(token),
            "sender": sender,
            "message": {"type": "text", "text": text},
        }
        status = webhook_deliver(reverse("viber:webhook"), payload, headers_for=headers_for)
        log(f"tin nhắn Viber mẫu {index + 1}: HTTP {status}")


def _bot_ensure(log) -> ViberSettings:
    bot = ViberSettings.load()
    if not bot.auth_token:
        bot.auth_token = "demo-" + secrets.token_hex(20)
        bot.save()
        log("bot Viber mẫu (mã xác thực mẫu)")
    return bot
