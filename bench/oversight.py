"""The national overview over 34 provinces and a year of rollups, against the same figures from the cases.

The overview page reads only the rollups in the public schema (`oversight.selectors`: the province
comparison, the national totals and the daily trend). Without them each of its figures would be a
query over every province's `cases_case`: that query, one `UNION ALL` over the 34 schemas, is the
baseline, timed in the same run and checked to give the same figures.

Provinces made through `province_provision` with every migration would take minutes, so the 34 are
throwaway schemas `bench_ov_01` … `bench_ov_34` holding only what the baseline and the rollups read
(`cases_case`, `cases_category`, the voice day tables and, for their join, `cases_agency`), unlogged
copies of the bench province's tables (`LIKE … INCLUDING ALL`), each with a `Province` row in public
that creates no schema. The cases are written by one set-based statement per province and counted
into the rollups (by day, category and channel, and by whole day) by statements that group them as
`oversight.rollups` does: the real code takes over a second per 10,000 cases, most of it in its
`bulk_create`, seven minutes for the country. It does run on one province, whose rows must come
out the same, before anything is timed.
"""

from __future__ import annotations

import contextlib
import statistics
import time
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from typing import Any, TypeVar

from django.apps import apps
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Sum
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from django_tenants.utils import get_public_schema_name, schema_context, tenant_context

from bench import Context, Result, at_least, equal, progress
from bench.inbox import _variants
from cases.demo import ANSWERS, CHANNEL_WEIGHTS
from cases.models import OPEN_STATES, Agency, Case, CaseStatus, Category
from cases.sla import VN_TZ
from channels.voice.measures import day_bounds
from channels.voice.models import TransferDay, VoiceDay
from oversight import selectors
from oversight.models import BUCKET_COUNT, MINUTE_BUCKETS, CallDay, CaseDay, ProvinceDay, RollupState
from oversight.rollups import rollups_refresh
from oversight.selectors import CASE_SUMS, Scope
from tenants.models import Province

PROVINCES = 34
PREFIX = "bench_ov_"
# Reports a day. A normal province's line takes 500–700; a third of that (150 to 300) and two
# metropolises at 900 make about 9,000 a day and 3.3 million in the year, which two cores write
# in under three minutes.
DAILY_REPORTS = (900, 900, *(150 + (k * 47) % 151 for k in range(PROVINCES - 2)))
# Calls offered a day per report: many calls end in the menu or in an answer and leave no report.
CALLS_PER_REPORT = 1.3
YEAR = timedelta(days=365)
GOAL_RATIO = 20.0
# Interleaved pairs (overview, UNION ALL), the order swapped every pair, after the check has run each once.
ROUNDS = 8
# A baseline that takes tens of seconds must not hold the run: stop after this, once MIN_ROUNDS are done.
ROUNDS_SECONDS = 180.0
MIN_ROUNDS = 3
# A scope short enough that reading the rollups through their (day, province) index beats a scan.
SHORT_DAYS = 30
# What each bench schema holds: the baseline reads the first two, rollups_refresh the others too.
TABLES = (
    Case._meta.db_table,
    Category._meta.db_table,
    Agency._meta.db_table,
    VoiceDay._meta.db_table,
    TransferDay._meta.db_table,
)
# Every national rollup (a province and a day): whatever the overview reads, the set-up fills
# and the clean-up empties. RollupState, a province's bookmark, is emptied with them.
ROLLUPS = tuple(
    model
    for model in apps.get_app_config("oversight").get_models()
    if {"province", "day"} <= {field.name for field in model._meta.fields}
)
ROLLUP_TABLES = tuple(model._meta.db_table for model in ROLLUPS)
# The rollups the set-up writes, and the real code's rows are compared with.
WRITTEN = (CaseDay, ProvinceDay, CallDay)
# A sequential scan over a rollup table this large wants a reason.
LARGE_TABLE_ROWS = 100_000
# The province whose rollups are also counted by `rollups_refresh` itself, to hold the SQL to it:
# one of the smallest, since the real code takes over a second per 10,000 cases.
VERIFIED = 2

