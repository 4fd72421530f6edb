"""Merging a province into its successor: every record moves, in one transaction.

The 2025 reorganisation joined provinces (Bình Dương into TP. Hồ Chí Minh, Bình Phước into
Đồng Nai, ...). A merger moves the unit's hotline into its successor's schema: reports with their
audit trail, reporters (one per phone number), agencies, calls and messages, FAQ pages, accounts,
then its dialing prefixes and numbers, so that 0274 1022 rings the successor's menu.

How rows move: table by table (`tenants.merge_plan.RULES`), in SQL between the two schemas of the
same database. Each table gets a map of old ids to new ones in a temporary table; a row is either
matched to one the successor has (a reporter with the same number, a category with the same
national code, a ward with the same official code) or copied with a new id from the successor's
sequence, its foreign keys rewritten through the maps. PostgreSQL checks the foreign keys at
commit (Django makes them deferrable), so the order of the copies does not matter.

Everything, including the public schema's changes, commits together or not at all: a failure or
an interrupted process leaves nothing half-moved, and the merger can simply be run again. A dry
run does the whole work and rolls it back, so its report is exactly what a merger would move.
"""

from __future__ import annotations

import hashlib
import logging
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from django_tenants.utils import get_public_schema_name, schema_context, tenant_context

from tenants.merge_plan import Mode, Rule, plan_for
from tenants.models import DialingPrefix, MergeRun, PhoneNumber, Province
from tenants.routing import forget_hosts, forget_numbers

logger = logging.getLogger(__name__)

Progress = Callable[[str], None]


class MergeRefused(Exception):
    """The merger cannot start (wrong statuses, a merger already running); nothing was changed."""


class _DryRunDone(Exception):
    """Raised at the end of a dry run so that its transaction rolls back."""


@dataclass
class TableMove:
    table: str
    label: str
    copied: int = 0
    matched: int = 0
    left: int = 0


@dataclass
class MergeReport:
    tables: dict[str, TableMove] = field(default_factory=dict)
    # What the successor's admin should look at: agencies that duplicate theirs, renamed accounts, ...
    review: list[str] = field(default_factory=list)
    prefixes: list[str] = field(default_factory=list)
    numbers: list[str] = field(default_factory=list)
    codes_reissued: int = 0
    section_path: str = ""
    files: int = 0

    def as_json(self) -> dict:
        return {
            "tables": {
                name: {"label": t.label, "copied": t.copied, "matched": t.matched, "left": t.left}
                for name, t in self.tables.items()
                if t.copied or t.matched or t.left
            },
            "review": self.review,
            "prefixes": self.prefixes,
            "numbers": self.numbers,
            "codes_reissued": self.codes_reissued,
            "section_path": self.section_path,
            "files": self.files,
        }


# --- entry points ------------------------------------------------------------------------------


def merge_start(
    source: Province, target: Province, *, users: str = MergeRun.Users.MOVE, dry_run: bool, requested_by: str = ""
) -> MergeRun:
    """Check that the merger may run and record it as planned (run it with `merge_execute`)."""
    with schema_context(get_public_schema_name()):
        merge_check(source, target)
        return MergeRun.objects.create(
            source=source, target=target, users=users, dry_run=dry_run, requested_by=requested_by
        )


def merge_check(source: Province, target: Province) -> None:
    if source.pk == target.pk:
        raise MergeRefused("Không thể sáp nhập một tỉnh vào chính nó.")
    if source.is_public or target.is_public:
        raise MergeRefused("Chỉ sáp nhập được giữa hai tỉnh.")
    if source.status != Province.Status.ACTIVE:
        raise MergeRefused(
            f"{source.name} đang ở trạng thái «{source.get_status_display()}»; "
            "chỉ tỉnh đang hoạt động mới sáp nhập được."
        )
    if target.status != Province.Status.ACTIVE:
        raise MergeRefused(
            f"{target.name} đang ở trạng thái «{target.get_status_display()}»; tỉnh nhận sáp nhập phải đang hoạt động."
        )


