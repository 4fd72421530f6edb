"""The platform admins' province pages on the national host: who may open them, the list, and the
suspend, resume and export actions."""

from __future__ import annotations

import json

from django.conf import settings
from django.test import Client

import pytest

from config.celery import app
from tenants.demo import DEMO_PASSWORD
from tenants.lifecycle import province_resume
from tenants.models import Province
from tenants.tasks import province_export
from tests.conftest import host_of, province
from tests.tenants.lifecycle_support import FALLBACK, NOTICE, SLUG, status_restore, suspended

DETAIL = f"/platform/{SLUG}/"
SUSPEND = f"/platform/{SLUG}/tam-ngung/"
RESUME = f"/platform/{SLUG}/hoat-dong-lai/"
EXPORT = f"/platform/{SLUG}/xuat/"


def national(username: str | None = None) -> Client:
    client = Client(HTTP_HOST=settings.BASE_DOMAIN)
    if username:
        assert client.post("/accounts/login/", {"username": username, "password": DEMO_PASSWORD}).status_code == 302
    return client


@pytest.fixture
def admin(db) -> Client:
    return national("quantri")


@pytest.fixture
def thanhhoa(db):
    unit = province(SLUG)
    try:
        yield unit
    finally:
        status_restore(unit)


# --- Who may open it ----------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_the_login(db):
    response = national().get("/platform/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/platform/")


@pytest.mark.parametrize("path", ["/platform/", DETAIL])
def test_a_national_viewer_is_refused(db, path):
    assert national("giamsat").get(path).status_code == 403


@pytest.mark.parametrize("path", [SUSPEND, RESUME, EXPORT])
def test_a_national_viewer_cannot_act(thanhhoa, path):
    response = national("giamsat").post(path, {"notice": "x", "fallback_number": FALLBACK, "confirm": "on"})

    assert response.status_code == 403
    assert province(SLUG).status == Province.Status.ACTIVE


def test_the_pages_do_not_exist_on_a_province_host(db):
    assert Client(HTTP_HOST=host_of(SLUG)).get("/platform/").status_code == 404


def test_a_province_admin_cannot_reach_them_on_the_province_host(db):
    client = Client(HTTP_HOST=host_of(SLUG))
    client.post("/accounts/login/", {"username": f"admin.{SLUG}", "password": DEMO_PASSWORD})

    assert client.get("/platform/").status_code == 404


# --- The list and the page of a province ----------------------------------------------------------------


def test_the_list_shows_every_province_with_its_status_codes_hosts_and_numbers(admin):
    body = admin.get("/platform/").content.decode()

    for name in ("Bình Dương", "Cà Mau", "Thanh Hóa", "Bình Phước"):
        assert name in body
    assert "Đang hoạt động" in body
    assert host_of(SLUG) in body
    assert "+842371022" in body and "0237" in body
    assert f'href="{DETAIL}"' in body


def test_the_nav_links_platform_admins_to_the_list(admin):
    assert 'href="/platform/"' in admin.get("/accounts/").content.decode()
    assert 'href="/platform/"' not in national("giamsat").get("/accounts/").content.decode()


def test_the_list_filters_by_status_and_names_a_successor(admin, thanhhoa):
    suspended(thanhhoa)

    body = admin.get("/platform/?status=suspended").content.decode()

    assert "Thanh Hóa" in body and "Tạm ngừng" in body
    assert "Cà Mau" not in body


def test_a_merged_province_links_to_its_successor(admin, thanhhoa):
    binhphuoc = province("binhphuoc")
    Province.objects.filter(pk=binhphuoc.pk).update(status=Province.Status.MERGED, merged_into=thanhhoa)
    try:
        body = admin.get("/platform/binhphuoc/").content.decode()
        assert "Đã sáp nhập" in body
        assert f'href="{DETAIL}"' in body
        assert SUSPEND.replace(SLUG, "binhphuoc") not in body
    finally:
        status_restore(binhphuoc)


def test_the_detail_page_prefills_the_suspension_form_with_the_current_values(admin, thanhhoa):
    Province.objects.filter(pk=thanhhoa.pk).update(suspension_notice=NOTICE, fallback_number=FALLBACK)

    response = admin.get(DETAIL)

    assert response.status_code == 200
    body = response.content.decode()
    assert NOTICE in body
    assert f'value="{FALLBACK}"' in body
    assert f'action="{SUSPEND}"' in body
    assert RESUME not in body


def test_an_unknown_province_is_not_found(admin):
    assert admin.get("/platform/hanoi/").status_code == 404


# --- Suspend and resume -------------------------------------------------------------------------------------


