"""Run the benchmarks in a throwaway province, print a table, write `bench/results.json`.

Django is set up by `bench/__main__.py` before this module is imported.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import time
from collections.abc import Iterator, Sequence
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import django
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from django_tenants.utils import get_public_schema_name, schema_context, tenant_context

from bench import Benchmark, Context, Result, faq, inbox, intake, migrations, oversight, progress, sweeper, voice
from cases import rules
from cases.defaults import defaults_ensure
from config.database import ensure_database
from tenants.models import Province
from tenants.registry import UnitKind, find_unit, wards_of

# Later issues add their measures here.
BENCHMARKS: dict[str, Benchmark] = {
    "intake": intake.bench_intake,
    "sweeper": sweeper.bench_sweeper,
    "inbox": inbox.bench_inbox,
    "voice": voice.bench_voice,
    "faq": faq.bench_faq,
    "oversight": oversight.bench_oversight,
    "migrations": migrations.bench_migrations,
}

RESULTS_PATH = Path(__file__).resolve().parent / "results.json"
SCHEMA = "bench"
# A handful of real wards is all routing needs; the whole province would only slow the setup.
WARD_SOURCE = "camau"
WARD_COUNT = 5


def main(argv: Sequence[str] | None = None) -> int:
    args = _arguments(argv)
    started, clock_start = datetime.now(UTC), time.perf_counter()
    _database_prepare()
    results: list[Result] = []
    with _bench_province() as context:
        for name in args.only or BENCHMARKS:
            progress(name)
            with tenant_context(context.province):
                results += BENCHMARKS[name](context)
    seconds = time.perf_counter() - clock_start
    _write(args.output, started=started, seconds=seconds, results=results)
    print(table(results))
    print(f"\nWhole run: {seconds:.1f} s. Written to {_shown(args.output)}.")
    return 0


def _arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description="Run the benchmarks.")
    names = ", ".join(BENCHMARKS)
    parser.add_argument("only", nargs="*", metavar="NAME", help=f"run only these (default: all of {names})")
    parser.add_argument("--output", type=Path, default=RESULTS_PATH, help="where to write the JSON results")
    args = parser.parse_args(argv)
    if unknown := sorted(set(args.only) - set(BENCHMARKS)):
        parser.error(f"unknown benchmark(s): {', '.join(unknown)}")
    return args


def _database_prepare() -> None:
    """Make `make bench` work on a fresh machine: the database and the public schema."""
    if ensure_database(connection.settings_dict):
        progress(f"created database {connection.settings_dict['NAME']}")
    call_command("migrate_schemas", shared=True, interactive=False, verbosity=0)


@contextlib.contextmanager
def _bench_province() -> Iterator[Context]:
    """A province of its own, so a run never touches a real one; dropped afterwards, even on failure."""
    _bench_province_drop()  # a leftover of an interrupted run
    progress(f"creating the {SCHEMA!r} province schema")
    with schema_context(get_public_schema_name()):
        province = Province(schema_name=SCHEMA, slug=SCHEMA, name="Bench", full_name="Bench")
        province.save(verbosity=0)  # creates and migrates the schema
    try:
        wards = wards_of(find_unit(WARD_SOURCE, kind=UnitKind.LEGACY))[:WARD_COUNT]
        with tenant_context(province):
            defaults_ensure(name="Bench", division_type="tỉnh", wards=wards)
        rules.rules_clear()
        yield Context(province=province, ward_codes=tuple(ward.code for ward in wards))
    finally:
        progress(f"dropping the {SCHEMA!r} province schema")
        _bench_province_drop()


def _bench_province_drop() -> None:
    with schema_context(get_public_schema_name()):
        for province in Province.objects.filter(schema_name=SCHEMA):
            province.delete(force_drop=True)
        # A run killed while the schema was being created leaves a schema without its row.
        with connection.cursor() as cursor:
            cursor.execute(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE")
    # Cached rules are keyed by schema name: a new schema of the same name must not see the old ids.
    rules.rules_clear()


# --- output -------------------------------------------------------------------------------------

COLUMNS = ("measure", "value", "unit", "baseline", "ratio", "goal", "ok")


def table(results: Sequence[Result]) -> str:
    """An aligned plain-text table; numbers right-aligned."""
    rows = [COLUMNS, *(_cells(result) for result in results)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(COLUMNS))]
    numeric = {1, 3, 4}

    def line(row: Sequence[str]) -> str:
        cells = (
            cell.rjust(width) if i in numeric else cell.ljust(width)
            for i, (cell, width) in enumerate(zip(row, widths, strict=True))
        )
        return "  ".join(cells).rstrip()

    rule = "  ".join("-" * width for width in widths)
    return "\n".join([line(rows[0]), rule, *(line(row) for row in rows[1:])])


def _cells(result: Result) -> tuple[str, ...]:
    ok = "" if result.ok is None else ("PASS" if result.ok else "FAIL")
    return (
        result.name,
        number(result.value),
        result.unit,
        number(result.baseline),
        "" if result.ratio is None else f"{result.ratio:.3f}",
        result.goal or "",
        ok,
    )


def number(value: float | None) -> str:
    if value is None:
        return ""
    if isinstance(value, int) or value >= 100:
        return f"{value:,.0f}"
    return f"{value:.3f}"


def _write(path: Path, *, started: datetime, seconds: float, results: Sequence[Result]) -> None:
    document = {
        "started_at": started.isoformat(timespec="seconds"),
        "seconds": round(seconds, 1),
        "machine": machine(),
        "results": [asdict(result) for result in results],
    }
    path.write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def machine() -> dict[str, Any]:
    """Enough to tell two runs' circumstances apart; no credentials."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('server_version'), current_setting('synchronous_commit')")
        server_version, synchronous_commit = cursor.fetchone()
    return {
        "python": platform.python_version(),
        "django": django.get_version(),
        "postgresql": server_version,
        "synchronous_commit": synchronous_commit,
        "database_embedded": settings.DATABASE_EMBEDDED,
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
    }


def _shown(path: Path) -> str:
    with contextlib.suppress(ValueError):
        return str(path.resolve().relative_to(Path.cwd()))
    return str(path)
