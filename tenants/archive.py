"""A province in one file: every table of its schema, its media files and its rows in public.

`province_export` writes a tar.gz that `province_import` restores as a new province, on this
deployment or on another one running the same migrations:

    manifest.json       the format; the province's row, domains, dialing prefixes and hotline numbers;
                        the schema's applied migrations; per table its columns, row count and sha256;
                        the sequences' positions; per media file its size and sha256
    data/<table>.csv    the table as `COPY … TO STDOUT (FORMAT csv, HEADER)`, ordered by primary key
    media/<path>        every file under the province's media directory (MEDIA_ROOT/<schema>/)

The round trip is lossless and proved so: tables are dumped in primary-key order with fixed output
settings, so the same rows always give the same bytes, and the import dumps what it loaded again
and compares its checksums with the manifest before it commits.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import re
import shutil
import tarfile
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

import psycopg2
from django_tenants.utils import get_public_schema_name, schema_context, schema_exists, tenant_context
from psycopg2.extensions import ISOLATION_LEVEL_REPEATABLE_READ
from wagtail.models import Site

from cms.services import public_port
from tenants.models import DialingPrefix, Domain, PhoneNumber, Province
from tenants.services import province_host

FORMAT = "tongdai1022-province-archive"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DATA_DIR = "data"
MEDIA_DIR = "media"
MANIFEST_KEYS = frozenset(
    ("province", "domains", "dialing_prefixes", "phone_numbers", "migrations", "tables", "sequences", "media")
)
# Lowercase letters and digits, as every slug of the official registry: valid both as a host label
# (Django refuses "_" in hosts) and as a schema name that needs no quoting in the project's SQL.
SLUG_PATTERN = re.compile(r"^[a-z][a-z0-9]{1,39}$")
# The same value is written as the same text on every server and every run: checksums compare.
TEXT_SETTINGS = {
    "TimeZone": "UTC",
    "DateStyle": "ISO, YMD",
    "IntervalStyle": "postgres",
    "extra_float_digits": "1",
    "bytea_output": "hex",
}
_CHUNK = 1 << 20

Progress = Callable[[str], None]


class ArchiveError(Exception):
    """An archive that cannot be written or restored. The message is for the platform admin, in Vietnamese."""


@dataclass(frozen=True)
class Table:
    name: str
    # Every column but the generated ones, which PostgreSQL computes and refuses to be given.
    columns: tuple[str, ...]
    # ORDER BY terms: the primary key, text compared byte by byte (COLLATE "C") so that the order, and
    # with it the checksum, is the same on a server with other locales; the whole row for a table without one.
    order_by: tuple[str, ...]


@dataclass
class ImportResult:
    province: Province
    host: str
    tables: int = 0
    rows: int = 0
    files: int = 0
    # What the archive held that this deployment gives to someone else, one line each.
    not_restored: list[str] = field(default_factory=list)


def _quiet(_line: str) -> None:
    pass


def default_archive_path(slug: str) -> Path:
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    return Path(settings.VAR_DIR) / "archives" / f"{slug}-{stamp}.tar.gz"


def media_dir(schema_name: str) -> Path:
    """Where TenantFileSystemStorage keeps the schema's uploads."""
    return Path(settings.MEDIA_ROOT) / (settings.MULTITENANT_RELATIVE_MEDIA_ROOT % schema_name)


# --- Export ---------------------------------------------------------------------------------------


def province_export(province: Province, *, path: Path | None = None, progress: Progress = _quiet) -> Path:
    """Write the province's archive (default: VAR_DIR/archives/<slug>-<time>.tar.gz) and return its path."""
    if province.is_public:
        raise ArchiveError("Schema public là dữ liệu toàn quốc, không phải của một tỉnh: không có gì để xuất.")
    path = Path(path) if path else default_archive_path(province.slug)
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    manifest = {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "created_at": timezone.now().isoformat(),
        **_public_rows(province),
    }
    # Beside the archive, so that the dump and the archive share a disk, not the (maybe small) /tmp.
    with tempfile.TemporaryDirectory(prefix=f".{province.slug}-", dir=path.parent) as work:
        data_dir = Path(work) / DATA_DIR
        manifest |= _snapshot_dump(province.schema_name, data_dir, progress)
        source_media = media_dir(province.schema_name)
        manifest["media"] = _media_list(source_media)
        progress(f"Tệp đính kèm và ảnh: {len(manifest['media'])} tệp")
        _tar_write(path, manifest, data_dir, source_media)
    return path