# One province's year of reports. Each case's fate follows from three dice: when it came in, how
# fast it was answered and resolved (as shares of its targets) and what became of it; its status,
# timestamps and the sweeper's marks are then what they would be at T0. `spread` sets how often a
# province resolves late (5 % to 30 %); one case in a hundred is left lying for weeks, three in a
# thousand all year, so that "open and overdue" runs through the whole year, not only its end.
FILL = """
    WITH dice AS (
        SELECT
            i,
            1 + mod(i, %(variant_count)s) AS v,
            hashint4(i + %(seed)s)::bigint + 2147483648 AS d1,
            hashint4(-i - %(seed)s)::bigint + 2147483648 AS d2,
            hashint4((i + %(seed)s) # 1431655765)::bigint + 2147483648 AS d3,
            %(t0)s::timestamptz AS t0
        FROM generate_series(1, %(count)s) AS i
    ),
    spec AS (
        SELECT
            *,
            t0 - interval '1 minute' - mod(d1, 1000000)::float8 / 1000000 * %(year)s AS received,
            0.1 + mod(d2 / 1000, 1000)::float8 / 1000 AS response_pace,
            CASE
                WHEN mod(d2, 1000) < 3 THEN 1000.0
                WHEN mod(d2, 1000) < 13 THEN 20.0
                ELSE 0.1 + mod(d1 / 1000000, 1000)::float8 / 1000 * %(spread)s
            END AS pace,
            -- Under 6: rejected; under 30: answered by the operator, never forwarded.
            mod(d2 / 1000000, 100) AS fate,
            (%(response_minutes)s::int[])[v] * interval '1 minute' AS response_target,
            (%(resolution_minutes)s::int[])[v] * interval '1 minute' AS resolution_target
        FROM dice
    ),
    timeline AS (
        SELECT
            *,
            received + response_pace * response_target AS response_done,
            received + response_pace * response_target + pace * resolution_target AS resolution_done
        FROM spec
    ),
    states AS (
        SELECT
            *,
            CASE WHEN response_done <= t0 THEN response_done END AS responded,
            CASE
                WHEN response_done > t0 THEN 'new'
                WHEN fate < 6 THEN 'rejected'
                WHEN resolution_done + interval '2 hours' <= t0 THEN 'closed'
                WHEN resolution_done <= t0 THEN 'answered'
                WHEN mod(d3 / 100, 10) < 2 THEN 'waiting_reporter'
                WHEN mod(d3 / 100, 10) < 5 OR fate < 30 THEN 'in_progress'
                ELSE 'forwarded'
            END AS status
        FROM timeline
    ),
    ends AS (
        SELECT
            *,
            CASE
                WHEN status IN ('answered', 'closed') THEN resolution_done
                WHEN status = 'rejected' THEN responded
            END AS resolved,
            CASE
                WHEN status = 'closed' THEN resolution_done + interval '2 hours'
                WHEN status = 'rejected' THEN responded
            END AS closed,
            received + response_target AS response_due,
            received + 0.8 * response_target AS response_risk,
            received + resolution_target AS resolution_due,
            received + 0.8 * resolution_target AS resolution_risk
        FROM states
    )
    INSERT INTO {schema}.cases_case (
        tracking_code, channel, provider_id, category_id, priority, is_emergency, description,
        ward_id, address, status, agency_id, resolution, received_at, created_at, updated_at,
        forwarded_at, answered_at, closed_at, paused_at, response_due_at, resolution_due_at,
        response_risk_at, resolution_risk_at, responded_at, resolved_at,
        response_at_risk_since, response_breached_since, resolution_at_risk_since, resolution_breached_since,
        search_text
    )
    SELECT
        lpad(i::text, 9, '0'),
        (%(channels)s::text[])[1 + mod(d3, 100)],
        '',
        (%(categories)s::bigint[])[v],
        CASE WHEN mod(d3 / 1000, 10) = 0 THEN 'high' ELSE 'normal' END,
        (%(emergencies)s::boolean[])[v],
        (%(descriptions)s::text[])[v],
        (%(wards)s::bigint[])[v],
        (%(addresses)s::text[])[v],
        status,
        (%(agencies)s::bigint[])[v],
        CASE
            WHEN status IN ('answered', 'closed') THEN (%(answers)s::text[])[1 + mod(i, %(answer_count)s)]
            WHEN status = 'rejected' THEN %(rejection)s
            ELSE ''
        END,
        received,
        received,
        coalesce(closed, resolved, responded, received),
        CASE WHEN responded IS NOT NULL AND fate >= 30 THEN responded END,
        CASE WHEN status IN ('answered', 'closed') THEN resolved END,
        closed,
        CASE WHEN status = 'waiting_reporter' THEN least(responded + interval '1 hour', t0) END,
        response_due,
        resolution_due,
        response_risk,
        resolution_risk,
        responded,
        resolved,
        -- The marks the sweeper would have set while each clock ran.
        CASE WHEN coalesce(responded, t0) >= response_risk THEN response_risk END,
        CASE WHEN coalesce(responded, t0) >= response_due THEN response_due END,
        CASE WHEN coalesce(resolved, t0) >= resolution_risk THEN resolution_risk END,
        CASE WHEN coalesce(resolved, t0) >= resolution_due THEN resolution_due END,
        (%(search_texts)s::text[])[v]
    FROM ends
"""

