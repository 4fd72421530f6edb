"""The demo partner of a province: one API key and two requests posted through the real endpoint."""

from __future__ import annotations

from urllib.parse import urlencode

from django.db import connection
from django.test import Client
from django.urls import reverse

from cases.models import Ward
from channels.open311.models import ApiKey
from channels.open311.selectors import WARD_ATTRIBUTE, service_by_code

DEMO_NAME = "Ứng dụng đối tác mẫu"
# (Idempotency-Key, service code, form fields); the ward is the province's first, alphabetically.
REQUESTS = (
    (
        "demo-open311-1",
        "ha-tang-ngap-nuoc",
        {
            "description": "Cống thoát nước trước cổng chợ bị tắc, mỗi lần mưa nước ngập gần nửa mét, "
            "nhiều xe máy chết máy giữa đường.",
            "address_string": "Đường trước cổng chợ phường",
            "account_id": "demo-user-1",
            "first_name": "Lan",
            "last_name": "Nguyễn Thị",
        },
    ),
    (
        "demo-open311-2",
        "moi-truong",
        {
            "description": "Bãi rác tự phát ở đầu hẻm hơn một tuần chưa được thu gom, bốc mùi hôi, ruồi muỗi nhiều.",
            "address_string": "Đầu hẻm cạnh trường mầm non",
            "account_id": "demo-user-2",
        },
    ),
)


def demo_seed(*, log=print) -> None:
    # The key is shown once, when it is made: a province that has the demo key has had its demo requests.
    if ApiKey.objects.filter(name=DEMO_NAME).exists():
        return
    api_key = ApiKey(name=DEMO_NAME)
    full_key = api_key.secret_assign()
    api_key.save()
    log(f"khóa API Open311 mẫu «{DEMO_NAME}» (chỉ hiện lần này): {full_key}")
    ward = Ward.objects.order_by("name").first()
    client = Client(HTTP_HOST=connection.tenant.primary_host, raise_request_exception=True)
    for index, (idempotency_key, service_code, fields) in enumerate(REQUESTS, start=1):
        if service_by_code(service_code) is None:
            continue  # the province switched the service off: nothing to show on it
        form = {"api_key": full_key, "service_code": service_code, **fields}
        if ward is not None:
            form[f"attribute[{WARD_ATTRIBUTE}]"] = str(ward.code)
        response = client.post(
            reverse("open311:requests", kwargs={"fmt": "json"}),
            urlencode(form),
            content_type="application/x-www-form-urlencoded",
            headers={"Idempotency-Key": idempotency_key},
        )
        log(f"yêu cầu Open311 mẫu {index}: HTTP {response.status_code}")