def test_suspending_and_resuming_from_the_page(admin, thanhhoa):
    response = admin.post(SUSPEND, {"notice": NOTICE, "fallback_number": "0237 3852 022", "confirm": "on"})

    assert response.status_code == 302 and response["Location"] == DETAIL
    stored = province(SLUG)
    assert stored.status == Province.Status.SUSPENDED and stored.fallback_number == FALLBACK
    assert Client(HTTP_HOST=host_of(SLUG)).get("/").status_code == 503
    page = admin.get(DETAIL).content.decode()
    assert f'action="{RESUME}"' in page and "Tạm ngừng" in page

    response = admin.post(RESUME, {"confirm": "on"})

    assert response.status_code == 302
    assert province(SLUG).status == Province.Status.ACTIVE
    assert Client(HTTP_HOST=host_of(SLUG)).get("/").status_code == 200


def test_a_bad_fallback_number_is_refused_in_vietnamese_on_the_form(admin, thanhhoa):
    response = admin.post(SUSPEND, {"notice": NOTICE, "fallback_number": "123", "confirm": "on"})

    assert response.status_code == 400
    body = response.content.decode()
    assert "“123” không phải là số điện thoại hợp lệ." in body
    assert NOTICE in body  # what was typed stays in the form
    assert province(SLUG).status == Province.Status.ACTIVE


def test_nothing_happens_without_the_confirmation(admin, thanhhoa):
    assert admin.post(SUSPEND, {"notice": NOTICE, "fallback_number": FALLBACK}).status_code == 400
    assert province(SLUG).status == Province.Status.ACTIVE

    suspended(thanhhoa)
    assert admin.post(RESUME, {}).status_code == 400
    assert province(SLUG).status == Province.Status.SUSPENDED


def test_resuming_an_active_province_is_refused_with_a_message(admin, thanhhoa):
    response = admin.post(RESUME, {"confirm": "on"})

    assert response.status_code == 400
    assert province(SLUG).status == Province.Status.ACTIVE


def test_the_actions_take_post_only(admin, thanhhoa):
    assert admin.get(SUSPEND).status_code == 405
    assert admin.get(RESUME).status_code == 405
    assert admin.get(EXPORT).status_code == 405


# --- Export --------------------------------------------------------------------------------------------------


def export_messages_take(slug: str) -> int:
    """Take this province's export tasks off the broker's default queue (nobody consumes them in tests)."""
    return task_messages_take(province_export.name, lambda argsrepr: repr(slug) in argsrepr)


def task_messages_take(task_name: str, matches) -> int:
    """Take a task's queued messages whose argsrepr `matches` off the broker's default queue."""
    with app.connection_for_write() as connection:
        client = connection.default_channel.client
        found = 0
        for raw in client.lrange("celery", 0, -1):
            headers = json.loads(raw).get("headers", {})
            if headers.get("task") == task_name and matches(headers.get("argsrepr", "")):
                client.lrem("celery", 1, raw)
                found += 1
    return found


@pytest.fixture
def archives(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    directory = tmp_path / "archives"
    directory.mkdir()
    return directory


def test_the_export_button_queues_the_export(admin, thanhhoa, archives):
    export_messages_take(SLUG)

    response = admin.post(EXPORT, follow=True)

    assert response.status_code == 200
    assert export_messages_take(SLUG) == 1


def test_the_archives_are_listed_and_served_to_platform_admins_only(admin, thanhhoa, archives):
    archive = archives / f"{SLUG}-20260701-080000.tar.gz"
    archive.write_bytes(b"\x1f\x8b archive bytes")
    (archives / "camau-20260701-080000.tar.gz").write_bytes(b"other province")
    link = f"/platform/{SLUG}/luu-tru/{archive.name}"

    body = admin.get(DETAIL).content.decode()

    assert f'href="{link}"' in body
    assert "camau-20260701" not in body
    download = admin.get(link)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == archive.read_bytes()
    assert "attachment" in download["Content-Disposition"]
    assert national("giamsat").get(link).status_code == 403
    assert national().get(link).status_code == 302


@pytest.mark.parametrize(
    "name",
    ["camau-20260701-080000.tar.gz", "..%2F..%2Fsettings.py", f"{SLUG}-missing.tar.gz", f"{SLUG}-notes.txt"],
)
def test_only_the_provinces_own_listed_archives_are_served(admin, thanhhoa, archives, name):
    (archives / "camau-20260701-080000.tar.gz").write_bytes(b"other province")
    (archives / f"{SLUG}-notes.txt").write_bytes(b"not an archive")

    assert admin.get(f"/platform/{SLUG}/luu-tru/{name}").status_code == 404


def test_the_export_task_writes_an_archive_the_page_lists(admin, thanhhoa, archives):
    written = province_export.apply(args=[SLUG]).get()

    assert written.startswith(str(archives / f"{SLUG}-")) and written.endswith(".tar.gz")
    assert f"/platform/{SLUG}/luu-tru/" in admin.get(DETAIL).content.decode()


def test_resuming_leaves_the_notice_to_prefill_the_next_suspension(admin, thanhhoa):
    suspended(thanhhoa)
    province_resume(thanhhoa)

    assert NOTICE in admin.get(DETAIL).content.decode()