# The province's call-centre days, as `channels.voice.measures` would have stored them.
CALLS_FILL = """
    INSERT INTO {schema}.hotline_channels_voiceday (
        date, offered, answered, self_service, missed, queued, queue_answered, queue_abandoned,
        answered_within_target, queue_wait_answered, callbacks_created, updated_at
    )
    SELECT
        day, offered, queue_answered, self_service, offered - queue_answered - self_service, queued,
        queue_answered, queued - queue_answered, (queue_answered * 0.8)::int, queue_answered * 18,
        (queued - queue_answered) / 2, %(t0)s
    FROM (
        SELECT
            day,
            offered,
            (offered * 0.15)::int AS self_service,
            (offered * 0.8)::int AS queued,
            (offered * 0.8 * (0.8 + mod(die, 150)::float8 / 1000))::int AS queue_answered
        FROM (
            SELECT
                d::date AS day,
                (%(calls)s * (0.8 + mod(die, 400)::float8 / 1000))::int AS offered,
                die
            FROM generate_series(%(first)s::date, %(last)s::date, interval '1 day') AS d,
                LATERAL (SELECT hashint4((d::date - date '2000-01-01') + %(seed)s)::bigint + 2147483648 AS die) AS h
        ) AS days
    ) AS calls
"""

# One province's reports counted into `oversight_caseday` as `oversight.rollups._case_rows` counts
# them: per local day received, national category and channel. A time's bucket is
# `bisect_left(MINUTE_BUCKETS, minutes)`, the number of bounds below it: BUCKET_COUNT - 1 less the
# number at or above it, which `width_bucket` counts over the negated bounds in ascending order.
CASE_ROLLUP = """
    INSERT INTO public.oversight_caseday (
        province_id, day, national_category, channel, received, forwarded, closed, closed_on_time,
        open_overdue, emergency, response_minutes, resolution_minutes, updated_at
    )
    SELECT
        %(province)s,
        day,
        national_code,
        channel,
        count(*),
        count(forwarded_at),
        count(*) FILTER (WHERE status = %(closed)s),
        count(*) FILTER (WHERE status = %(closed)s AND resolved_at <= resolution_due_at),
        count(*) FILTER (
            WHERE status = ANY(%(open)s)
                AND (response_breached_since IS NOT NULL OR resolution_breached_since IS NOT NULL)
        ),
        count(*) FILTER (WHERE is_emergency),
        ARRAY[{response}]::int[],
        ARRAY[{resolution}]::int[],
        %(now)s
    FROM (
        SELECT
            c.*,
            k.national_code,
            (c.received_at AT TIME ZONE %(zone)s)::date AS day,
            %(last)s - width_bucket(-extract(epoch FROM c.responded_at - c.received_at), %(bounds)s::numeric[])
                AS response_bucket,
            %(last)s - width_bucket(-extract(epoch FROM c.resolved_at - c.received_at), %(bounds)s::numeric[])
                AS resolution_bucket
        FROM {schema}.cases_case AS c JOIN {schema}.cases_category AS k ON k.id = c.category_id
    ) AS cases
    GROUP BY day, national_code, channel
"""

# The bench provinces' whole days: their rows by category and channel summed, histograms bucket by bucket.
PROVINCE_ROLLUP = """
    INSERT INTO public.oversight_provinceday (
        province_id, day, received, forwarded, closed, closed_on_time, open_overdue, emergency,
        response_minutes, resolution_minutes, updated_at
    )
    SELECT
        province_id, day, sum(received), sum(forwarded), sum(closed), sum(closed_on_time), sum(open_overdue),
        sum(emergency), ARRAY[{response}]::int[], ARRAY[{resolution}]::int[], %(now)s
    FROM public.oversight_caseday
    WHERE province_id = ANY(%(provinces)s)
    GROUP BY province_id, day
"""

CALL_ROLLUP = """
    INSERT INTO public.oversight_callday (
        province_id, day, offered, answered, self_service, missed, queued, queue_answered, queue_abandoned,
        answered_within_target, queue_wait_answered, callbacks_created, updated_at
    )
    SELECT
        %(province)s, date, offered, answered, self_service, missed, queued, queue_answered, queue_abandoned,
        answered_within_target, queue_wait_answered, callbacks_created, %(now)s
    FROM {schema}.hotline_channels_voiceday
"""

