"""Two citizens sending the province's report form: through the real view, in-process, as a browser would."""

from __future__ import annotations

import re
import time
import uuid

from django.conf import settings
from django.db import connection
from django.test import Client
from django.urls import reverse

from cases.models import Category, Ward
from channels.messaging.demo import demo_id
from channels.web import protection
from channels.web.models import WebSubmission

# (demo key, category code, with a ward, the form's other fields); the first leaves a phone, the second nothing.
REPORTS = (
    (
        "web-1",
        "ha-tang-ngap-nuoc",
        True,
        {
            "description": "Sau mỗi trận mưa, đoạn đường trước chợ bị ngập sâu khoảng 30 cm, nước rút rất chậm. "
            "Cống thoát nước hai bên đường bị rác và bùn lấp kín, xe máy đi qua thường bị chết máy.",
            "address": "Đoạn đường trước cổng chợ, gần trạm y tế",
            "name": "Trần Thị Mai",
            "phone": "0852 900 101",
        },
    ),
    (
        "web-2",
        "moi-truong",
        False,
        {
            "description": "Một cơ sở ở cuối hẻm đốt rác và vỏ bao bì vào khoảng 21 giờ mỗi tối, khói đen và mùi "
            "khét bay vào nhà dân, trẻ nhỏ trong xóm bị ho. Tôi xin giấu tên.",
            "address": "Cuối hẻm, gần bờ kênh",
        },
    ),
)


def demo_seed(*, log=print) -> None:
    client = None
    for key, category_code, with_ward, fields in REPORTS:
        submission_id = uuid.UUID(demo_id("web", key)[:32])
        if WebSubmission.objects.filter(submission_id=submission_id).exists():
            continue
        category = Category.objects.filter(code=category_code, is_active=True).first()
        if category is None:
            continue  # an admin retired the topic: nothing to show it with
        ward = Ward.objects.order_by("code").first() if with_ward else None
        client = client or Client(HTTP_HOST=connection.tenant.primary_host, raise_request_exception=True)
        data = {
            **fields,
            "category": category.code,
            "ward": str(ward.code) if ward else "",
            # As if the citizen had taken the form's minimum time to fill it in.
            "submission": protection.token_new(
                submission_id=submission_id, rendered_at=time.time() - settings.WEB_FORM_MIN_SECONDS - 1
            ),
        }
        response = client.post(reverse("web:report"), data, follow=True)
        code = re.search(r'id="tracking-code">([\d ]+)<', response.content.decode())
        if code is None:
            log(f"phản ánh mẫu qua trang web {key}: HTTP {response.status_code}, không nhận được mã theo dõi")
            continue
        log(f"phản ánh mẫu qua trang web ({category.name}): mã {code[1]}")