def _public_rows(province: Province) -> dict:
    with schema_context(get_public_schema_name()):
        return {
            "province": {
                "slug": province.slug,
                "schema_name": province.schema_name,
                "name": province.name,
                "full_name": province.full_name,
                "division_type": province.division_type,
                "code": province.code,
                "legacy_code": province.legacy_code,
                "status": province.status,
                "merged_into": province.merged_into.slug if province.merged_into_id else None,
                "suspension_notice": province.suspension_notice,
                "fallback_number": province.fallback_number,
                "status_changed_at": province.status_changed_at.isoformat() if province.status_changed_at else None,
                "merged_section_path": province.merged_section_path,
                "created_at": province.created_at.isoformat(),
            },
            "domains": list(province.domains.order_by("-is_primary", "domain").values("domain", "is_primary")),
            "dialing_prefixes": list(province.dialing_prefixes.values_list("area_code", flat=True)),
            "phone_numbers": list(province.phone_numbers.values("number", "label")),
        }


def _snapshot_dump(schema: str, data_dir: Path, progress: Progress) -> dict:
    """Every table of the schema as of one moment, with the migrations and sequences that go with them."""
    data_dir.mkdir()
    tables = {}
    try:
        with _snapshot_cursor() as cursor:
            migrations = _applied_migrations(cursor, schema)
            for table in schema_tables(cursor, schema):
                with open(data_dir / f"{table.name}.csv", "wb") as file:
                    rows, digest = _table_dump(cursor, schema, table, file)
                tables[table.name] = {"columns": list(table.columns), "rows": rows, "sha256": digest}
                if rows:
                    progress(f"Bảng {table.name}: {rows} dòng")
            sequences = _sequence_positions(cursor, schema)
    except psycopg2.Error as exc:
        raise ArchiveError(f"Không đọc được schema «{schema}»: {exc}") from exc
    empty = sum(1 for table in tables.values() if not table["rows"])
    progress(f"{len(tables)} bảng ({empty} bảng trống), {sum(t['rows'] for t in tables.values())} dòng")
    return {"migrations": migrations, "tables": tables, "sequences": sequences}


@contextlib.contextmanager
def _snapshot_cursor() -> Iterator:
    """A connection of its own in one read-only REPEATABLE READ transaction: every COPY sees the same
    moment, while cases keep coming in, and whatever transaction the caller is in does not matter."""
    raw = psycopg2.connect(**connection.get_connection_params())
    try:
        raw.set_session(isolation_level=ISOLATION_LEVEL_REPEATABLE_READ, readonly=True)
        with raw.cursor() as cursor:
            _text_settings(cursor)
            yield cursor
        raw.rollback()
    finally:
        raw.close()


def _media_list(directory: Path) -> dict[str, dict]:
    files = {}
    if directory.is_dir():
        for path in sorted(directory.rglob("*")):
            if path.is_file():
                files[path.relative_to(directory).as_posix()] = {
                    "size": path.stat().st_size,
                    "sha256": _file_sha256(path),
                }
    return files


def _tar_write(path: Path, manifest: dict, data_dir: Path, source_media: Path) -> None:
    # Written under another name and renamed when complete: an interrupted export leaves no
    # archive that looks whole.
    partial = path.with_name(f"{path.name}.partial")
    try:
        # Reporters' names and numbers are in it: readable by its owner only.
        partial.touch(mode=0o600)
        with tarfile.open(partial, "w:gz", compresslevel=6) as tar:
            body = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mtime = len(body), int(timezone.now().timestamp())
            tar.addfile(info, io.BytesIO(body))
            for name in manifest["tables"]:
                tar.add(data_dir / f"{name}.csv", arcname=f"{DATA_DIR}/{name}.csv")
            for relative in manifest["media"]:
                tar.add(source_media / relative, arcname=f"{MEDIA_DIR}/{relative}")
        partial.replace(path)
    except OSError as exc:
        raise ArchiveError(f"Không ghi được tệp lưu trữ {path}: {exc}") from exc
    finally:
        partial.unlink(missing_ok=True)


# --- Import ---------------------------------------------------------------------------------------