# One province's part of the baseline: its cases received in the scope, with their category.
UNION_PART = """
    SELECT
        {province_id} AS province_id, k.national_code, c.received_at, c.status, c.is_emergency, c.forwarded_at,
        c.resolved_at, c.resolution_due_at, c.response_breached_since, c.resolution_breached_since
    FROM {schema}.cases_case AS c JOIN {schema}.cases_category AS k ON k.id = c.category_id
    WHERE c.received_at >= %(start)s AND c.received_at < %(end)s
"""

# The overview's report figures counted as `oversight.rollups` counts them, per province and per
# local day, in one pass: GROUPING(day) = 1 marks a province's totals, GROUPING(province_id) a day's.
UNION_SQL = """
    SELECT
        GROUPING(day) = 1 AS per_province,
        province_id,
        day,
        count(*) AS received,
        count(*) FILTER (WHERE forwarded_at IS NOT NULL) AS forwarded,
        count(*) FILTER (WHERE status = %(closed)s) AS closed,
        count(*) FILTER (WHERE status = %(closed)s AND resolved_at <= resolution_due_at) AS closed_on_time,
        count(*) FILTER (
            WHERE status = ANY(%(open)s)
                AND (response_breached_since IS NOT NULL OR resolution_breached_since IS NOT NULL)
        ) AS open_overdue,
        count(*) FILTER (WHERE is_emergency) AS emergency
    FROM (
        SELECT cases.*, (received_at AT TIME ZONE %(zone)s)::date AS day
        FROM ({parts}) AS cases
    ) AS cases
    GROUP BY GROUPING SETS ((province_id), (day))
"""
TREND_SUMS = ("received", "closed", "open_overdue")


def bench_oversight(context: Context) -> list[Result]:
    t0 = timezone.now().replace(second=0, microsecond=0)
    today = t0.astimezone(VN_TZ).date()
    scope = Scope(start=today - timedelta(days=364), end=today)
    _drop()  # a leftover of an interrupted run
    try:
        provinces = _provinces()
        fill_seconds, vacuum_seconds, counts = _fill(context.province.schema_name, provinces, t0)
        rollup_seconds = _rollups(provinces)
        verified = provinces[VERIFIED]
        refresh_seconds = _rollups_verified(verified)
        rollup_rows = _rollups_vacuumed()
        setup = [
            Result(
                f"oversight: fill {sum(counts.values()):,} cases in {PROVINCES} schemas",
                fill_seconds,
                "s",
                details={
                    "t0": t0.isoformat(),
                    "reports_a_day": dict(zip((p.schema_name for p in provinces), DAILY_REPORTS, strict=True)),
                    "vacuum_analyze_seconds": round(vacuum_seconds, 2),
                },
            ),
            Result(f"oversight: rollups of {PROVINCES} provinces, set-based", rollup_seconds, "s", details=rollup_rows),
            Result(
                f"oversight: rollups_refresh(rebuild=True) of {verified.schema_name}, {counts[verified.pk]:,} cases",
                refresh_seconds,
                "s",
                details={"same_rows_as_the_set_based_rollups": True},
            ),
        ]
        return setup + _measure(provinces, scope, counts)
    finally:
        progress("oversight: dropping the bench schemas, provinces and rollups")
        _drop()


# --- set-up ---------------------------------------------------------------------------------------


def _provinces() -> list[Province]:
    """The provinces' rows in public; their schemas are made by `_fill`, not by django-tenants."""
    provinces = []
    with schema_context(get_public_schema_name()):
        for number in range(1, PROVINCES + 1):
            province = Province(
                schema_name=f"{PREFIX}{number:02d}",
                slug=f"bench-ov-{number:02d}",
                name=f"Bench {number:02d}",
                full_name=f"Bench province {number:02d}",
            )
            province.auto_create_schema = False
            province.save(verbosity=0)
            provinces.append(province)
    return provinces


