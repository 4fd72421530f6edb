"""A province's archive: Cà Mau exported and imported again comes back whole, and a bad import leaves nothing.

Creating a province migrates its schema, which cannot happen inside the transaction a test runs
in: the imports that get that far run in module fixtures, outside one, like the commands, and
remove what they create. The tests only look, each inside its own transaction.
"""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import tarfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client, override_settings

import pytest
from django_tenants.utils import get_public_schema_name, schema_context, schema_exists, tenant_context
from PIL import Image
from wagtail.models import Page, Site

from cases.attachments import CleanImage, attachment_add, image_store
from cases.models import Case, CaseAttachment, CaseEvent
from tenants.archive import (
    ArchiveError,
    ImportResult,
    _public_rows_restore,
    _status_restore,
    media_dir,
    province_import,
)
from tenants.models import DialingPrefix, Domain, PhoneNumber, Province
from tests.conftest import host_of, province

SOURCE = "camau"
# Registry slugs are letters only; an imported copy needs a slug of its own beside the original.
COPY = "camaukhoiphuc"


# Also what makes pytest-django create the test database when only this module runs.
pytestmark = pytest.mark.django_db


@dataclass
class RoundTrip:
    archive: Path
    export_output: str
    import_output: str
    imported: Province
    attachment_name: str
    # Sequences move outside transactions: taken before any test could move them.
    sequences: dict[str, dict]


@dataclass
class Refusal:
    error: ArchiveError
    public_before: dict[str, int]
    public_after: dict[str, int]
    schema_left: bool
    media_left: bool


@pytest.fixture(scope="module")
def outside_transaction(django_db_setup, django_db_blocker) -> Iterator[None]:
    with django_db_blocker.unblock():
        # Never the development database, whatever selection of tests runs.
        assert connection.settings_dict["NAME"].startswith("test_"), connection.settings_dict["NAME"]
        yield


@pytest.fixture(scope="module")
def round_trip(outside_transaction, tmp_path_factory) -> Iterator[RoundTrip]:
    """Cà Mau, with a photo attached to one of its reports, through both commands and back as COPY."""
    camau = province(SOURCE)
    attachment = _photo_attach(camau)
    archive = tmp_path_factory.mktemp("archives") / "camau.tar.gz"
    exported, imported = io.StringIO(), io.StringIO()
    # Saving the copy's host writes its phone line's fallback snapshot: not among the session's.
    voice_snapshots = override_settings(VOICE_FALLBACK_DIR=tmp_path_factory.mktemp("voice-fallback"))
    try:
        voice_snapshots.enable()
        call_command("province_export", SOURCE, "--output", str(archive), stdout=exported)
        call_command("province_import", str(archive), "--slug", COPY, stdout=imported)
        yield RoundTrip(
            archive=archive,
            export_output=exported.getvalue(),
            import_output=imported.getvalue(),
            imported=province(COPY),
            attachment_name=attachment.file.name,
            sequences={"source": _sequences(SOURCE), "copy": _sequences(COPY)},
        )
    finally:
        _province_drop(COPY)
        voice_snapshots.disable()
        with tenant_context(camau):
            attachment.file.delete(save=False)
            attachment.delete()


@pytest.fixture(scope="module")
def refused_after_creation(outside_transaction, round_trip, tmp_path_factory) -> dict[str, Refusal]:
    """Archives whose checksums hold but which fail once the province and its schema exist."""

    def content_type_dropped(work: Path) -> None:
        # A content type missing under its permissions: the foreign keys refuse at the end of the load.
        # Its rows hold no line breaks (unlike a report's text), so a line is a row.
        path = work / "data" / "django_content_type.csv"
        header, _first, rest = path.read_bytes().split(b"\n", 2)
        path.write_bytes(b"\n".join([header, rest]))
        _manifest_agree(work, "django_content_type", rows_removed=1)

    def migration_added(work: Path) -> None:
        manifest = json.loads((work / "manifest.json").read_text())
        manifest["migrations"].append(["cases", "9999_from_the_future"])
        (work / "manifest.json").write_text(json.dumps(manifest))

    refusals = {}
    for slug, change in (("camauthieu", content_type_dropped), ("camaumoi", migration_added)):
        archive = _rewritten(round_trip.archive, tmp_path_factory.mktemp(slug), change)
        before = _public_counts()
        with pytest.raises(ArchiveError) as refused:
            province_import(archive, slug=slug, base_domain=settings.BASE_DOMAIN)
        refusals[slug] = Refusal(
            error=refused.value,
            public_before=before,
            public_after=_public_counts(),
            schema_left=schema_exists(slug),
            media_left=media_dir(slug).exists(),
        )
        _province_drop(slug)  # should there be anything
    return refusals