def province_import(
    archive_path: Path, *, slug: str | None = None, base_domain: str, progress: Progress = _quiet
) -> ImportResult:
    """Restore an archive as a new province `slug` (default: the archive's) at <slug>.<base_domain>.

    Nothing is created unless the archive is whole and the slug free; once the province exists,
    any failure removes it again (row, schema and media directory), so a refused import leaves
    nothing behind. The schema is created and migrated by django-tenants, which cannot run inside
    a transaction: this must be called outside one.
    """
    with tempfile.TemporaryDirectory(prefix=".province-import-") as work:
        work = Path(work)
        manifest = _archive_unpack(Path(archive_path), work)
        source = manifest["province"]
        slug = slug or source["slug"]
        _target_check(slug)
        _archive_verify(manifest, work)
        if connection.in_atomic_block:
            raise ArchiveError("Nhập tỉnh phải chạy ngoài giao dịch: schema mới được tạo và migrate từng bước.")
        progress(f"Tạo tỉnh {source['name']}, schema «{slug}» (chạy các migration)…")
        try:
            province = _province_create(source, slug)
            result = ImportResult(province=province, host=province_host(slug, base_domain))
            _structure_check(slug, manifest)
            _data_load(province, manifest, work / DATA_DIR, result, progress)
            result.files = _media_copy(work / MEDIA_DIR, media_dir(slug), manifest["media"])
            progress(f"Tệp đính kèm và ảnh: {result.files} tệp")
            _public_rows_restore(province, manifest, result)
            _status_restore(province, source, result)
        except BaseException:
            # Interrupted too (Ctrl-C): never leave a half-restored province behind.
            progress(f"Thất bại: xóa tỉnh «{slug}» vừa tạo, schema và thư mục tệp của nó.")
            _province_discard(slug)
            raise
    # The load replaced the content types this process may have cached for the new schema.
    ContentType.objects.clear_cache()
    return result