def _fill(source: str, provinces: list[Province], t0: datetime) -> tuple[float, float, dict[int, int]]:
    """Each province's schema, cases and call days: the seconds the writing and the VACUUM took, and the counts."""
    params = {**_variants(), **_constants(t0)}
    first_day = (t0 - YEAR).astimezone(VN_TZ).date()
    counts = {}
    start = time.perf_counter()
    for index, (province, daily) in enumerate(zip(provinces, DAILY_REPORTS, strict=True)):
        schema = province.schema_name
        counts[province.pk] = count = daily * YEAR.days
        progress(f"oversight: {schema}, {count:,} cases")
        with transaction.atomic(), connection.cursor() as cursor:
            # The fill's long array constants cost the JIT seconds per statement (8 s of 10 at 100,000 rows).
            cursor.execute("SET LOCAL jit = off")
            cursor.execute(f"CREATE SCHEMA {schema}")
            # Unlogged: the tables are thrown away, and the 4 GB of WAL the cases would write made the
            # fill a quarter slower. Their pages are read like any table's.
            for table in TABLES:
                cursor.execute(f"CREATE UNLOGGED TABLE {schema}.{table} (LIKE {source}.{table} INCLUDING ALL)")
            # The same categories, with the same ids, as the bench province whose texts the cases quote.
            cursor.execute(f"INSERT INTO {schema}.cases_category SELECT * FROM {source}.cases_category")
            seed = (index + 1) * 10_000_000
            cursor.execute(
                FILL.format(schema=schema), {**params, "count": count, "seed": seed, "spread": 0.95 + index % 8 * 0.05}
            )
            cursor.execute(
                CALLS_FILL.format(schema=schema),
                {
                    "t0": t0,
                    "first": first_day,
                    "last": t0.astimezone(VN_TZ).date(),
                    "seed": seed,
                    "calls": daily * CALLS_PER_REPORT,
                },
            )
    inserted = time.perf_counter()
    # Statistics for the planner, hint bits and the visibility map, as on tables autovacuum has
    # long visited: the baseline should not pay for the load.
    progress("oversight: VACUUM ANALYZE")
    with connection.cursor() as cursor:
        for province in provinces:
            cursor.execute(f"VACUUM (ANALYZE) {province.schema_name}.cases_case, {province.schema_name}.cases_category")
    return inserted - start, time.perf_counter() - inserted, counts


def _constants(t0: datetime) -> dict[str, Any]:
    # One entry per percent of reports, so that a die of 100 faces draws channels with their weights.
    channels = [channel.value for channel, weight in CHANNEL_WEIGHTS.items() for _ in range(weight)]
    assert len(channels) == 100, "channel weights must add up to 100"
    return {
        "t0": t0,
        "year": YEAR,
        "channels": channels,
        "answers": list(ANSWERS),
        "answer_count": len(ANSWERS),
        "rejection": "Nội dung không thuộc phạm vi tiếp nhận của 1022.",
    }


def _rollups(provinces: list[Province]) -> float:
    """Every province's reports and calls counted into the rollups, as a rebuild would, by one statement each."""
    progress(f"oversight: rollups of {PROVINCES} provinces")
    params = {
        "closed": CaseStatus.CLOSED.value,
        "open": [status.value for status in OPEN_STATES],
        "zone": VN_TZ.key,
        "last": BUCKET_COUNT - 1,
        "bounds": sorted(-60 * bound for bound in MINUTE_BUCKETS),
        "now": timezone.now(),
    }
    buckets = {
        name: ", ".join(f"count(*) FILTER (WHERE {name}_bucket = {index})" for index in range(BUCKET_COUNT))
        for name in ("response", "resolution")
    }
    summed = {
        name: ", ".join(f"sum({name}_minutes[{index}])" for index in range(1, BUCKET_COUNT + 1))
        for name in ("response", "resolution")
    }
    start = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL jit = off")
        for province in provinces:
            schema, own = province.schema_name, {**params, "province": province.pk}
            cursor.execute(CASE_ROLLUP.format(schema=schema, **buckets), own)
            cursor.execute(CALL_ROLLUP.format(schema=schema), own)
        cursor.execute(PROVINCE_ROLLUP.format(**summed), {**params, "provinces": [p.pk for p in provinces]})
    return time.perf_counter() - start


def _rollups_vacuumed() -> dict[str, int]:
    """Statistics and the visibility map for the overview's plans, as autovacuum would leave them; the rows."""
    rows = {}
    with schema_context(get_public_schema_name()), connection.cursor() as cursor:
        cursor.execute(f"VACUUM (ANALYZE) {', '.join(ROLLUP_TABLES)}")
        for table in ROLLUP_TABLES:
            cursor.execute(f"SELECT count(*) FROM {table}")
            rows[table] = cursor.fetchone()[0]
    return rows


def _rollups_verified(province: Province) -> float:
    """Recount one province with the real code: its rows must be the set-based ones. Returns its seconds."""
    progress(f"oversight: rollups_refresh(rebuild=True) of {province.schema_name}, against the set-based rows")
    before = _rollup_rows(province)
    start = time.perf_counter()
    with tenant_context(province):
        rollups_refresh(rebuild=True)
    seconds = time.perf_counter() - start
    after = _rollup_rows(province)
    for model in WRITTEN:
        if before[model] != after[model]:
            raise AssertionError(
                f"{model.__name__} of {province.schema_name}: the set-based rows differ from rollups_refresh's, "
                f"e.g. {sorted(before[model] - after[model])[:2]} against {sorted(after[model] - before[model])[:2]}"
            )
    return seconds


