"""`province_provision --all-current`: the 34 provinces in force since 1 July 2025, in one resumable run.

The runs work in a copy of the session's database (`CREATE DATABASE … TEMPLATE`), demo provinces
included: the legacy tenants that own some of the current units' prefixes are there, and nothing
the runs add (31 provinces, Cà Mau's new code and prefix, its new wards) reaches the other tests.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from io import StringIO

from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection, connections
from django.test import Client, override_settings

import pytest
from django_tenants.utils import get_public_schema_name, schema_context, tenant_context
from psycopg2 import sql

from cases import rules
from cases.models import Agency, Category
from channels.voice.models import VoiceSettings
from cms.models import FaqIndexPage
from config.database import maintenance_connection
from tenants.models import DialingPrefix, Province
from tenants.registry import current_units, find_unit
from tenants.schemas import TEMPLATE_SCHEMA, migrations_pending, schema_fingerprint
from tests.servers import wait_for

# Left half-migrated before the first run, as a process killed while migrating it would leave it.
HALF_MIGRATED = "hungyen"
# Its row deleted after the first run (the schema stays): a run killed between the two.
ROW_LOST = "cantho"


@dataclass(frozen=True)
class Runs:
    first: str
    progress: str
    resumed: str
    again: str


def _provision_all() -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("province_provision", "--all-current", "--jobs", "2", stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def runs(django_db_setup, django_db_blocker, tmp_path_factory):
    with django_db_blocker.unblock(), _database_copy(), _voice_snapshots_elsewhere(tmp_path_factory):
        with schema_context(get_public_schema_name()):
            assert not Province.objects.filter(slug__in=[HALF_MIGRATED, ROW_LOST]).exists()
            with connection.cursor() as cursor:
                cursor.execute(f'CREATE SCHEMA "{HALF_MIGRATED}"')
            call_command("migrate_schemas", "auth", schema_name=HALF_MIGRATED, interactive=False, verbosity=0)
        first, progress = _provision_all()
        with schema_context(get_public_schema_name()):
            Province.objects.get(slug=ROW_LOST).delete()  # keeps the schema (auto_drop_schema is off)
        resumed, _ = _provision_all()
        again, _ = _provision_all()
        yield Runs(first=first, progress=progress, resumed=resumed, again=again)


@contextlib.contextmanager
def _database_copy() -> Iterator[str]:
    """The session's test database, copied; the connection points at the copy until the module ends."""
    original = connection.settings_dict["NAME"]
    copy = f"{original}_all_current"
    _database_drop(copy)
    connections.close_all()
    # CREATE DATABASE … TEMPLATE needs the source free of connections: ours has just closed.
    created = wait_for(lambda: _database_create_from(copy, original), timeout=30, interval=1)
    assert created, f"could not copy {original}: another session is connected to it"
    connection.settings_dict["NAME"] = copy
    try:
        yield copy
    finally:
        connections.close_all()
        connection.settings_dict["NAME"] = original
        # In-process caches keyed by schema name would otherwise keep the copy's ids.
        rules.rules_clear()
        _database_drop(copy)


def _database_create_from(name: str, template: str) -> bool:
    server = maintenance_connection(connection.settings_dict)
    try:
        with server.cursor() as cursor:
            cursor.execute(
                sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(sql.Identifier(name), sql.Identifier(template))
            )
        return True
    except Exception as exc:  # "source database … is being accessed by other users": try again
        if "being accessed" not in str(exc):
            raise
        return False
    finally:
        server.close()


def _database_drop(name: str) -> None:
    server = maintenance_connection(connection.settings_dict)
    try:
        with server.cursor() as cursor:
            cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
    finally:
        server.close()


def _voice_snapshots_elsewhere(tmp_path_factory):
    # Provisioning writes each province's database-down snapshot: not over the session's files.
    return override_settings(VOICE_FALLBACK_DIR=tmp_path_factory.mktemp("voice-fallback"))


def _province_of(unit) -> Province:
    with schema_context(get_public_schema_name()):
        return Province.objects.get(code=unit.code)


def test_every_current_unit_is_a_province_with_its_official_code(runs, db):
    with schema_context(get_public_schema_name()):
        provinces = {p.code: p for p in Province.objects.provinces().filter(code__isnull=False)}
    for unit in current_units():
        assert unit.code in provinces, unit.label
        assert provinces[unit.code].slug == unit.slug
        assert provinces[unit.code].name == unit.name
    assert len(current_units()) == 34


def test_every_area_code_is_the_units_own_or_reported_as_another_provinces(runs, db):
    with schema_context(get_public_schema_name()):
        owners = {p.area_code: p.province for p in DialingPrefix.objects.select_related("province")}
    for unit in current_units():
        province = _province_of(unit)
        for area_code in unit.area_codes:
            owner = owners[area_code]
            if owner.pk != province.pk:
                assert f"đầu số 0{area_code} ({owner.name}) thuộc tỉnh khác" in runs.first, (unit.slug, area_code)
    # Legacy Bình Dương keeps 0274 until the merger moves it; Hồ Chí Minh City has the rest of its prefixes.
    hochiminh = _province_of(find_unit("hochiminh"))
    assert {owners["28"].pk, owners["254"].pk} == {hochiminh.pk}


