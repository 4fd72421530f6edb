"""Migrating 100 province schemas from zero with django-tenants' multiprocessing executor (`make migrate`),
against its standard executor, one schema after another, in the same run.

What `migrate_schemas --executor=multiprocessing` does after listing the provinces: the executor is handed
the schemas' names and migrates them in `TENANT_MULTIPROCESSING_MAX_PROCESSES` forked processes, taking
`TENANT_MULTIPROCESSING_CHUNKS` schemas at a time, with the options the command line gives it (system
checks included). Here it is handed 100 empty throwaway schemas (`bench_mig_001` …) instead of the
provinces', so that no province of the database is touched or counted. The standard executor migrates a
smaller sample, half before the parallel run and half after (the catalogue grows by some 600 relations
a schema, which slows introspection a little: each side gets its share), and each side's seconds per
schema are compared. Every schema must come out with no migration pending.

Beside them, what `province_provision --all-current` does instead of migrating each new province:
copy a migrated schema (`tenants.schemas.schema_clone`: `CREATE TABLE … (LIKE …)`, rows, keys, names,
the copy compared with its source object by object before it commits), one after another.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

from django.conf import settings
from django.db import connection

from django_tenants.management.commands.migrate_schemas import MigrateSchemasCommand
from django_tenants.migration_executors import get_executor
from django_tenants.utils import get_public_schema_name, schema_context

from bench import Context, Result, at_most, equal, progress
from tenants.schemas import migrations_pending, schema_clone

PREFIX = "bench_mig_"
SCHEMAS = 100
# The standard executor's sample, split before and after the parallel run.
BASELINE_SCHEMAS = 8
# Seconds per schema in parallel over seconds per schema one at a time: at most this with 2 processes
# or more (4 processes on 4 free cores come near 0.25; schema creation is CPU-bound on both sides).
GOAL_RATIO = 0.75
# Clones of the first migrated schema, and what each may cost against migrating one schema.
CLONES = 10
GOAL_CLONE_RATIO = 0.25


def bench_migrations(context: Context) -> list[Result]:
    with schema_context(get_public_schema_name()):
        _drop()  # a leftover of an interrupted run
        try:
            return _measure()
        finally:
            progress("migrations: dropping the bench schemas")
            _drop()


def _measure() -> list[Result]:
    parallel = _names(1, SCHEMAS)
    before = _names(SCHEMAS + 1, SCHEMAS + BASELINE_SCHEMAS // 2)
    after = _names(SCHEMAS + BASELINE_SCHEMAS // 2 + 1, SCHEMAS + BASELINE_SCHEMAS)
    _create(parallel + before + after)
    processes = settings.TENANT_MULTIPROCESSING_MAX_PROCESSES
    chunks = settings.TENANT_MULTIPROCESSING_CHUNKS

    progress(f"migrations: {len(before)} schemas, standard executor")
    standard_before = _migrate("standard", before)
    progress(f"migrations: {len(parallel)} schemas, multiprocessing executor ({processes} processes)")
    parallel_seconds = _migrate("multiprocessing", parallel)
    progress(f"migrations: {len(after)} schemas, standard executor")
    standard_after = _migrate("standard", after)

    standard_per_schema = (standard_before + standard_after) / (len(before) + len(after))
    parallel_per_schema = parallel_seconds / len(parallel)
    ratio = parallel_per_schema / standard_per_schema
    progress(f"migrations: {CLONES} clones of a migrated schema")
    clones = [f"{PREFIX}clone_{number:02d}" for number in range(1, CLONES + 1)]
    clone_per_schema = _clone(parallel[0], clones) / len(clones)
    clone_ratio = clone_per_schema / standard_per_schema
    incomplete = [name for name in parallel + before + after + clones if migrations_pending(name)]
    details = {
        "processes": processes,
        "chunks": chunks,
        "migrations_per_schema": _migrations_applied(parallel[0]),
        "standard_seconds": {"before": round(standard_before, 2), "after": round(standard_after, 2)},
        "standard_schemas": {"before": len(before), "after": len(after)},
    }
    return [
        Result(
            f"migrations: {SCHEMAS} schemas from zero, multiprocessing executor ({processes} processes)",
            parallel_seconds,
            "s",
            details=details,
        ),
        Result(
            "migrations: seconds per schema, multiprocessing against standard",
            parallel_per_schema,
            "s",
            baseline=standard_per_schema,
            ratio=ratio,
            **at_most(ratio, GOAL_RATIO),
        ),
        Result(
            "migrations: seconds per schema, a clone of a migrated schema against the standard executor",
            clone_per_schema,
            "s",
            baseline=standard_per_schema,
            ratio=clone_ratio,
            **at_most(clone_ratio, GOAL_CLONE_RATIO),
        ),
        Result(
            "migrations: schemas left with a migration pending", len(incomplete), "schemas", **equal(len(incomplete), 0)
        ),
    ]


def _names(first: int, last: int) -> list[str]:
    return [f"{PREFIX}{number:03d}" for number in range(first, last + 1)]


def _create(names: Sequence[str]) -> None:
    # Empty, as django-tenants leaves a province's schema before migrating it.
    with connection.cursor() as cursor:
        for name in names:
            cursor.execute(f'CREATE SCHEMA "{name}"')


def _migrate(codename: str, names: Sequence[str]) -> float:
    """The executor `migrate_schemas --executor=<codename>` would use, with the options its command line gives."""
    parser = MigrateSchemasCommand().create_parser("manage.py", "migrate_schemas")
    options = vars(parser.parse_args(["--noinput", "--verbosity", "0", "--executor", codename]))
    executor = get_executor(codename)((), options)
    started = time.perf_counter()
    executor.run_migrations(tenants=list(names))
    seconds = time.perf_counter() - started
    connection.set_schema_to_public()
    return seconds


def _clone(source: str, names: Sequence[str]) -> float:
    started = time.perf_counter()
    for name in names:
        schema_clone(source, name)
    return time.perf_counter() - started


def _migrations_applied(schema_name: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT count(*) FROM "{schema_name}".django_migrations')
        return cursor.fetchone()[0]


def _drop() -> None:
    """Every bench schema, one transaction each: some 600 relations a schema, which one DROP of them all
    would have to lock at once (beyond the server's default lock table)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT nspname FROM pg_namespace WHERE starts_with(nspname, %s) ORDER BY nspname", [PREFIX])
        for (name,) in cursor.fetchall():
            cursor.execute(f'DROP SCHEMA "{name}" CASCADE')