def _rollup_rows(province: Province) -> dict[type, set[tuple]]:
    """The province's rollup rows as comparable tuples: every field but the key and the time of counting."""
    rows = {}
    with schema_context(get_public_schema_name()):
        for model in WRITTEN:
            fields = [f.attname for f in model._meta.concrete_fields if f.attname not in ("id", "updated_at")]
            rows[model] = {
                tuple(tuple(value) if isinstance(value, list) else value for value in row)
                for row in model.objects.filter(province=province).values_list(*fields)
            }
    return rows


def _drop() -> None:
    """The bench provinces' rollups, rows and schemas, and the cache keys their saving left behind."""
    with schema_context(get_public_schema_name()):
        provinces = list(Province.objects.filter(schema_name__startswith=PREFIX))
        for model in (*ROLLUPS, RollupState):
            model.objects.filter(province__in=provinces).delete()
        for province in provinces:
            province.delete(force_drop=True)
        with connection.cursor() as cursor:
            # A run killed while the schemas were being made leaves schemas without their row.
            cursor.execute("SELECT nspname FROM pg_namespace WHERE starts_with(nspname, %s)", [PREFIX])
            for (schema,) in cursor.fetchall():
                cursor.execute(f"DROP SCHEMA {schema} CASCADE")
            # The million rows just deleted would otherwise still be there for the next run's scans to
            # read past (autovacuum may not have come by): the rollups would grow by a run's worth each time.
            cursor.execute(f"VACUUM {', '.join(ROLLUP_TABLES)}")
    # Saving and deleting a province purges its page cache, which leaves a generation under its schema.
    for number in range(1, PROVINCES + 1):
        with schema_context(f"{PREFIX}{number:02d}"):
            cache.delete_pattern("cms:*")


# --- measures -------------------------------------------------------------------------------------


def _measure(provinces: list[Province], scope: Scope, counts: dict[int, int]) -> list[Result]:
    sql, params = _union(provinces, scope)
    with schema_context(get_public_schema_name()):
        # Once with PostgreSQL's defaults, JIT on: for the record, and as the warm-up of the rounds.
        progress("oversight: the overview and the UNION ALL once, and their figures compared")
        with_jit, overview = _timed(lambda: _overview(scope))
        with_jit_union, union = _timed(lambda: _fetch(sql, params))
        checked = _check(provinces, scope, overview, union)
        with _jit_off():
            with CaptureQueriesContext(connection) as captured:
                _overview(scope)
            progress(f"oversight: {ROUNDS} interleaved rounds of the overview and of the UNION ALL")
            samples = _rounds({"overview": lambda: _overview(scope), "union": lambda: _fetch(sql, params)})
            year_plans = _plans(captured.captured_queries)
            short_scope = Scope(start=scope.end - timedelta(days=SHORT_DAYS - 1), end=scope.end)
            with CaptureQueriesContext(connection) as short_captured:
                _overview(short_scope)
            short_plans = _plans(short_captured.captured_queries)
            union_plan = _explain(sql, params)
        sizes = _sizes(provinces)
    overview_ms, union_ms = (statistics.median(samples[name]) for name in ("overview", "union"))
    ratio = union_ms / overview_ms
    year_scans, short_scans = _large_seq_scans(year_plans), _large_seq_scans(short_plans)
    in_scope = _rollup_share(scope)
    return [
        Result(
            f"oversight: UNION ALL over {PROVINCES} schemas, {sum(counts.values()):,} cases, median",
            union_ms,
            "ms",
            details={
                "rounds_ms": [round(value, 1) for value in samples["union"]],
                "sql": sql,
                "plan": _plan_outline(union_plan["Plan"]),
                "execution_ms": round(union_plan["Execution Time"], 1),
                "first_run_with_jit_ms": round(with_jit_union, 1),
                "sizes": sizes,
            },
        ),
        Result(
            f"oversight: overview from the rollups, {(scope.end - scope.start).days + 1} days, median",
            overview_ms,
            "ms",
            baseline=union_ms,
            ratio=ratio,
            **at_least(ratio, GOAL_RATIO),
            details={
                "ratio": "the UNION ALL's median over the overview's",
                "rounds_ms": [round(value, 1) for value in samples["overview"]],
                "scope": [scope.start.isoformat(), scope.end.isoformat()],
                "first_run_with_jit_ms": round(with_jit, 1),
                "checked": checked,
            },
        ),
        Result(
            "oversight: overview, queries",
            len(captured.captured_queries),
            "queries",
            details={"queries": year_plans},
        ),
        # Over the whole year a scan of a large rollup would be right: the scope holds all but a day of
        # its rows, which the (day, province) index would visit at random. Hence no goal here.
        Result(
            f"oversight: overview plan, {(scope.end - scope.start).days + 1} days, seq scans on large rollups",
            len(year_scans),
            "nodes",
            details={
                "seq_scans": year_scans,
                "rows_in_scope": in_scope,
                "why": "the scope holds nearly every row: a scan reads them in order, the index would at random",
            },
        ),
        Result(
            f"oversight: overview plan, last {SHORT_DAYS} days, seq scans on large rollups",
            len(short_scans),
            "nodes",
            **equal(len(short_scans), 0),
            details={
                "seq_scans": short_scans,
                "rows_in_scope": _rollup_share(short_scope),
                "queries": short_plans,
            },
        ),
    ]