def merge_execute(run: MergeRun, *, progress: Progress | None = None) -> MergeRun:
    """Run a planned merger (or its dry run). Returns the run, done or failed with its error."""
    say = progress or (lambda _line: None)
    with schema_context(get_public_schema_name()), _merge_lock(run.source_id) as locked:
        if not locked:
            _run_fail(run, f"Một lần sáp nhập {run.source} khác đang chạy.")
            raise MergeRefused(run.error)
        _interrupted_runs_close(run)
        run.refresh_from_db()
        run.source.refresh_from_db()
        run.target.refresh_from_db()
        try:
            merge_check(run.source, run.target)
        except MergeRefused as exc:
            _run_fail(run, str(exc))
            raise
        run.state, run.started_at, run.error = MergeRun.State.RUNNING, timezone.now(), ""
        run.save(update_fields=["state", "started_at", "error"])
        report = MergeReport()
        try:
            if not run.dry_run:
                # Before the data: a crash in between leaves unused copies, never rows without files.
                report.files = _files_copy(run.source, run.target)
                say(f"Đã chép {report.files} tệp đính kèm, ảnh và tài liệu.")
            with transaction.atomic():
                _merge(run, report, say)
                if run.dry_run:
                    raise _DryRunDone
                _run_finish(run, report)
        except _DryRunDone:
            _run_finish(run, report)
        except Exception as exc:
            logger.exception("merger %s → %s failed", run.source.schema_name, run.target.schema_name)
            _run_fail(run, f"{type(exc).__name__}: {exc}", report)
            raise
        finally:
            connection.set_schema_to_public()
    if not run.dry_run:
        _caches_forget(run)
    return run


# --- the run's record ---------------------------------------------------------------------------


class _merge_lock:
    """A PostgreSQL advisory lock per merged province: two mergers of one unit never overlap, and a
    lock left by a killed process goes with its connection."""

    def __init__(self, source_pk: int):
        digest = hashlib.sha256(f"tongdai1022:merge:{source_pk}".encode()).digest()
        self.key = int.from_bytes(digest[:8], "big", signed=True)

    def __enter__(self) -> bool:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [self.key])
            self.locked = cursor.fetchone()[0]
        return self.locked

    def __exit__(self, *exc) -> None:
        if self.locked:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [self.key])


def _interrupted_runs_close(run: MergeRun) -> None:
    """Runs still marked running hold no lock, so their process died: PostgreSQL rolled them back."""
    MergeRun.objects.filter(source_id=run.source_id, state=MergeRun.State.RUNNING).exclude(pk=run.pk).update(
        state=MergeRun.State.FAILED,
        error="Bị gián đoạn; PostgreSQL đã hoàn tác toàn bộ, không có gì bị chuyển dở.",
        finished_at=timezone.now(),
    )


def _run_finish(run: MergeRun, report: MergeReport) -> None:
    connection.set_schema_to_public()
    run.state, run.finished_at, run.report = MergeRun.State.DONE, timezone.now(), report.as_json()
    run.save(update_fields=["state", "finished_at", "report"])


def _run_fail(run: MergeRun, error: str, report: MergeReport | None = None) -> None:
    connection.set_schema_to_public()
    MergeRun.objects.filter(pk=run.pk).update(
        state=MergeRun.State.FAILED,
        error=error[:2000],
        finished_at=timezone.now(),
        report=report.as_json() if report else {},
    )
    run.refresh_from_db()


def _caches_forget(run: MergeRun) -> None:
    from cms.cache import page_cache_purge

    with schema_context(get_public_schema_name()):
        forget_hosts(list(run.source.domains.values_list("domain", flat=True)))
        forget_numbers()
    for province in (run.source, run.target):
        with tenant_context(province):
            page_cache_purge()


# --- the move -----------------------------------------------------------------------------------


def _merge(run: MergeRun, report: MergeReport, say: Progress) -> None:
    from oversight.rollups import rollups_refresh

    source, target = run.source, run.target
    # The unit's national figures, current to the last report: they stay its history.
    with tenant_context(source):
        rollups_refresh()
    say(f"Đã chốt số liệu toàn quốc của {source.name}.")

    with tenant_context(target):
        section = _section_ensure(source, target)
    report.section_path = section.path_on_site
    mover = _Mover(run=run, source=source, target=target, section=section, report=report, say=say)
    mover.move()

    with schema_context(get_public_schema_name()):
        _numbers_move(source, target, report)
        source.status = Province.Status.MERGED
        source.merged_into = target
        source.merged_section_path = section.path_on_site
        source.status_changed_at = timezone.now()
        source.save(update_fields=["status", "merged_into", "merged_section_path", "status_changed_at", "updated_at"])
    say(f"{source.name} đã sáp nhập vào {target.name}.")


