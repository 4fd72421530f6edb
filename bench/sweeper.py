"""One deadline-sweeper pass over 1,000,000 open cases in one province.

The cases are written by one set-based statement, with deadlines laid out so that each
pass has a known amount of work:

- 1 % of the cases cross a threshold in the minute after T0: the measured pass at T0 + 1 min;
- 1 % are already at risk at T0 and 1 % already overdue: the backlog the catch-up pass at
  T0 clears, as after a worker outage;
- the rest are due hours to days after T0 and must cost the pass nothing.
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta

from django.db import connection
from django.utils import timezone

from bench import Context, Result, below, equal, progress
from cases.defaults import CATEGORIES
from cases.models import Agency, Category
from cases.sweeper import SweepResult, sla_sweep

OPEN_CASES = 1_000_000
GOAL_SECONDS = 5.0
STEP = timedelta(minutes=1)
# Buckets of 1 % of the cases each, by case number (not random), so every run has the same work.
CROSSING_BUCKET, AT_RISK_BUCKET, OVERDUE_BUCKET = 0, 1, 2

# The active clock is the response clock of a NEW case and the resolution clock of the others
# (the sweeper only looks at a response clock while the case is NEW). Only the active clock
# crosses anything, so a crossing case gets exactly one mark in the measured pass.
FILL = """
    WITH spec AS (
        SELECT
            i,
            CASE WHEN mod(i, 10) < 5 THEN 'new' WHEN mod(i, 10) < 8 THEN 'forwarded' ELSE 'in_progress' END AS status,
            mod(i / 10, 100) AS bucket,
            %(t0)s::timestamptz - interval '20 minutes' - mod(i, 4320) * interval '1 minute' AS received
        FROM generate_series(1, %(count)s) AS i
    ),
    clocks AS (
        SELECT
            *,
            CASE
                WHEN bucket = %(crossing)s THEN %(t0)s::timestamptz + (1 + mod(i, 59)) * interval '1 second'
                WHEN bucket IN (%(at_risk)s, %(overdue)s) THEN %(t0)s::timestamptz - interval '10 minutes'
                ELSE %(t0)s::timestamptz + interval '1 hour' + mod(i, 7200) * interval '1 minute'
            END AS active_risk,
            %(t0)s::timestamptz + interval '2 days' + mod(i, 2880) * interval '1 minute' AS idle_risk
        FROM spec
    ),
    deadlines AS (
        SELECT
            *,
            CASE
                WHEN bucket = %(overdue)s THEN %(t0)s::timestamptz - interval '5 minutes'
                ELSE greatest(active_risk, %(t0)s::timestamptz) + interval '30 minutes'
            END AS active_due,
            idle_risk + interval '12 hours' AS idle_due
        FROM clocks
    )
    INSERT INTO cases_case (
        tracking_code, channel, provider_id, category_id, priority, is_emergency, description, address,
        status, agency_id, resolution, received_at, created_at, updated_at, forwarded_at, responded_at,
        response_risk_at, response_due_at, resolution_risk_at, resolution_due_at
    )
    SELECT
        lpad(i::text, 9, '0'), 'voice', '',
        (%(categories)s::bigint[])[1 + mod(i, %(category_count)s)], 'normal', false, 'Phản ánh số ' || i, '',
        status, (%(agencies)s::bigint[])[1 + mod(i, %(agency_count)s)], '',
        received, received, received,
        CASE WHEN status = 'new' THEN NULL ELSE received + interval '10 minutes' END,
        CASE WHEN status = 'new' THEN NULL ELSE received + interval '10 minutes' END,
        CASE WHEN status = 'new' THEN active_risk ELSE received + interval '48 minutes' END,
        CASE WHEN status = 'new' THEN active_due ELSE received + interval '1 hour' END,
        CASE WHEN status = 'new' THEN idle_risk ELSE active_risk END,
        CASE WHEN status = 'new' THEN idle_due ELSE active_due END
    FROM deadlines
