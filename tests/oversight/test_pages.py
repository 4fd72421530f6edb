"""The national oversight pages: who may see them, what they compare, and that no reporter is ever on them."""

from __future__ import annotations

import json
import re
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client

import pytest
from django_tenants.utils import get_public_schema_name, schema_context, tenant_context

from cases import clock
from cases.models import Reporter
from cases.sla import VN_TZ
from oversight.rollups import rollups_refresh
from tenants.demo import DEMO_PASSWORD, DEMO_PROVINCES
from tests.conftest import host_of, province

DEMO_NAMES = ("Bình Dương", "Thanh Hóa", "Cà Mau", "Bình Phước")


@pytest.fixture
def rolled_up(db):
    provinces = [province(demo.slug) for demo in DEMO_PROVINCES]
    for tenant in provinces:
        with tenant_context(tenant):
            rollups_refresh()
    return provinces


def national(username: str = "giamsat") -> Client:
    client = Client(HTTP_HOST=settings.BASE_DOMAIN)
    assert client.post("/accounts/login/", {"username": username, "password": DEMO_PASSWORD}).status_code == 302
    return client


def test_the_national_viewer_compares_the_four_demo_provinces_with_charts(rolled_up):
    response = national().get("/oversight/")

    assert response.status_code == 200
    html = response.content.decode()
    for name in DEMO_NAMES:
        assert f">{name}</a>" in html, name
    assert 'id="chart-trend"' in html and 'id="chart-provinces"' in html
    assert "vendor/chartjs/chart.umd.min.js" in html
    chart = json.loads(re.search(r'<script id="oversight-chart" type="application/json">(.*?)</script>', html, re.S)[1])
    assert set(DEMO_NAMES) <= set(chart["provinces"]["labels"])
    table = response.context["table"]
    received = {row[0]: row[1] for row in table.rows}
    assert response.context["nation"].received == sum(received.values())


def test_the_camau_drill_down_shows_the_cdcs_answer_rate_on_key_2_first(rolled_up):
    response = national().get("/oversight/tinh/camau/")

    assert response.status_code == 200
    transfers = next(table for table in response.context["tables"] if table.key == "chuyen-may")
    key, agency, attempted, answered, rate = transfers.rows[0]
    assert (key, agency) == ("2", "Trung tâm Kiểm soát bệnh tật tỉnh Cà Mau")
    assert rate == answered / attempted < 0.6
    html = response.content.decode()
    assert "Trung tâm Kiểm soát bệnh tật tỉnh Cà Mau" in html
    assert f"{rate * 100:.1f}".replace(".", ",") + " %" in html


def test_the_comparison_sorts_by_any_column(rolled_up):
    response = national().get("/oversight/", {"sort": "received", "desc": "1"})

    received = [row[1] for row in response.context["table"].rows]
    assert received == sorted(received, reverse=True)
    ascending = [row[1] for row in national().get("/oversight/", {"sort": "received"}).context["table"].rows]
    assert ascending == sorted(received)


def test_a_date_range_and_a_category_narrow_the_figures(rolled_up):
    today = clock.now().astimezone(VN_TZ).date()
    client = national()
    everything = client.get("/oversight/", {"start": (today - timedelta(days=29)).isoformat()})
    one_category = client.get(
        "/oversight/", {"start": (today - timedelta(days=29)).isoformat(), "category": "giao-thong"}
    )

    assert 0 < one_category.context["nation"].received < everything.context["nation"].received


def test_a_wrong_range_is_explained_in_vietnamese_and_the_default_shown(rolled_up):
    response = national().get("/oversight/", {"start": "2026-12-01", "end": "2026-11-01"})

    assert response.status_code == 200
    assert "Ngày bắt đầu sau ngày kết thúc." in response.content.decode()
    assert (response.context["scope"].end - response.context["scope"].start).days == 29


def test_only_national_viewers_and_platform_admins_may_see_it(rolled_up):
    assert national("quantri").get("/oversight/").status_code == 200
    anonymous = Client(HTTP_HOST=settings.BASE_DOMAIN).get("/oversight/")
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    with schema_context(get_public_schema_name()):
        get_user_model().objects.create_user("khach.quocgia", password=DEMO_PASSWORD)
    assert national("khach.quocgia").get("/oversight/").status_code == 403
    # Province hosts have no oversight at all, whoever asks.
    assert Client(HTTP_HOST=host_of("camau")).get("/oversight/").status_code == 404
    assert national().get("/oversight/tinh/khong-co/").status_code == 404


def demo_reporters() -> list[str]:
    """Every demo reporter's name and number, in the forms a page or file could show them."""
    found = set()
    for demo in DEMO_PROVINCES:
        with tenant_context(province(demo.slug)):
            for name, phone in Reporter.objects.values_list("name", "phone"):
                if name:
                    found.add(name)
                if phone:
                    national_form = "0" + phone.removeprefix("+84")
                    found |= {phone, phone.removeprefix("+"), national_form}
    return sorted(found)


def test_no_oversight_page_shows_a_reporter(rolled_up):
    people = demo_reporters()
    assert len(people) > 20
    client = national()
    pages = ["/oversight/", "/oversight/?sort=received&desc=1"]
    pages += [f"/oversight/tinh/{demo.slug}/" for demo in DEMO_PROVINCES]

    for url in pages:
        html = client.get(url).content.decode()
        shown = [person for person in people if person in html]
        assert not shown, f"{url} shows {shown[:3]}"


def test_every_download_of_the_pages_answers_and_shows_no_reporter(rolled_up):
    people = demo_reporters()
    client = national()
    month = clock.now().astimezone(VN_TZ).date()
    downloads = {
        "/oversight/xuat/so-sanh-tinh.csv": "text/csv",
        "/oversight/xuat/so-sanh-tinh.xlsx": "application/vnd.openxmlformats",
        "/oversight/xuat/chuyen-may.csv?province=camau": "text/csv",
        "/oversight/xuat/all.xlsx?province=camau": "application/vnd.openxmlformats",
        f"/oversight/bao-cao/{month.year}-{month.month}.pdf": "application/pdf",
        f"/oversight/bao-cao/{month.year}-{month.month}.pdf?province=camau": "application/pdf",
    }
    for url, content_type in downloads.items():
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Content-Type"].startswith(content_type), url
        assert response["Content-Disposition"].startswith("attachment;"), url
        # The text of CSVs; XLSX and PDF are compressed, and test_exports reads them back to scan them.
        body = response.content.decode("utf-8", errors="ignore")
        assert not [person for person in people if person in body], url
    csv_text = client.get("/oversight/xuat/chuyen-may.csv?province=camau").content.decode("utf-8-sig")
    assert "Trung tâm Kiểm soát bệnh tật tỉnh Cà Mau" in csv_text
    for wrong in (
        "/oversight/xuat/khong-co.csv",
        "/oversight/xuat/all.csv?province=camau",
        "/oversight/bao-cao/2026-13.pdf",
    ):
        assert client.get(wrong).status_code == 404, wrong
    assert Client(HTTP_HOST=settings.BASE_DOMAIN).get("/oversight/xuat/so-sanh-tinh.csv").status_code == 302