def _photo_attach(camau: Province) -> CaseAttachment:
    """The demo stores no file: a photo on a report puts one in Cà Mau's media directory."""
    png = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(png, "PNG")
    image = CleanImage(content=png.getvalue(), content_type="image/png", extension="png")
    with tenant_context(camau):
        case = Case.objects.order_by("pk").first()
        return attachment_add(case=case, name=image_store(image), image=image)


def _province_drop(slug: str) -> None:
    connection.set_schema_to_public()
    with schema_context(get_public_schema_name()):
        for found in Province.objects.filter(slug=slug):
            found.delete(force_drop=True)
    shutil.rmtree(media_dir(slug), ignore_errors=True)


# --- The round trip -----------------------------------------------------------------------------------


def test_every_row_of_every_table_comes_back(round_trip):
    """Whole rows as PostgreSQL writes them: generated columns (search vector, next deadline) included."""
    tables = _tables(SOURCE)
    assert _tables(COPY) == tables
    assert len(tables) > 90
    # The site's hostname differs by design (test_the_site_answers_at_the_new_host_only).
    assert [
        table for table in sorted(tables - {"wagtailcore_site"}) if _rows(COPY, table) != _rows(SOURCE, table)
    ] == []


def test_reports_events_and_pages_are_all_there(round_trip):
    with tenant_context(province(SOURCE)):
        counts = _counts()
    assert all(counts.values())
    with tenant_context(round_trip.imported):
        assert _counts() == counts


def test_sequences_continue_where_they_stood(round_trip):
    assert round_trip.sequences["copy"] == round_trip.sequences["source"]
    assert round_trip.sequences["source"]["cases_case_id_seq"] > 1


def test_the_site_answers_at_the_new_host_only(round_trip):
    with tenant_context(round_trip.imported):
        assert list(Site.objects.values_list("hostname", flat=True)) == [host_of(COPY)]
    with tenant_context(province(SOURCE)):
        assert list(Site.objects.values_list("hostname", flat=True)) == [host_of(SOURCE)]


def test_media_files_are_byte_identical(round_trip):
    archived = _manifest(round_trip.archive)["media"]
    source_dir, copy_dir = media_dir(SOURCE), media_dir(COPY)

    assert round_trip.attachment_name in archived
    assert _files(copy_dir) == set(archived)
    for relative in archived:
        assert (copy_dir / relative).read_bytes() == (source_dir / relative).read_bytes(), relative


def test_the_copy_serves_its_home_page_and_finds_a_report_by_its_code(round_trip):
    with tenant_context(round_trip.imported):
        case = Case.objects.filter(reporter__phone__startswith="+84").order_by("pk").first()
        phone = case.reporter.phone
    client = Client(HTTP_HOST=host_of(COPY))

    home = client.get("/")
    assert home.status_code == 200
    assert "Tổng đài 1022 Cà Mau" in home.content.decode()

    lookup = client.post("/tra-cuu/", {"code": case.display_code, "secret": phone[-4:]})
    assert lookup.status_code == 200
    assert f"Phản ánh {case.display_code}" in lookup.content.decode()

    _sign_in(client, "operator.camau")
    console = client.get("/cases/", {"q": case.display_code})
    assert console.status_code == 200
    assert case.display_code in console.content.decode()


def test_a_session_of_the_copy_means_nothing_on_the_originals_host(round_trip):
    client = Client(HTTP_HOST=host_of(COPY))
    _sign_in(client, "supervisor.camau")
    assert client.get("/cases/").status_code == 200

    client.defaults["HTTP_HOST"] = host_of(SOURCE)
    assert client.get("/cases/").status_code == 302


def test_the_copy_gets_a_host_and_none_of_the_originals_numbers(round_trip):
    with schema_context(get_public_schema_name()):
        copy = Province.objects.get(slug=COPY)
        assert copy.primary_host == host_of(COPY)
        assert list(Domain.objects.filter(tenant=copy).values_list("domain", flat=True)) == [host_of(COPY)]
        assert not DialingPrefix.objects.filter(province=copy).exists()
        assert not PhoneNumber.objects.filter(province=copy).exists()
        assert DialingPrefix.objects.get(area_code="290").province.slug == SOURCE
        assert (copy.name, copy.status, copy.code, copy.legacy_code) == ("Cà Mau", Province.Status.ACTIVE, None, None)
    assert "đầu số 0290 (thuộc Cà Mau)" in round_trip.import_output
    assert "số tổng đài +842901022 (thuộc Cà Mau)" in round_trip.import_output
    assert "mã tỉnh cũ 96 (thuộc Cà Mau)" in round_trip.import_output


