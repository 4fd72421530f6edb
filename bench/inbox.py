"""The operator inbox over 1,000,000 cases in one province: the view against its own query's SQL.

Three screens an operator opens all day: the first page with the default filters (the "new"
queue, soonest deadline first), a search by words typed without diacritics, and a search by
a caller's phone number. Each is timed as the whole view and as the bare SQL of the page's
query on the same connection, with two stages in between to show where the time goes (see
STAGES), in interleaved rounds; the goal is about the view over the SQL. Each query's plan is
checked for sequential scans over the cases, and for how many of them it reads all the same.

The cases are written by one set-based statement, as in `bench.sweeper`, and look like a
year of a busy hotline: real report texts, most cases closed, a backlog of open ones from
the last month, deadlines and their at-risk and missed marks consistent with the receipt.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from importlib import import_module
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.contrib.messages.storage import default_storage
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import resolve, reverse
from django.utils import timezone

from bench import Context, Result, at_most, equal, progress
from cases.demo import ANSWERS, CHANNEL_WEIGHTS, FAMILY_NAMES, GIVEN_NAMES, MIDDLE_NAMES, REPORTS
from cases.inbox import PAGE_SIZE, InboxForm, inbox_cases, inbox_page
from cases.models import Category, Ward
from cases.search import search_document
from tenants.models import Province
from tenants.roles import OPERATOR

CASES = 1_000_000
REPORTERS = 50_000
GOAL_RATIO = 3.0
WARMUP = 20
ROUNDS = 200
# A plan that reads the whole table must not hold the run for a quarter of an hour: a screen's
# rounds stop after SCREEN_SECONDS, once MIN_ROUNDS are done for the percentiles.
SCREEN_SECONDS = 60.0
MIN_ROUNDS = 10
# A page of 25 should not look at more than 1 % of the cases, whatever index it goes through.
MAX_ROWS_READ = CASES // 100
# What each round times, from the bare query to the whole page:
# - raw: the SQL of the page's query, executed and fetched on a cursor (the baseline);
# - page: `inbox_page`, i.e. the permission checks, the same query and the model instances;
# - results: the view asked by htmx for the result table only (search as one types, the refresh);
# - view: the whole page, with the filter form, the queue tabs and the base template.
STAGES = ("raw", "page", "results", "view")
HTMX_RESULTS = {"HX-Request": "true", "HX-Target": "inbox-results"}
# Closed cases are spread over a year; the open ones are the backlog of the last month.
YEAR = timedelta(days=365)
BACKLOG = timedelta(days=30)
# Reporter k calls from +8491 followed by k * PHONE_STEP on seven digits: distinct, valid Vinaphone numbers.
PHONE_STEP = 199
SEARCHED_REPORTER = 12_345
WORDS_SEARCHED = "ngap nuoc"
OPERATOR_USERNAME = "bench-operator"

# Reports of the demo province quote no "ngập nước" as such; these make the searched phrase
# occur literally, next to the demo's "ngập sâu ... nước tràn" that matches the words apart.
EXTRA_REPORTS: dict[str, tuple[str, ...]] = {
    "ha-tang-ngap-nuoc": (
        "Hẻm 12 ở {ward} ngập nước sau mỗi cơn mưa lớn, đề nghị nạo vét cống thoát nước.",
        "Khu tái định cư bị ngập nước do triều cường, bà con không đi lại được.",
    ),
}
REJECTION = "Nội dung không thuộc phạm vi tiếp nhận của 1022."

# Statuses by a per-mille die: 10 % new, a quarter of the cases still open or just answered,
# most closed. `hashint4` of the case number is deterministic and independent of its residues,
# which pick the text and the reporter.
FILL = """
    WITH reporters AS (
        SELECT array_agg(id ORDER BY phone) AS ids FROM cases_reporter
    ),
    dice AS (
        SELECT
            i,
            1 + mod(i, %(variant_count)s) AS v,
            hashint4(i)::bigint + 2147483648 AS die,
            hashint4(-i)::bigint + 2147483648 AS die2,
            %(t0)s::timestamptz AS t0
        FROM generate_series(1, %(count)s) AS i
    ),
    spec AS (
        SELECT
            *,
            CASE
                WHEN mod(die, 1000) < 100 THEN 'new'
                WHEN mod(die, 1000) < 140 THEN 'forwarded'
                WHEN mod(die, 1000) < 190 THEN 'in_progress'
                WHEN mod(die, 1000) < 200 THEN 'waiting_reporter'
                WHEN mod(die, 1000) < 230 THEN 'answered'
                WHEN mod(die, 1000) < 250 THEN 'rejected'
                ELSE 'closed'
            END AS status,
            mod(die / 1000, 1000000)::float8 / 1000000 AS age_share,
            -- How fast the case was handled, as a share of its targets: about one in ten late.
            0.1 + mod(die2, 1000)::float8 / 1000 AS pace,
            (%(response_minutes)s::int[])[v] * interval '1 minute' AS response_target,
            (%(resolution_minutes)s::int[])[v] * interval '1 minute' AS resolution_target
        FROM dice
    ),
    received AS (
        SELECT
            *,
            t0 - interval '1 minute'
                - age_share * CASE WHEN status IN ('closed', 'rejected') THEN %(year)s ELSE %(backlog)s END
                AS received
        FROM spec
    ),
    responded AS (
        SELECT
            *,
            CASE WHEN status <> 'new' THEN least(received + pace * response_target, t0) END AS responded
        FROM received
    ),
    resolved AS (
        SELECT
            *,
            CASE
                WHEN status IN ('answered', 'closed') THEN least(responded + pace * resolution_target, t0)
                WHEN status = 'rejected' THEN responded
            END AS resolved
        FROM responded
    ),
    clocks AS (
        SELECT
            *,
            received + response_target AS response_due,
            received + 0.8 * response_target AS response_risk,
            received + resolution_target AS resolution_due,
            received + 0.8 * resolution_target AS resolution_risk,
            CASE
                WHEN status = 'closed' THEN least(resolved + interval '2 hours', t0)
                WHEN status = 'rejected' THEN resolved
            END AS closed
        FROM resolved
    )
    INSERT INTO cases_case (
        tracking_code, channel, provider_id, reporter_id, category_id, priority, is_emergency, description,
        ward_id, address, status, agency_id, resolution, received_at, created_at, updated_at,
        forwarded_at, answered_at, closed_at, paused_at, response_due_at, resolution_due_at,
        response_risk_at, resolution_risk_at, responded_at, resolved_at,
        response_at_risk_since, response_breached_since, resolution_at_risk_since, resolution_breached_since,
        search_text
    )
    SELECT
        lpad(i::text, 9, '0'),
        (%(channels)s::text[])[1 + mod(die2 / 1000, 100)],
        '',
        -- A few reports come in without a number (web, app).
        CASE WHEN mod(die2 / 100000, 50) = 0 THEN NULL ELSE reporters.ids[1 + mod(i, %(reporter_count)s)] END,
        (%(categories)s::bigint[])[v],
        CASE WHEN mod(die2 / 10000000, 10) = 0 THEN 'high' ELSE 'normal' END,
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
        CASE WHEN status NOT IN ('new', 'rejected') THEN responded END,
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
    FROM clocks, reporters