def _numbers_move(source: Province, target: Province, report: MergeReport) -> None:
    """Calls to the unit's area codes and numbers now reach the successor's menu."""
    for prefix in DialingPrefix.objects.filter(province=source):
        report.prefixes.append(prefix.trunk_form)
    for number in PhoneNumber.objects.filter(province=source):
        report.numbers.append(number.number)
    DialingPrefix.objects.filter(province=source).update(province=target)
    PhoneNumber.objects.filter(province=source).update(province=target)


@dataclass
class Section:
    page_id: int
    path: str
    depth: int
    url_path: str
    path_on_site: str


def _section_ensure(source: Province, target: Province) -> Section:
    """The successor's page for the unit, under its home page; the unit's pages move below it."""
    from cms.models import HomePage, MergedUnitPage

    home = HomePage.objects.first()
    if home is None:
        raise MergeRefused(f"{target.name} chưa có trang chủ; chạy province_provision trước.")
    page = MergedUnitPage.objects.filter(unit=source.slug).first()
    if page is None:
        slug = source.slug
        if home.get_children().filter(slug=slug).exists():
            slug = f"{source.slug}-cu"
        page = home.add_child(
            instance=MergedUnitPage(
                title=f"{source.name} (trước sáp nhập)",
                slug=slug,
                unit=source.slug,
                intro=(
                    f"<p>Câu hỏi thường gặp của Tổng đài 1022 {source.name}, chuyển về {target.name} "
                    f"khi hai tỉnh hợp nhất. Địa chỉ cũ của các trang vẫn dẫn về đây.</p>"
                ),
            )
        )
    site_root_url = home.url_path
    return Section(
        page_id=page.pk,
        path=page.path,
        depth=page.depth,
        url_path=page.url_path,
        path_on_site="/" + page.url_path[len(site_root_url) :],
    )


def _files_copy(source: Province, target: Province) -> int:
    """The unit's uploaded files, under `<unit slug>/` in the successor's media (the rows say so)."""
    source_dir = Path(settings.MEDIA_ROOT) / source.schema_name
    target_dir = Path(settings.MEDIA_ROOT) / target.schema_name / source.slug
    copied = 0
    if not source_dir.is_dir():
        return 0
    for path in source_dir.rglob("*"):
        if not path.is_file():
            continue
        destination = target_dir / path.relative_to(source_dir)
        if destination.exists() and destination.stat().st_size == path.stat().st_size:
            copied += 1
            continue
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, destination)
        copied += 1
    return copied


# --- SQL ----------------------------------------------------------------------------------------