def test_what_no_other_province_holds_is_restored(round_trip):
    """As after a loss, when nobody took the archive's host, area code and number in the meantime."""
    manifest = _manifest(round_trip.archive)
    manifest["domains"].append({"domain": "1022.camau.gov.vn", "is_primary": False})
    manifest["dialing_prefixes"] = ["290", "299"]
    manifest["phone_numbers"].append({"number": "+842991022", "label": "Tổng đài 0299 1022"})
    copy = province(COPY)
    with schema_context(get_public_schema_name()):
        copy.domains.all().delete()  # as before the import made them
    result = ImportResult(province=copy, host=host_of(COPY))

    _public_rows_restore(copy, manifest, result)

    with schema_context(get_public_schema_name()):
        copy = Province.objects.get(slug=COPY)
        assert set(copy.domains.values_list("domain", flat=True)) == {host_of(COPY), "1022.camau.gov.vn"}
        assert copy.trunk_prefixes() == ["0299"]
        assert list(copy.phone_numbers.values_list("number", flat=True)) == ["+842991022"]
    assert result.not_restored == [
        "đầu số 0290 (thuộc Cà Mau)",
        "số tổng đài +842901022 (thuộc Cà Mau)",
        "mã tỉnh cũ 96 (thuộc Cà Mau)",
    ]


def test_a_merged_unit_comes_back_suspended_beside_its_successor(round_trip):
    source = {
        **_manifest(round_trip.archive)["province"],
        "status": Province.Status.MERGED,
        "merged_into": "hochiminh",
        "suspension_notice": "",
    }
    copy = province(COPY)
    result = ImportResult(province=copy, host=host_of(COPY))

    _status_restore(copy, source, result)

    with schema_context(get_public_schema_name()):
        copy = Province.objects.get(slug=COPY)
        assert (copy.status, copy.merged_into) == (Province.Status.SUSPENDED, None)
        assert copy.status_changed_at is not None
    assert "tạm ngừng" in result.not_restored[0]


def test_the_commands_say_what_they_did_in_vietnamese(round_trip):
    with tenant_context(province(SOURCE)):
        cases = Case.objects.count()
    assert f"Bảng cases_case: {cases} dòng" in round_trip.export_output
    assert "Đã xuất Cà Mau vào" in round_trip.export_output
    assert f"Bảng cases_case: {cases} dòng" in round_trip.import_output
    assert "khớp từng dòng" in round_trip.import_output
    assert f"Đã nhập Cà Mau → schema «{COPY}»" in round_trip.import_output


def test_the_manifest_describes_the_archive(round_trip):
    manifest = _manifest(round_trip.archive)

    assert manifest["province"]["slug"] == SOURCE
    assert manifest["province"]["legacy_code"] == 96
    assert manifest["dialing_prefixes"] == ["290"]
    assert ["cases", "0001_initial"] in manifest["migrations"]
    assert set(manifest["tables"]) == _tables(SOURCE)
    case_table = manifest["tables"]["cases_case"]
    assert "search_vector" not in case_table["columns"] and "next_due_at" not in case_table["columns"]
    with tarfile.open(round_trip.archive) as tar:
        data = tar.extractfile("data/cases_case.csv").read()
    assert hashlib.sha256(data).hexdigest() == case_table["sha256"]


# --- Refusals -----------------------------------------------------------------------------------------


def test_an_existing_slug_is_refused(round_trip):
    before = _public_counts()

    with pytest.raises(ArchiveError, match="Đã có tỉnh «Cà Mau» với slug/schema «camau»"):
        province_import(round_trip.archive, base_domain=settings.BASE_DOMAIN)
    with pytest.raises(CommandError, match="Đã có tỉnh"):
        call_command("province_import", str(round_trip.archive), "--slug", COPY, stdout=io.StringIO())

    assert _public_counts() == before