def _archive_unpack(archive_path: Path, work: Path) -> dict:
    try:
        with tarfile.open(archive_path, "r:gz") as tar:
            # The "data" filter refuses absolute paths, "..", links out of the directory and devices.
            tar.extractall(work, filter="data")
        manifest = json.loads((work / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ArchiveError(f"Không tìm thấy {exc.filename} (tệp lưu trữ hoặc {MANIFEST} bên trong).") from exc
    except (tarfile.TarError, OSError, EOFError, ValueError) as exc:
        raise ArchiveError(f"Không đọc được tệp lưu trữ {archive_path}: {exc}") from exc
    if (
        not isinstance(manifest, dict)
        or manifest.get("format") != FORMAT
        or manifest.get("version") != FORMAT_VERSION
        or not set(manifest) >= MANIFEST_KEYS
    ):
        raise ArchiveError(
            f"{archive_path} không phải tệp lưu trữ tỉnh phiên bản {FORMAT_VERSION} của Tổng đài 1022, "
            f"hoặc {MANIFEST} của nó thiếu mục."
        )
    return manifest


def _archive_verify(manifest: dict, work: Path) -> None:
    """Every data and media file as the export wrote it, before anything is created."""
    damaged = [
        f"{DATA_DIR}/{name}.csv"
        for name, table in manifest["tables"].items()
        if not _sha256_matches(work / DATA_DIR / f"{name}.csv", table["sha256"])
    ]
    damaged += [
        f"{MEDIA_DIR}/{relative}"
        for relative, media in manifest["media"].items()
        if not _sha256_matches(work / MEDIA_DIR / relative, media["sha256"])
    ]
    if damaged:
        raise ArchiveError(
            f"Tệp lưu trữ bị hỏng: {len(damaged)} tệp thiếu hoặc không khớp mã kiểm tra sha256 "
            f"({', '.join(damaged[:10])}{'…' if len(damaged) > 10 else ''}). Không có gì được tạo."
        )


def _target_check(slug: str) -> None:
    if not SLUG_PATTERN.match(slug):
        raise ArchiveError(
            f"Slug «{slug}» không hợp lệ: chỉ chữ thường không dấu và chữ số, bắt đầu bằng chữ, "
            f"2–40 ký tự (ví dụ camau, camaukhoiphuc)."
        )
    with schema_context(get_public_schema_name()):
        existing = (
            Province.objects.filter(slug=slug).first() or Province.objects.filter(schema_name__iexact=slug).first()
        )
        if existing:
            raise ArchiveError(
                f"Đã có tỉnh «{existing.name}» với slug/schema «{slug}»: không nhập đè. "
                f"Chọn slug khác bằng --slug, hoặc xóa tỉnh đó trước."
            )
        if schema_exists(slug):
            raise ArchiveError(f"Schema «{slug}» đã có trong cơ sở dữ liệu (không thuộc tỉnh nào): hãy xóa nó trước.")
    target_media = media_dir(slug)
    if target_media.exists() and any(target_media.iterdir()):
        raise ArchiveError(f"Thư mục tệp {target_media} đã có nội dung: hãy chuyển hoặc xóa nó trước.")


def _province_create(source: dict, slug: str) -> Province:
    """The row, created suspended: Celery beat runs nothing in it and no host reaches it while it loads."""
    with schema_context(get_public_schema_name()):
        province = Province(
            schema_name=slug,
            slug=slug,
            name=source["name"],
            full_name=source["full_name"],
            division_type=source["division_type"],
            merged_section_path=source["merged_section_path"],
            status=Province.Status.SUSPENDED,
            suspension_notice="Đang khôi phục từ tệp lưu trữ.",
        )
        province.save(verbosity=0)  # creates and migrates the schema
    return province


def _structure_check(schema: str, manifest: dict) -> None:
    """The new schema must have the archive's migrations, tables and columns, else the data would not fit."""
    with connection.cursor() as cursor:
        applied = {tuple(row) for row in _applied_migrations(cursor, schema)}
        tables = {table.name: table for table in schema_tables(cursor, schema)}
    archived = {tuple(row) for row in manifest["migrations"]}
    if archived != applied:
        raise ArchiveError(
            "Tệp lưu trữ được tạo với các migration khác với bản cài đặt này. "
            f"Chỉ có trong tệp lưu trữ: {_migration_names(archived - applied)}. "
            f"Chỉ có ở đây: {_migration_names(applied - archived)}. "
            "Hãy nhập vào bản cài đặt cùng phiên bản với nơi xuất."
        )
    differences = sorted(set(tables) ^ set(manifest["tables"]))
    differences += [
        name
        for name, table in manifest["tables"].items()
        if name in tables and set(table["columns"]) != set(tables[name].columns)
    ]
    if differences:
        raise ArchiveError(f"Cấu trúc bảng khác với tệp lưu trữ dù cùng migration: {', '.join(differences)}.")


def _migration_names(migrations: set[tuple]) -> str:
    return ", ".join(f"{app}.{name}" for app, name in sorted(migrations)) or "không có"


def _data_load(province: Province, manifest: dict, data_dir: Path, result: ImportResult, progress: Progress) -> None:
    """Replace everything the migrations put in the new schema with the archive's rows, all or nothing."""
    schema = province.schema_name
    with transaction.atomic(), connection.cursor() as cursor:
        _text_settings(cursor)
        _tables_load(cursor, schema, manifest["tables"], data_dir, progress)
        _sequences_restore(cursor, schema, manifest["sequences"])
        _tables_verify(cursor, schema, manifest["tables"])
        progress(f"Đã đối chiếu {len(manifest['tables'])} bảng với tệp lưu trữ: khớp từng dòng.")
        _site_rehost(province, manifest["domains"], result)
    result.tables = len(manifest["tables"])
    result.rows = sum(table["rows"] for table in manifest["tables"].values())


def _tables_load(cursor, schema: str, tables: dict, data_dir: Path, progress: Progress) -> None:
    # The migrations left content types, permissions, Wagtail's root page and locale: the archive's replace them.
    cursor.execute("TRUNCATE " + ", ".join(_qualified(schema, name) for name in tables))
    # Django's foreign keys are DEFERRABLE INITIALLY DEFERRED: tables load in any order and every
    # reference is checked once, at the end.
    cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    for name, table in tables.items():
        columns = ", ".join(_ident(column) for column in table["columns"])
        sql = f"COPY {_qualified(schema, name)} ({columns}) FROM STDIN WITH (FORMAT csv, HEADER)"
        try:
            with open(data_dir / f"{name}.csv", "rb") as file:
                cursor.copy_expert(sql, file, _CHUNK)
        except (psycopg2.Error, DatabaseError) as exc:
            raise ArchiveError(f"Không nạp được bảng {name}: {exc}") from exc
        if cursor.rowcount != table["rows"]:
            raise ArchiveError(f"Bảng {name}: nạp {cursor.rowcount} dòng, tệp lưu trữ ghi {table['rows']} dòng.")
        if table["rows"]:
            progress(f"Bảng {name}: {table['rows']} dòng")
    try:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    except DatabaseError as exc:
        raise ArchiveError(f"Dữ liệu trong tệp lưu trữ không nhất quán (khóa ngoại): {exc}") from exc


def _sequences_restore(cursor, schema: str, sequences: dict) -> None:
    """Where each id sequence stood, not just max(id): ids of deleted rows are not handed out again."""
    for name, (last_value, is_called) in sequences.items():
        try:
            cursor.execute("SELECT setval(%s::regclass, %s, %s)", [_qualified(schema, name), last_value, is_called])
        except DatabaseError as exc:
            raise ArchiveError(f"Không đặt lại được dãy số {name}: {exc}") from exc


def _tables_verify(cursor, schema: str, tables: dict) -> None:
    """Dump what was loaded again: the same bytes as the export's, or the import does not commit."""
    different = []
    for name, archived in tables.items():
        table = Table(name, tuple(archived["columns"]), _row_order(cursor, schema, name))
        rows, digest = _table_dump(cursor, schema, table, None)
        if (rows, digest) != (archived["rows"], archived["sha256"]):
            different.append(name)
    if different:
        raise ArchiveError(f"Dữ liệu sau khi nạp khác với tệp lưu trữ ở các bảng: {', '.join(different)}.")


def _site_rehost(province: Province, domains: list[dict], result: ImportResult) -> None:
    """The Wagtail site answered at the archive's host; it answers at the new one now."""
    old_host = next((domain["domain"] for domain in domains if domain["is_primary"]), None)
    with tenant_context(province):
        Site.objects.filter(hostname=old_host).update(hostname=result.host, port=public_port())


def _media_copy(source: Path, target: Path, files: dict) -> int:
    for relative in files:
        destination = target / relative
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source / relative, destination)
    return len(files)


def _public_rows_restore(province: Province, manifest: dict, result: ImportResult) -> None:
    """The new host, and whatever else of the archive's no other province holds: a copy beside its
    original gets none of the original's codes, prefixes or numbers, a restore after a loss gets them all.

    Saving these rows drops the cached host and number lookups (tenants.signals)."""
    source = manifest["province"]
    with schema_context(get_public_schema_name()), transaction.atomic():
        Domain.objects.create(domain=result.host, tenant=province, is_primary=True)
        old_host_prefix = f"{source['slug']}."
        for domain in manifest["domains"]:
            name = domain["domain"]
            if name == result.host or name.startswith(old_host_prefix):
                continue  # the archive's own <slug>.<domain> is replaced by the new host
            owner = Domain.objects.filter(domain=name).select_related("tenant").first()
            if owner:
                result.not_restored.append(f"tên miền {name} (thuộc {owner.tenant.name})")
            else:
                Domain.objects.create(domain=name, tenant=province, is_primary=False)
        for area_code in manifest["dialing_prefixes"]:
            owner = DialingPrefix.objects.filter(area_code=area_code).select_related("province").first()
            if owner:
                result.not_restored.append(f"đầu số 0{area_code} (thuộc {owner.province.name})")
            else:
                DialingPrefix.objects.create(province=province, area_code=area_code)
        for number in manifest["phone_numbers"]:
            owner = PhoneNumber.objects.filter(number=number["number"]).select_related("province").first()
            if owner:
                result.not_restored.append(f"số tổng đài {number['number']} (thuộc {owner.province.name})")
            else:
                PhoneNumber.objects.create(province=province, number=number["number"], label=number["label"])
        for field_name, label in (("code", "mã tỉnh mới"), ("legacy_code", "mã tỉnh cũ")):
            code = source[field_name]
            owner = Province.objects.filter(**{field_name: code}).first() if code is not None else None
            if owner:
                result.not_restored.append(f"{label} {code:02d} (thuộc {owner.name})")
            elif code is not None:
                setattr(province, field_name, code)
        province.save(update_fields=["code", "legacy_code", "updated_at"])


def _status_restore(province: Province, source: dict, result: ImportResult) -> None:
    """The archive's status, so an import never reopens a line someone suspended. A merged unit comes back
    suspended: its successor answers its numbers, and a second live line beside it would split its callers."""
    status, changed_at = source["status"], source["status_changed_at"]
    if status == Province.Status.MERGED:
        result.not_restored.append(
            f"trạng thái «đã sáp nhập» vào {source['merged_into']}: tỉnh được nhập ở trạng thái tạm ngừng"
        )
        status, changed_at = Province.Status.SUSPENDED, timezone.now().isoformat()
    province.status = status
    province.suspension_notice = source["suspension_notice"]
    province.fallback_number = source["fallback_number"]
    province.status_changed_at = datetime.fromisoformat(changed_at) if changed_at else None
    with schema_context(get_public_schema_name()):
        province.save(
            update_fields=["status", "suspension_notice", "fallback_number", "status_changed_at", "updated_at"]
        )


def _province_discard(slug: str) -> None:
    """Whatever the import made under `slug`: none of it existed before (`_target_check`).

    By name, not by row: an import interrupted while its schema migrated may have a schema and no row."""
    with schema_context(get_public_schema_name()):
        for province in Province.objects.filter(slug=slug):
            province.delete(force_drop=True)
        with connection.cursor() as cursor:
            cursor.execute(f"DROP SCHEMA IF EXISTS {_ident(slug)} CASCADE")
    shutil.rmtree(media_dir(slug), ignore_errors=True)


# --- The schema, as PostgreSQL's catalog describes it -------------------------------------------------

TABLES_SQL = """
SELECT c.relname::text,
       ARRAY(SELECT a.attname::text FROM pg_attribute a
             WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
             ORDER BY a.attnum)
FROM pg_class c
WHERE c.relnamespace = %s::regnamespace AND c.relkind IN ('r', 'p') AND NOT c.relispartition
ORDER BY c.relname
"""
PRIMARY_KEY_SQL = """
SELECT quote_ident(a.attname) || CASE WHEN a.attcollation <> 0 THEN ' COLLATE "C"' ELSE '' END
FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)
WHERE i.indrelid = %s::regclass AND i.indisprimary
ORDER BY array_position(i.indkey::int2[], a.attnum)
"""
SEQUENCES_SQL = "SELECT relname::text FROM pg_class WHERE relnamespace = %s::regnamespace AND relkind = 'S' ORDER BY 1"


def schema_tables(cursor, schema: str) -> list[Table]:
    """Every table of the schema, read from the catalog: a table a migration adds is archived without a change here."""
    cursor.execute(TABLES_SQL, [_ident(schema)])
    return [Table(name, tuple(columns), _row_order(cursor, schema, name)) for name, columns in cursor.fetchall()]


def _row_order(cursor, schema: str, table: str) -> tuple[str, ...]:
    cursor.execute(PRIMARY_KEY_SQL, [_qualified(schema, table)])
    return tuple(row[0] for row in cursor.fetchall()) or ('t::text COLLATE "C"',)


def _applied_migrations(cursor, schema: str) -> list[list[str]]:
    cursor.execute(f"SELECT app, name FROM {_qualified(schema, 'django_migrations')} ORDER BY app, name")
    return [[app, name] for app, name in cursor.fetchall()]


def _sequence_positions(cursor, schema: str) -> dict[str, list]:
    cursor.execute(SEQUENCES_SQL, [_ident(schema)])
    positions = {}
    for (name,) in cursor.fetchall():
        cursor.execute(f"SELECT last_value, is_called FROM {_qualified(schema, name)}")
        positions[name] = list(cursor.fetchone())
    return positions


def _table_dump(cursor, schema: str, table: Table, file) -> tuple[int, str]:
    """COPY the table (into `file`, or only through the checksum); returns its row count and sha256."""
    columns = ", ".join(_ident(column) for column in table.columns)
    sql = (
        f"COPY (SELECT {columns} FROM {_qualified(schema, table.name)} AS t ORDER BY {', '.join(table.order_by)}) "
        "TO STDOUT WITH (FORMAT csv, HEADER)"
    )
    sink = _HashingWriter(file)
    cursor.copy_expert(sql, sink, _CHUNK)
    return cursor.rowcount, sink.hexdigest()


def _text_settings(cursor) -> None:
    for name, value in TEXT_SETTINGS.items():
        cursor.execute(f"SET LOCAL {name} = %s", [value])


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _qualified(schema: str, name: str) -> str:
    return f"{_ident(schema)}.{_ident(name)}"


# --- Files --------------------------------------------------------------------------------------------


class _HashingWriter:
    """What COPY writes, hashed on its way to the file (or only hashed, without a file)."""

    def __init__(self, file) -> None:
        self.file = file
        self.hash = hashlib.sha256()

    def write(self, data: bytes) -> int:
        self.hash.update(data)
        if self.file is not None:
            self.file.write(data)
        return len(data)

    def hexdigest(self) -> str:
        return self.hash.hexdigest()


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        while chunk := file.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _sha256_matches(path: Path, expected: str) -> bool:
    return path.is_file() and _file_sha256(path) == expected