class _Mover:
    """Moves every table of the plan from the source schema to the target's, by SQL."""

    def __init__(self, *, run, source, target, section: Section, report: MergeReport, say: Progress):
        self.run, self.source, self.target = run, source, target
        self.section, self.report, self.say = section, report, say
        self.src = connection.ops.quote_name(source.schema_name)
        self.dst = connection.ops.quote_name(target.schema_name)
        self.rules = plan_for(source=source, target=target, users=run.users)
        self.mapped: set[str] = set()

    def move(self) -> None:
        connection.set_schema_to_public()
        with connection.cursor() as cursor:
            self.cursor = cursor
            # The search path would otherwise resolve unqualified names in whichever schema was active.
            cursor.execute("SET LOCAL search_path TO pg_temp, public")
            self._source_lock()
            self._prepare()
            for rule in self.rules:
                if not rule.after_generic:
                    self._map(rule)
            self._generic_map()
            for rule in self.rules:
                if rule.after_generic:
                    self._map(rule)
            for rule in self.rules:
                self._copy(rule)
            self._finish()
            for rule in self.rules:
                if rule.purge:
                    self._count_left(rule)
            self._purge()
            self._source_close()
            # Dropped with the transaction anyway; now, so that a caller's enclosing transaction can merge again.
            cursor.execute("DISCARD TEMP")

    # Helpers given to the rules' SQL.
    def sql_context(self) -> dict[str, str]:
        return {"src": self.src, "dst": self.dst, "slug": self.source.slug, "name": self.source.name}

    def q(self, sql: str, params=None) -> None:
        self.cursor.execute(sql.format(**self.sql_context()), params)

    def scalar(self, sql: str, params=None):
        self.q(sql, params)
        row = self.cursor.fetchone()
        return row[0] if row else None

    def _prepare(self) -> None:
        from tenants.merge_plan import prepare

        prepare(self)

    def _map(self, rule: Rule) -> None:
        if rule.mode in (Mode.SKIP, Mode.CHILD):
            return
        table = rule.table
        move = self.report.tables.setdefault(table, TableMove(table, rule.label))
        self.q(
            f"CREATE TEMP TABLE m_{table} (old bigint PRIMARY KEY, new bigint, copied boolean NOT NULL) ON COMMIT DROP"
        )
        where = f"({rule.where})" if rule.where else "TRUE"
        if rule.mode is Mode.FIXED:
            self.q(f"INSERT INTO m_{table} SELECT s.id, %s, FALSE FROM {{src}}.{table} s WHERE {where}", [rule.fixed])
        if rule.mode is Mode.CUSTOM:
            rule.custom_map(self)
        if rule.mode is Mode.MATCH:
            self.q(
                f"INSERT INTO m_{table} SELECT DISTINCT ON (s.id) s.id, d.id, FALSE "
                f"FROM {{src}}.{table} s JOIN {{dst}}.{table} d ON {rule.match} WHERE {where} "
                f"ORDER BY s.id, {rule.match_order or 'd.id'}"
            )
            move.matched = self.cursor.rowcount
        if rule.mode in (Mode.MATCH, Mode.COPY, Mode.CUSTOM) and rule.copy_unmatched:
            self.q(
                f"INSERT INTO m_{table} SELECT s.id, nextval(pg_get_serial_sequence('{{dst}}.{table}', 'id')), TRUE "
                f"FROM {{src}}.{table} s WHERE {where} AND NOT EXISTS (SELECT 1 FROM m_{table} m WHERE m.old = s.id) "
                "ORDER BY s.id"
            )
        if rule.mode is Mode.OWNED:
            owner = rule.owner_table
            self.q(
                f"INSERT INTO m_{table} SELECT s.id, nextval(pg_get_serial_sequence('{{dst}}.{table}', 'id')), TRUE "
                f"FROM {{src}}.{table} s JOIN m_{owner} o ON o.old = s.{rule.owner} AND o.copied WHERE {where} "
                "ORDER BY s.id"
            )
        self.mapped.add(table)

    def _generic_map(self) -> None:
        """Ids kept as text beside a content type (revisions, log entries, tags): old → new by type."""
        from django.apps import apps

        self.q("CREATE TEMP TABLE m_generic (ct bigint, old text, new text, PRIMARY KEY (ct, old)) ON COMMIT DROP")
        self.q("SELECT id, app_label, model FROM {src}.django_content_type")
        for ct_id, app_label, model_name in self.cursor.fetchall():
            try:
                model = apps.get_model(app_label, model_name)
            except LookupError:
                continue
            base = model._meta.concrete_model
            while base._meta.pk.remote_field is not None:  # multi-table inheritance: the parent's ids
                base = base._meta.pk.remote_field.model
            table = base._meta.db_table
            if table in self.mapped:
                self.q(
                    f"INSERT INTO m_generic SELECT %s, old::text, new::text FROM m_{table} WHERE copied",
                    [ct_id],
                )

    def _copy(self, rule: Rule) -> None:
        if rule.mode is Mode.SKIP:
            return
        table = rule.table
        move = self.report.tables.setdefault(table, TableMove(table, rule.label))
        columns = _columns(self.cursor, self.target.schema_name, table)
        expressions = []
        for column in columns:
            expressions.append(self._expression(rule, column))
        id_join = self._id_join(rule)
        where = f"AND ({rule.where})" if rule.where else ""
        required = (
            " ".join(f"AND ({expr}) IS NOT NULL" for expr in self._required(rule, columns))
            if rule.drop_unmapped
            else ""
        )
        conflict = " ON CONFLICT DO NOTHING" if rule.on_conflict_nothing else ""
        quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
        self.q(
            f"INSERT INTO {{dst}}.{table} ({quoted}) SELECT {', '.join(expressions)} FROM {{src}}.{table} s "
            f"{id_join} WHERE TRUE {where} {required}{conflict}"
        )
        move.copied = self.cursor.rowcount
        if move.copied:
            self.say(f"  {rule.label}: {move.copied} chuyển" + (f", {move.matched} gộp" if move.matched else ""))

    def _id_join(self, rule: Rule) -> str:
        if rule.mode is Mode.CHILD:
            return f"JOIN m_{rule.owner_table} m ON m.old = s.{rule.owner} AND m.copied"
        return f"JOIN m_{rule.table} m ON m.old = s.id AND m.copied"

    def _expression(self, rule: Rule, column: str) -> str:
        if column in rule.columns:
            return rule.columns[column]
        if rule.mode is Mode.CHILD and column == rule.owner:
            return "m.new"
        if column == "id" and rule.mode is not Mode.CHILD:
            return "m.new"
        related = rule.fks.get(column)
        if related is not None:
            if related in self.mapped:
                return f"(SELECT x.new FROM m_{related} x WHERE x.old = s.{column})"
            return "NULL"
        return f"s.{connection.ops.quote_name(column)}"

    def _required(self, rule: Rule, columns: list[str]) -> list[str]:
        return [self._expression(rule, column) for column in columns if column in rule.required]

    def _finish(self) -> None:
        from tenants.merge_plan import finish

        finish(self)

    def _count_left(self, rule: Rule) -> None:
        move = self.report.tables.setdefault(rule.table, TableMove(rule.table, rule.label))
        total = self.scalar(f"SELECT count(*) FROM {{src}}.{rule.table}")
        move.left = total - move.copied - move.matched
        if move.left:
            # These rows would be emptied from the unit's schema without having moved: stop and roll back.
            raise RuntimeError(f"{rule.label}: {move.left} dòng không chuyển được; đã hoàn tác sáp nhập.")

    def _purge_tables(self) -> str:
        return ", ".join(f"{{src}}.{rule.table}" for rule in self.rules if rule.purge)

    def _source_lock(self) -> None:
        """No report can land in the unit's schema while its reports move (it would be emptied unseen).

        Writers wait for the merger, then meet `_source_close`'s refusal; a webhook refused that way
        is retried by its provider and reaches the successor. A merger that cannot lock within the
        timeout fails, and nothing has changed.
        """
        self.q("SET LOCAL lock_timeout = '60s'")
        self.q(f"LOCK TABLE {self._purge_tables()} IN ACCESS EXCLUSIVE MODE")

    def _source_close(self) -> None:
        self.q(
            "CREATE OR REPLACE FUNCTION {src}.merged_unit_refuse() RETURNS trigger AS $$ BEGIN "
            "RAISE EXCEPTION 'province merged into its successor; nothing is stored here any more' "
            "USING ERRCODE = 'read_only_sql_transaction'; END; $$ LANGUAGE plpgsql"
        )
        for rule in self.rules:
            if rule.purge:
                self.q(
                    f"CREATE TRIGGER merged_unit_closed BEFORE INSERT ON {{src}}.{rule.table} "
                    "FOR EACH ROW EXECUTE FUNCTION {src}.merged_unit_refuse()"
                )

    def _purge(self) -> None:
        """Citizens' data leaves the unit's schema: it lives in one place, the successor's."""
        self.q(f"TRUNCATE {self._purge_tables()}")


def _columns(cursor, schema: str, table: str) -> list[str]:
    """The table's columns a row can be written with (generated ones are computed by PostgreSQL)."""
    cursor.execute(
        "SELECT a.attname FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid "
        "JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = %s AND c.relname = %s AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = '' "
        "ORDER BY a.attnum",
        [schema, table],
    )
    return [row[0] for row in cursor.fetchall()]