def test_a_slug_that_cannot_be_a_host_is_refused(round_trip):
    with pytest.raises(ArchiveError, match="Slug «ca-mau» không hợp lệ"):
        province_import(round_trip.archive, slug="ca-mau", base_domain=settings.BASE_DOMAIN)


def test_a_damaged_archive_is_refused_before_anything_is_created(round_trip, tmp_path):
    damaged = _rewritten(round_trip.archive, tmp_path, _flip_a_byte)
    before = _public_counts()

    with pytest.raises(ArchiveError, match=r"Tệp lưu trữ bị hỏng: 1 tệp .*data/cases_case\.csv"):
        province_import(damaged, slug="camauhong", base_domain=settings.BASE_DOMAIN)

    assert _public_counts() == before
    assert not schema_exists("camauhong")


def test_data_that_fails_on_loading_leaves_no_province_behind(refused_after_creation):
    refusal = refused_after_creation["camauthieu"]

    assert "không nhất quán (khóa ngoại)" in str(refusal.error)
    assert refusal.public_after == refusal.public_before
    assert not refusal.schema_left and not refusal.media_left


def test_an_archive_from_other_migrations_is_refused_naming_them(refused_after_creation):
    refusal = refused_after_creation["camaumoi"]

    assert "Chỉ có trong tệp lưu trữ: cases.9999_from_the_future. Chỉ có ở đây: không có." in str(refusal.error)
    assert refusal.public_after == refusal.public_before
    assert not refusal.schema_left and not refusal.media_left


def test_something_that_is_no_archive_is_a_clear_error(tmp_path):
    junk = tmp_path / "junk.tar.gz"
    junk.write_bytes(b"not an archive")

    with pytest.raises(CommandError, match="Không đọc được tệp lưu trữ"):
        call_command("province_import", str(junk), stdout=io.StringIO())


def test_an_unknown_province_cannot_be_exported():
    with pytest.raises(CommandError, match="Không có tỉnh «atlantis»"):
        call_command("province_export", "atlantis", stdout=io.StringIO())


# --- Helpers --------------------------------------------------------------------------------------


def _counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in (Case, CaseEvent, CaseAttachment, Page)}


def _sign_in(client: Client, username: str) -> None:
    response = client.post("/accounts/login/", {"username": username, "password": "demo1022"})
    assert response.status_code == 302


def _tables(schema: str) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = %s AND table_type = 'BASE TABLE'",
            [schema],
        )
        return {name for (name,) in cursor.fetchall()}


def _rows(schema: str, table: str) -> list[str]:
    """Every row as PostgreSQL writes it, generated columns included, in a stable order."""
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT t::text FROM "{schema}"."{table}" AS t ORDER BY t::text COLLATE "C"')
        return [row for (row,) in cursor.fetchall()]


def _sequences(schema: str) -> dict[str, int | None]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = %s", [schema])
        return dict(cursor.fetchall())


def _files(directory: Path) -> set[str]:
    return {path.relative_to(directory).as_posix() for path in directory.rglob("*") if path.is_file()}


def _manifest(archive: Path) -> dict:
    with tarfile.open(archive) as tar:
        return json.load(tar.extractfile("manifest.json"))


def _public_counts() -> dict[str, int]:
    with schema_context(get_public_schema_name()):
        return {
            "provinces": Province.objects.count(),
            "domains": Domain.objects.count(),
            "prefixes": DialingPrefix.objects.count(),
            "numbers": PhoneNumber.objects.count(),
        }


def _rewritten(archive: Path, tmp_path: Path, change) -> Path:
    """The archive with `change` applied to its unpacked files."""
    work = tmp_path / "unpacked"
    with tarfile.open(archive) as tar:
        tar.extractall(work, filter="data")
    change(work)
    rewritten = tmp_path / "rewritten.tar.gz"
    with tarfile.open(rewritten, "w:gz") as tar:
        for path in sorted(work.rglob("*")):
            if path.is_file():
                tar.add(path, arcname=path.relative_to(work).as_posix())
    return rewritten


def _manifest_agree(work: Path, table_name: str, *, rows_removed: int) -> None:
    manifest = json.loads((work / "manifest.json").read_text())
    table = manifest["tables"][table_name]
    table["sha256"] = hashlib.sha256((work / "data" / f"{table_name}.csv").read_bytes()).hexdigest()
    table["rows"] -= rows_removed
    (work / "manifest.json").write_text(json.dumps(manifest))


def _flip_a_byte(work: Path) -> None:
    path = work / "data" / "cases_case.csv"
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))