"""

REPORTERS_FILL = """
    INSERT INTO cases_reporter (name, phone, email, created_at, updated_at)
    SELECT
        (%(family)s::text[])[1 + mod(k, %(family_count)s)]
            || ' ' || (%(middle)s::text[])[1 + mod(k / 7, %(middle_count)s)]
            || ' ' || (%(given)s::text[])[1 + mod(k / 11, %(given_count)s)],
        '+8491' || lpad((k * %(phone_step)s)::text, 7, '0'),
        '',
        %(t0)s,
        %(t0)s
    FROM generate_series(1, %(count)s) AS k
"""


@dataclass(frozen=True)
class Screen:
    label: str
    # The query string, as the operator's browser sends it.
    params: dict[str, str]


def bench_inbox(context: Context) -> list[Result]:
    t0 = timezone.now().replace(second=0, microsecond=0)
    fill_seconds, vacuum_seconds = _fill(t0)
    user = _operator()
    results = [
        Result(
            f"inbox: fill {CASES:,} cases, {REPORTERS:,} reporters",
            fill_seconds,
            "s",
            details={"t0": t0.isoformat(), "vacuum_analyze_seconds": round(vacuum_seconds, 2)},
        )
    ]
    for screen in _screens():
        progress(f"inbox: {screen.label}, warm-up, then up to {ROUNDS} rounds")
        results += _screen_measure(screen, user, context.province)
    return results


def _screens() -> tuple[Screen, ...]:
    return (
        Screen("first page", {}),
        Screen(f"search {WORDS_SEARCHED!r}", {"q": WORDS_SEARCHED}),
        Screen("search a phone number", {"q": _phone_spoken(_phone(SEARCHED_REPORTER))}),
    )


# --- data ---------------------------------------------------------------------------------------


def _fill(t0: datetime) -> tuple[float, float]:
    """Write the reporters and the cases; returns the seconds the INSERTs took and those of the VACUUM ANALYZE."""
    # Start from empty tables: intake's random tracking codes and callers' numbers could collide
    # with the generated ones. CASCADE empties the events, outbox, callbacks and identities too.
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE cases_case, cases_reporter CASCADE")
    params = {**_variants(), **_case_constants(t0)}
    progress(f"inbox: filling {REPORTERS:,} reporters and {CASES:,} cases")
    start = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(REPORTERS_FILL, _reporter_params(t0))
        cursor.execute(FILL, params)
        inserted = time.perf_counter()
        # Statistics for the planner, and hint bits, the visibility map and an empty GIN pending
        # list, as on a table autovacuum has long visited: the queries should not pay for the load.
        progress("inbox: VACUUM ANALYZE")
        cursor.execute("VACUUM (ANALYZE) cases_case, cases_reporter")
    return inserted - start, time.perf_counter() - inserted


# The arrays `_variants` passes to FILL, one entry per report text.
VARIANT_COLUMNS = (
    "categories",
    "agencies",
    "emergencies",
    "response_minutes",
    "resolution_minutes",
    "wards",
    "descriptions",
    "addresses",
    "search_texts",
)


def _variants() -> dict[str, Any]:
    """One entry per report text, as parallel arrays the fill picks from by `mod(i, n)`.

    Each text is tied to a ward (its "{ward}" is that ward's name), to its category's default
    agency and deadline targets, and carries the folded text intake would have stored.
    """
    categories = {c.code: c for c in Category.objects.select_related("sla_policy")}
    wards = list(Ward.objects.order_by("code"))
    rows = []
    for index, (code, text) in enumerate(_report_texts()):
        category, ward = categories[code], wards[index % len(wards)]
        description = text.format(ward=ward.name)
        address = f"Tổ {index % 9 + 1}, {ward.name}"
        policy = category.sla_policy
        rows.append(
            (
                category.pk,
                category.default_agency_id,
                category.is_emergency,
                policy.response_minutes,
                policy.resolution_minutes,
                ward.pk,
                description,
                address,
                search_document(description, address),
            )
        )
    columns = {name: list(values) for name, values in zip(VARIANT_COLUMNS, zip(*rows, strict=True), strict=True)}
    return {**columns, "variant_count": len(rows)}


def _report_texts() -> Iterator[tuple[str, str]]:
    for reports in (REPORTS, EXTRA_REPORTS):
        for code, texts in reports.items():
            for text in texts:
                yield code, text


def _case_constants(t0: datetime) -> dict[str, Any]:
    # One entry per percent of calls, so that a die of 100 faces draws channels with their weights.
    channels = [channel.value for channel, weight in CHANNEL_WEIGHTS.items() for _ in range(weight)]
    assert len(channels) == 100, "channel weights must add up to 100"
    return {
        "t0": t0,
        "count": CASES,
        "year": YEAR,
        "backlog": BACKLOG,
        "channels": channels,
        "reporter_count": REPORTERS,
        "answers": list(ANSWERS),
        "answer_count": len(ANSWERS),
        "rejection": REJECTION,
    }


def _reporter_params(t0: datetime) -> dict[str, Any]:
    return {
        "t0": t0,
        "count": REPORTERS,
        "phone_step": PHONE_STEP,
        "family": list(FAMILY_NAMES),
        "family_count": len(FAMILY_NAMES),
        "middle": list(MIDDLE_NAMES),
        "middle_count": len(MIDDLE_NAMES),
        "given": list(GIVEN_NAMES),
        "given_count": len(GIVEN_NAMES),
    }


def _phone(reporter: int) -> str:
    return f"+8491{reporter * PHONE_STEP:07d}"


def _phone_spoken(e164: str) -> str:
    """+84912456655 → "0912 456 655", as an operator types what a caller reads out."""
    national = "0" + e164.removeprefix("+84")
    return f"{national[:4]} {national[4:7]} {national[7:]}"


def _operator():
    """An operator of the bench province, with exactly the operator role's permissions."""
    user = get_user_model().objects.create_user(username=OPERATOR_USERNAME)
    permissions = []
    for dotted in OPERATOR.permissions:
        app_label, _, codename = dotted.partition(".")
        permissions.append(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    user.user_permissions.set(permissions)
    return user


# --- measures -----------------------------------------------------------------------------------


def _screen_measure(screen: Screen, user, province: Province) -> list[Result]:
    data = _cleaned(screen.params)
    # What `inbox_page` fetches for page one: a page and one row more, to know whether there is a next.
    sql, params = inbox_cases(user, data)[: PAGE_SIZE + 1].query.sql_with_params()
    stages = _Stages(screen.params, data, user.pk, province, sql, params)
    rows = len(_raw_fetch(sql, params))
    samples = _timings(stages)
    p50 = {stage: _percentiles(values)[0] for stage, values in samples.items()}
    p95 = {stage: _percentiles(values)[1] for stage, values in samples.items()}
    ratio = p95["view"] / p95["raw"]
    explained = _explain(sql, params)
    plan = explained["Plan"]
    scans, rows_read = _seq_scans(plan), _cases_rows_read(plan)
    name = f"inbox: {screen.label}"
    common = {"rounds": len(samples["raw"]), "query_string": screen.params}
    return [
        Result(
            f"{name}, raw SQL p95",
            p95["raw"],
            "ms",
            details={**common, "p50_ms": _ms(p50["raw"]), "rows": rows, "sql": sql, "params": [str(p) for p in params]},
        ),
        # The list is what an operator waits for: every keystroke of a search and every refresh
        # fetches it alone. The whole page adds the filter form, the tabs and the layout once.
        Result(
            f"{name}, list view p95",
            p95["results"],
            "ms",
            baseline=p95["raw"],
            ratio=p95["results"] / p95["raw"],
            **at_most(p95["results"] / p95["raw"], GOAL_RATIO),
            details={
                **common,
                # Where the time goes, stage by stage (see STAGES).
                "p50_ms": {stage: _ms(value) for stage, value in p50.items()},
                "p95_ms": {stage: _ms(value) for stage, value in p95.items()},
                "queries": stages.queries(),
            },
        ),
        Result(f"{name}, whole page p95", p95["view"], "ms", baseline=p95["raw"], ratio=ratio),
        Result(
            f"{name}, seq scans on cases_case",
            len(scans),
            "nodes",
            **equal(len(scans), 0),
            details={
                "indexes": sorted(set(_indexes(plan))),
                "plan": _plan_outline(plan),
                "execution_ms": _ms(explained["Execution Time"]),
            },
        ),
        # An index walked from end to end has no Seq Scan node and costs as much as one.
        Result(f"{name}, cases_case rows read", rows_read, "rows", **at_most(rows_read, MAX_ROWS_READ)),
    ]


def _cleaned(params: dict[str, str]) -> dict[str, Any]:
    form = InboxForm(params)
    assert form.is_valid(), form.errors
    return form.cleaned_data


def _timings(stages: _Stages) -> dict[str, list[float]]:
    """Milliseconds per stage, over rounds that run every stage once."""
    start = time.perf_counter()
    for _ in range(WARMUP):
        for stage in STAGES:
            stages.prepared(stage)()
        if time.perf_counter() - start > SCREEN_SECONDS / 6:
            break
    samples: dict[str, list[float]] = {stage: [] for stage in STAGES}
    start = time.perf_counter()
    for index in range(ROUNDS):
        if index >= MIN_ROUNDS and time.perf_counter() - start > SCREEN_SECONDS:
            break
        # Rotate the order so that a drift of the machine (caches, autovacuum, neighbours) hits every stage alike.
        shift = index % len(STAGES)
        for stage in STAGES[shift:] + STAGES[:shift]:
            call = stages.prepared(stage)
            clock_start = time.perf_counter()
            call()
            samples[stage].append((time.perf_counter() - clock_start) * 1000)
    return samples


def _raw_fetch(sql: str, params: Any) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _percentiles(samples: list[float]) -> tuple[float, float]:
    cuts = statistics.quantiles(samples, n=20, method="inclusive")
    return cuts[9], cuts[18]


def _ms(value: float) -> float:
    return round(value, 3)


class _Stages:
    """Each stage of one screen as a call ready to time; what it needs is built before the clock starts.

    The view is called as the URL resolver finds it, with what the middleware would have set, and
    a user fetched afresh each time, so that permission checks cost what they cost per request.
    """

    def __init__(
        self, params: dict[str, str], data: dict[str, Any], user_pk: int, province: Province, sql: str, sql_params: Any
    ) -> None:
        self.path = reverse("cases:inbox")
        self.view = resolve(self.path).func
        self.params = params
        self.data = data
        self.user_pk = user_pk
        self.province = province
        self.sql, self.sql_params = sql, sql_params
        self.factory = RequestFactory()
        self.session_store = import_module(settings.SESSION_ENGINE).SessionStore

    def prepared(self, stage: str) -> Callable[[], object]:
        match stage:
            case "raw":
                return partial(_raw_fetch, self.sql, self.sql_params)
            case "page":
                return partial(inbox_page, self._user(), self.data)
            case "results":
                return partial(self._respond, self._request(HTMX_RESULTS))
            case "view":
                return partial(self._respond, self._request({}))
        raise ValueError(stage)

    def queries(self) -> list[dict[str, Any]]:
        """Every query the whole page runs, those on cases_case with their plan's scans and indexes."""
        request = self._request({})
        with CaptureQueriesContext(connection) as captured:
            self._respond(request)
        found = []
        for query in captured.captured_queries:
            entry: dict[str, Any] = {"sql": query["sql"], "ms": _ms(float(query["time"]) * 1000)}
            if "cases_case" in query["sql"]:
                plan = _explain(query["sql"], None)["Plan"]
                entry["seq_scans"] = len(_seq_scans(plan))
                entry["indexes"] = sorted(set(_indexes(plan)))
                entry["cases_rows_read"] = _cases_rows_read(plan)
            found.append(entry)
        return found

    def _user(self):
        return get_user_model().objects.get(pk=self.user_pk)

    def _request(self, headers: dict[str, str]) -> HttpRequest:
        request = self.factory.get(self.path, self.params, headers=headers)
        request.user = self._user()
        request.tenant = self.province
        request.session = self.session_store()
        request._messages = default_storage(request)
        return request

    def _respond(self, request: HttpRequest) -> HttpResponse:
        response = self.view(request)
        if hasattr(response, "render"):
            response.render()  # a TemplateResponse renders lazily, after the view returns
        assert response.status_code == 200, f"{self.path} {self.params}: {response.status_code}"
        return response


# --- plans --------------------------------------------------------------------------------------


def _explain(sql: str, params: Any) -> dict[str, Any]:
    """The plan as run (ANALYZE), so that the details show the rows each node really read."""
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) {sql}", params)
        document = cursor.fetchone()[0]
    return document[0]


def _nodes(node: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield node
    for child in node.get("Plans", ()):
        yield from _nodes(child)


def _seq_scans(plan: dict[str, Any]) -> list[dict[str, Any]]:
    return [n for n in _nodes(plan) if n["Node Type"] == "Seq Scan" and n.get("Relation Name") == "cases_case"]


def _cases_rows_read(plan: dict[str, Any]) -> int:
    """Rows the scans of cases_case looked at: those they returned and those their filters threw away."""
    return sum(
        (n["Actual Rows"] + n.get("Rows Removed by Filter", 0) + n.get("Rows Removed by Index Recheck", 0))
        * n["Actual Loops"]
        for n in _nodes(plan)
        if n.get("Relation Name") == "cases_case"
    )


def _indexes(plan: dict[str, Any]) -> Iterator[str]:
    return (n["Index Name"] for n in _nodes(plan) if "Index Name" in n)


def _plan_outline(plan: dict[str, Any], depth: int = 0) -> list[str]:
    """One line per node: type, relation or index, and the rows it returned, as EXPLAIN's text form."""
    target = plan.get("Index Name") or plan.get("Relation Name") or ""
    line = f"{'  ' * depth}{plan['Node Type']} {target}".rstrip() + f" (rows={plan.get('Actual Rows')})"
    if "Filter" in plan:
        line += f" filter: {plan['Filter']}"
    lines = [line]
    for child in plan.get("Plans", ()):
        lines += _plan_outline(child, depth + 1)
    return lines