"""

# What a pass at `now` has to mark, counted independently of the sweeper's own statements.
DUE_MARKS = """
    SELECT
        count(*) FILTER (WHERE response_running AND response_at_risk_since IS NULL AND response_risk_at <= %(now)s)
      + count(*) FILTER (WHERE response_running AND response_breached_since IS NULL AND response_due_at <= %(now)s)
      + count(*) FILTER (
            WHERE resolution_running AND resolution_at_risk_since IS NULL AND resolution_risk_at <= %(now)s
        )
      + count(*) FILTER (
            WHERE resolution_running AND resolution_breached_since IS NULL AND resolution_due_at <= %(now)s
        )
    FROM (
        SELECT
            *,
            status = 'new' AND responded_at IS NULL AS response_running,
            status IN ('new', 'forwarded', 'in_progress') AS resolution_running
        FROM cases_case
    ) AS cases
"""


def bench_sweeper(context: Context) -> list[Result]:
    t0 = timezone.now().replace(second=0, microsecond=0)
    fill_seconds, vacuum_seconds = _fill(t0)
    catch_up, catch_up_seconds = _timed_sweep(t0)
    t1 = t0 + STEP
    expected = _due_marks(t1)
    progress(f"sweeper: one pass at T0 + {STEP}, {expected:,} marks due")
    measured, seconds = _timed_sweep(t1)
    again, again_seconds = _timed_sweep(t1)
    pass_name = f"sweeper: one pass, {OPEN_CASES:,} open cases"
    return [
        Result(
            f"sweeper: fill {OPEN_CASES:,} open cases",
            fill_seconds,
            "s",
            details={"t0": t0.isoformat(), "vacuum_analyze_seconds": round(vacuum_seconds, 2)},
        ),
        Result("sweeper: catch-up pass at T0", catch_up_seconds, "s", details=_sweep_details(catch_up)),
        Result("sweeper: catch-up pass, rows touched", catch_up.touched, "rows"),
        Result(pass_name, seconds, "s", **below(seconds, GOAL_SECONDS, " s"), details=_sweep_details(measured)),
        Result(f"{pass_name}, rows touched", measured.touched, "rows", **equal(measured.touched, expected)),
        Result(
            "sweeper: same pass again, rows touched",
            again.touched,
            "rows",
            **equal(again.touched, 0),
            details={"seconds": round(again_seconds, 4)},
        ),
    ]


def _fill(t0: datetime) -> tuple[float, float]:
    """Write the open cases; returns the seconds the INSERT took and those of the VACUUM ANALYZE."""
    # Start from an empty table: intake's random tracking codes could collide with lpad(i), and
    # the pass is over exactly OPEN_CASES cases. CASCADE empties the events and outbox too.
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE cases_case CASCADE")
    categories = list(Category.objects.filter(code__in=[c.code for c in CATEGORIES]).values_list("pk", flat=True))
    agencies = list(Agency.objects.exclude(kind=Agency.Kind.COMMUNE).values_list("pk", flat=True))
    progress(f"sweeper: filling {OPEN_CASES:,} open cases")
    params = {
        "t0": t0,
        "count": OPEN_CASES,
        "crossing": CROSSING_BUCKET,
        "at_risk": AT_RISK_BUCKET,
        "overdue": OVERDUE_BUCKET,
        "categories": categories,
        "category_count": len(categories),
        "agencies": agencies,
        "agency_count": len(agencies),
    }
    start = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(FILL, params)
        inserted = time.perf_counter()
        # Statistics for the planner, and hint bits and the visibility map set, as a table that
        # autovacuum has long visited has them: the pass should not pay for the bulk load.
        progress("sweeper: VACUUM ANALYZE")
        cursor.execute("VACUUM (ANALYZE) cases_case")
    return inserted - start, time.perf_counter() - inserted


def _timed_sweep(now: datetime) -> tuple[SweepResult, float]:
    start = time.perf_counter()
    result = sla_sweep(now=now)
    return result, time.perf_counter() - start


def _due_marks(now: datetime) -> int:
    with connection.cursor() as cursor:
        cursor.execute(DUE_MARKS, {"now": now})
        return cursor.fetchone()[0]


def _sweep_details(result: SweepResult) -> dict[str, int]:
    return {"at_risk": result.at_risk, "breached": result.breached, "touched": result.touched}
