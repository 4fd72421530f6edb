"""A citizen's installation of the province's app: it registers, sends two reports and writes once more
on the first, all through the real API (in-process, the whole middleware stack, as the phone would)."""

from __future__ import annotations

import uuid

from django.db import connection
from django.test import Client
from django.urls import reverse

from cases.models import Category, Channel, Ward
from channels.app.models import AppDevice
from channels.messaging.demo import demo_id
from channels.messaging.models import InboundEvent

# (demo key, category code, with a ward, the report's other fields).
REPORTS = (
    (
        "app-1",
        "trat-tu-do-thi",
        True,
        {
            "description": "Nhiều quán ăn lấn chiếm hết vỉa hè, bày bàn ghế ra cả lòng đường từ 17 giờ đến khuya. "
            "Người đi bộ, nhất là học sinh và người già, phải đi xuống lòng đường rất nguy hiểm.",
            "address": "Dãy quán đối diện trường THCS, đầu đường vào chợ",
            "name": "Lê Văn Hùng",
            "phone": "0913 220 417",
        },
    ),
    (
        "app-2",
        "dien",
        False,
        {
            "description": "Cột điện trong hẻm bị nghiêng, dây điện võng thấp sát mái tôn, mưa gió là tóe lửa. "
            "Bà con đã báo miệng với điện lực khu vực nhưng chưa thấy ai đến xem.",
            "address": "Hẻm cạnh chùa, cách đầu hẻm khoảng 50 m",
        },
    ),
)
# Written on the first report's thread.
FOLLOW_UP = ("app-1", "Tối qua có xe máy quẹt phải một em học sinh đi bộ dưới lòng đường, may là chỉ trầy xước nhẹ.")


def demo_seed(*, log=print) -> None:
    installation = _Installation()
    try:
        _reports_send(installation, log)
        _follow_up_send(installation, log)
    except _NotRegistered as exc:
        log(f"bản cài đặt ứng dụng mẫu không đăng ký được: HTTP {exc.status}")


class _NotRegistered(Exception):
    def __init__(self, status: int):
        super().__init__(status)
        self.status = status


def _reports_send(installation: _Installation, log) -> None:
    for key, category_code, with_ward, fields in REPORTS:
        client_id = _client_id(key)
        if _event("case", client_id) is not None:
            continue
        category = Category.objects.filter(code=category_code, is_active=True).first()
        if category is None:
            continue  # an admin retired the topic: nothing to show it with
        ward = Ward.objects.order_by("code").first() if with_ward else None
        body = {**fields, "client_id": str(client_id), "category": category.code, "ward": ward.code if ward else None}
        response = installation.client().post(reverse("app_api:cases"), body, content_type="application/json")
        if response.status_code != 201:
            log(f"phản ánh mẫu qua ứng dụng {key}: HTTP {response.status_code}")
            continue
        log(f"phản ánh mẫu qua ứng dụng ({category.name}): mã {response.json()['display_code']}")


class _Installation:
    """The demo phone: registered through the API only when there is something left to send."""

    def __init__(self):
        self._client: Client | None = None
        self.device: AppDevice | None = None

    def client(self) -> Client:
        if self._client is None:
            host = connection.tenant.primary_host
            response = Client(HTTP_HOST=host, raise_request_exception=True).post(
                reverse("app_api:device_register"),
                {"platform": "android", "app_version": "1.0.0-demo"},
                content_type="application/json",
            )
            if response.status_code != 201:
                raise _NotRegistered(response.status_code)  # e.g. 429: the address registered often this hour
            self.device = AppDevice.objects.get(pk=response.json()["id"])
            self._client = Client(
                HTTP_HOST=host, HTTP_AUTHORIZATION=f"Bearer {response.json()['token']}", raise_request_exception=True
            )
        return self._client


def _follow_up_send(installation: _Installation, log) -> None:
    key, text = FOLLOW_UP
    client_id = _client_id(f"{key}:follow-up")
    if _event("msg", client_id) is not None:
        return
    report = _event("case", _client_id(key))
    if report is None or report.case is None:
        return  # the report was not sent (its topic retired): nothing to write on
    if installation.device is None or str(installation.device.pk) != report.sender_id:
        # Its report came from an earlier run's installation, whose token was shown once and is gone.
        log("tin nhắn bổ sung mẫu qua ứng dụng: bỏ qua, phản ánh của nó do lần chạy trước gửi")
        return
    path = reverse("app_api:case_messages", args=[report.case.tracking_code])
    response = installation.client().post(
        path, {"client_id": str(client_id), "text": text}, content_type="application/json"
    )
    if response.status_code != 201:
        log(f"tin nhắn bổ sung mẫu qua ứng dụng: HTTP {response.status_code}")
        return
    log(f"tin nhắn bổ sung mẫu qua ứng dụng cho phản ánh {report.case.display_code}")


def _client_id(key: str) -> uuid.UUID:
    """The id the app makes for a report or message; the same on every run in this province."""
    return uuid.UUID(demo_id("app", key)[:32])


def _event(kind: str, client_id: uuid.UUID) -> InboundEvent | None:
    """The app's stored report ("case") or message ("msg") with this client id, from any installation."""
    return (
        InboundEvent.objects.select_related("case")
        .filter(channel=Channel.APP, event_id__startswith=f"{kind}:", event_id__endswith=f":{client_id}")
        .first()
    )