def _overview(scope: Scope) -> tuple[list[selectors.ProvinceFigures], selectors.Figures, list[selectors.DayFigures]]:
    """What the national overview page shows: every province compared, the nation's totals and the trend."""
    rows = selectors.comparison(scope)
    return rows, selectors.national(rows), selectors.trend(scope)


def _union(provinces: list[Province], scope: Scope) -> tuple[str, dict[str, Any]]:
    parts = " UNION ALL ".join(
        UNION_PART.format(province_id=int(province.pk), schema=province.schema_name) for province in provinces
    )
    params = {
        "start": day_bounds(scope.start)[0],
        "end": day_bounds(scope.end)[1],
        "closed": CaseStatus.CLOSED.value,
        "open": [status.value for status in OPEN_STATES],
        "zone": VN_TZ.key,
    }
    return UNION_SQL.format(parts=parts), params


T = TypeVar("T")


def _timed(call: Callable[[], T]) -> tuple[float, T]:
    start = time.perf_counter()
    result = call()
    return (time.perf_counter() - start) * 1000, result


@contextlib.contextmanager
def _jit_off() -> Iterator[None]:
    """The rounds and plans without JIT, on both sides.

    With PostgreSQL's default (JIT on above a cost), compiling the UNION ALL's 34 parts takes about
    5 s of its 8 (under 3 s without); the overview takes the same either way. Compiling is no part
    of counting the reports, and would flatter the rollups threefold.
    """
    with connection.cursor() as cursor:
        cursor.execute("SET jit = off")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET jit")


def _fetch(sql: str, params: Any) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _rounds(calls: dict[str, Callable[[], object]]) -> dict[str, list[float]]:
    """Milliseconds per call, in pairs whose order swaps, so that a drift of the machine hits both alike.

    The check has just run each once: that was the warm-up.
    """
    samples: dict[str, list[float]] = {name: [] for name in calls}
    names = list(calls)
    start = time.perf_counter()
    for index in range(ROUNDS):
        if index >= MIN_ROUNDS and time.perf_counter() - start > ROUNDS_SECONDS:
            break
        for name in names if index % 2 == 0 else names[::-1]:
            clock_start = time.perf_counter()
            calls[name]()
            samples[name].append((time.perf_counter() - clock_start) * 1000)
    return samples


def _check(provinces: list[Province], scope: Scope, overview, union: list[tuple]) -> dict[str, int]:
    """The overview's figures must be the baseline's: fail the run, loudly, at the first difference."""
    rows, total, trend = overview
    by_province = {row[1]: dict(zip(CASE_SUMS, row[3:], strict=True)) for row in union if row[0]}
    by_day = {row[2]: dict(zip(CASE_SUMS, row[3:], strict=True)) for row in union if not row[0]}
    bench_ids = {province.pk for province in provinces}
    shown = {row.province.pk: row.figures for row in rows}
    differences = []
    if missing := bench_ids - set(shown):
        differences.append(f"provinces missing from the comparison: {sorted(missing)}")
    for province in provinces:
        expected = by_province.get(province.pk, dict.fromkeys(CASE_SUMS, 0))
        figures = shown.get(province.pk)
        got = {name: getattr(figures, name) for name in CASE_SUMS} if figures else {}
        if got != expected:
            differences.append(f"{province.schema_name}: overview {got}, UNION ALL {expected}")
    # The nation and the trend also count any other province's rollups in the scope (none in a fresh database).
    others = CaseDay.objects.filter(scope.case_filter()).exclude(province__in=bench_ids)
    other_total = others.aggregate(**{name: Sum(name) for name in CASE_SUMS})
    other_days = {
        row["day"]: row for row in others.values("day").annotate(**{name: Sum(name) for name in TREND_SUMS}).order_by()
    }
    for name in CASE_SUMS:
        expected = sum(figures[name] for figures in by_province.values()) + (other_total[name] or 0)
        if getattr(total, name) != expected:
            differences.append(f"national {name}: overview {getattr(total, name)}, UNION ALL {expected}")
    trend_days = {row.day: {name: getattr(row, name) for name in TREND_SUMS} for row in trend if row.received}
    expected_days = {
        day: {name: by_day.get(day, {}).get(name, 0) + other_days.get(day, {}).get(name, 0) for name in TREND_SUMS}
        for day in set(by_day) | set(other_days)
    }
    for day in sorted(set(trend_days) | set(expected_days)):
        if trend_days.get(day) != expected_days.get(day):
            differences.append(f"trend {day}: overview {trend_days.get(day)}, UNION ALL {expected_days.get(day)}")
    if differences:
        raise AssertionError(
            f"the overview and the UNION ALL disagree ({len(differences)}): " + "; ".join(differences[:10])
        )
    return {
        "provinces": len(provinces),
        "days": len(expected_days),
        "figures": len(provinces) * len(CASE_SUMS) + len(CASE_SUMS) + len(expected_days) * len(TREND_SUMS),
        "received": total.received,
    }