def test_each_province_answers_on_its_own_host_with_its_name(runs, db):
    for unit in current_units():
        response = Client(HTTP_HOST=f"{unit.slug}.{settings.BASE_DOMAIN}").get("/")
        assert response.status_code == 200, unit.slug
        assert f"Tổng đài 1022 {unit.name}" in response.content.decode(), unit.slug


def test_the_national_site_lists_every_province(runs, db):
    html = Client(HTTP_HOST=settings.BASE_DOMAIN).get("/").content.decode()
    for unit in current_units():
        assert f"<td>{unit.name}</td>" in html
        assert f">{unit.slug}.{settings.BASE_DOMAIN}</a>" in html


def test_a_new_province_starts_with_a_phone_menu_an_faq_list_agencies_and_categories(runs, db):
    hanoi = _province_of(find_unit("hanoi"))
    with tenant_context(hanoi):
        line = VoiceSettings.load()
        day = {o.key: o for o in line.day_menu.options.select_related("agency", "category")}
        assert line.greeting == "Tổng đài 1022 Thành phố Hà Nội xin kính chào quý vị."
        assert line.calendar.code == "hanh-chinh"
        assert set(day) == {"1", "2", "3", "4", "9", "0", "*"}
        assert (day["3"].agency.code, day["3"].category.code) == ("SYT", "tu-van-y-te")
        assert day["1"].action == "emergency" and day["0"].action == "operator"
        assert {o.action for o in line.night_menu.options.all()} >= {"emergency", "voicemail", "operator"}
        assert Agency.objects.filter(code="SYT").exists() and Category.objects.count() == 20
        index_url = FaqIndexPage.objects.get().url
    page = Client(HTTP_HOST=f"hanoi.{settings.BASE_DOMAIN}").get(index_url)
    assert page.status_code == 200 and "Câu hỏi thường gặp" in page.content.decode()


def test_a_cloned_schema_is_its_template_with_djangos_own_constraint_names(runs, db):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass ORDER BY conname",
            ['"hanoi".cases_case'],
        )
        names = {name for (name,) in cursor.fetchall()}
    assert "case_unique_tracking_code" in names
    # Structure alike; only the rows (and so the sequences' positions) differ once furnished.
    structure = {row for row in schema_fingerprint("hanoi") if row[0] not in ("rows", "sequence")}
    assert structure == {row for row in schema_fingerprint(TEMPLATE_SCHEMA) if row[0] not in ("rows", "sequence")}


def test_a_half_migrated_schema_is_completed_not_replaced(runs, db):
    assert migrations_pending(HALF_MIGRATED) == set()
    assert re.search(rf"\+ Tỉnh Hưng Yên → schema «{HALF_MIGRATED}»: tạo mới", runs.first)
    assert Client(HTTP_HOST=f"{HALF_MIGRATED}.{settings.BASE_DOMAIN}").get("/").status_code == 200


def test_a_schema_left_without_its_row_gets_its_row_back_and_keeps_its_data(runs, db):
    assert re.search(rf"\+ Thành phố Cần Thơ → schema «{ROW_LOST}»: tạo mới", runs.resumed)
    # Its admin account outlived the row: no new password, the old one still works.
    assert runs.resumed.count("Mật khẩu quản trị tạo ngẫu nhiên") == 0
    resumed_lines = [line for line in runs.resumed.splitlines() if line.startswith("+ ")]
    assert len(resumed_lines) == 1, resumed_lines
    assert Client(HTTP_HOST=f"{ROW_LOST}.{settings.BASE_DOMAIN}").get("/").status_code == 200


# `db` on every test of the runs: pytest-django moves tests without it after all the others, where
# the module's runs would be made a second time.
def test_running_again_reports_no_change(runs, db):
    assert "Không có thay đổi: 34 tỉnh/thành đã được khởi tạo đầy đủ" in runs.again
    assert not [line for line in runs.again.splitlines() if line.startswith("+")]


def test_the_progress_bar_follows_every_province(runs, db):
    for stage in ("Schema", "Đăng ký", "Nội dung"):
        assert re.search(rf"^{stage} +\[#{{24}}\] 34/34 ", runs.progress, re.MULTILINE), stage


def test_a_province_and_all_current_together_is_a_clear_error():
    with pytest.raises(CommandError, match="Dùng một trong hai"):
        call_command("province_provision", "hanoi", "--all-current")


def test_neither_a_province_nor_all_current_is_a_clear_error():
    with pytest.raises(CommandError, match="Cho biết tỉnh/thành cần khởi tạo"):
        call_command("province_provision")