# --- plans ----------------------------------------------------------------------------------------


def _plans(queries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each query the overview ran; those on the rollups with their plan as run, its scans and indexes."""
    found = []
    for query in queries:
        entry: dict[str, Any] = {"sql": query["sql"], "ms": round(float(query["time"]) * 1000, 1)}
        if any(table in query["sql"] for table in ROLLUP_TABLES):
            plan = _explain(query["sql"], None)["Plan"]
            entry["seq_scans"] = [
                {"table": node["Relation Name"], "rows": node["Actual Rows"] * node["Actual Loops"]}
                for node in _nodes(plan)
                if node["Node Type"] == "Seq Scan" and node.get("Relation Name") in ROLLUP_TABLES
            ]
            entry["indexes"] = sorted({node["Index Name"] for node in _nodes(plan) if "Index Name" in node})
            entry["plan"] = _plan_outline(plan)
        found.append(entry)
    return found


def _large_seq_scans(plans: list[dict[str, Any]]) -> list[dict[str, Any]]:
    sizes = _table_rows()
    return [scan for plan in plans for scan in plan.get("seq_scans", ()) if sizes[scan["table"]] >= LARGE_TABLE_ROWS]


def _table_rows() -> dict[str, int]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT relname, reltuples::bigint FROM pg_class WHERE relname = ANY(%s)", [list(ROLLUP_TABLES)])
        return dict(cursor.fetchall())


def _rollup_share(scope: Scope) -> dict[str, dict[str, Any]]:
    """How many of each rollup's rows the scope holds: what decides between its index and a scan."""
    shares = {}
    for model in ROLLUPS:
        in_scope, total = model.objects.filter(scope.day_filter()).count(), model.objects.count()
        shares[model._meta.db_table] = {
            "rows": in_scope,
            "of": total,
            "share": round(in_scope / total, 4) if total else None,
        }
    return shares


def _sizes(provinces: list[Province]) -> dict[str, int]:
    """Bytes on disk (tables, TOAST and indexes) of what each side reads."""
    tables = [f"{province.schema_name}.cases_case" for province in provinces]
    with connection.cursor() as cursor:
        cursor.execute("SELECT sum(pg_total_relation_size(t::regclass))::bigint FROM unnest(%s::text[]) AS t", [tables])
        sizes = {"cases_case": cursor.fetchone()[0]}
        for table in ROLLUP_TABLES:
            cursor.execute("SELECT pg_total_relation_size(%s::regclass)", [table])
            sizes[table] = cursor.fetchone()[0]
    return sizes


def _explain(sql: str, params: Any) -> dict[str, Any]:
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) {sql}", params)
        return cursor.fetchone()[0][0]


def _nodes(node: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield node
    for child in node.get("Plans", ()):
        yield from _nodes(child)


def _plan_outline(plan: dict[str, Any], depth: int = 0) -> list[str]:
    """One line per node: type, relation or index, and the rows it returned, as EXPLAIN's text form."""
    target = plan.get("Index Name") or plan.get("Relation Name") or ""
    lines = [f"{'  ' * depth}{plan['Node Type']} {target}".rstrip() + f" (rows={plan.get('Actual Rows')})"]
    for child in plan.get("Plans", ()):
        lines += _plan_outline(child, depth + 1)
    return lines
