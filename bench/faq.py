"""The province's FAQ pages under gunicorn on loopback, from the page cache, against a static file of the same server.

A visitor of a province's public site gets its pages whole from the page cache (`cms.cache`) as
long as nothing was published since. A cached page costs the host → province lookup, the cache's
generation and the page from Redis, and the view counted there; a static file (WhiteNoise, from
what collectstatic wrote) costs the same routing and no more than reading memory. The ratio of the
two says what the cache's own work costs, whatever the machine. The same pages rendered anew, for
a visitor whose request carries a session cookie (the cache's middleware never answers those),
say what the cache buys.

The server and the load are those of `bench.voice` (`bench.server`, `bench.load`): a fixed
number of sync workers, a process of its own for the client, interleaved rounds of each kind.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import secrets
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils.html import escape

from bench import Context, Result, at_least, at_most, equal, progress
from bench.server import (
    CLIENTS,
    SERVER_SETTINGS,
    WORKERS,
    Figures,
    Server,
    gunicorn,
    host_routed,
    load,
    plan_base,
    quiet,
    rounded,
)
from cms.cache import HEADER
from cms.demo import faq_seed
from cms.models import FaqPage
from cms.services import site_ensure

GOAL_RATIO = 0.5
GOAL_P99_RATIO = 2.0
# The first round's order; the next set of rounds runs in the other.
KINDS = ("static", "cached", "uncached")
WARMUP_SECONDS = 3.0
ROUNDS = 8
ROUND_SECONDS = 5.0
SEED = 1022
# Distinct questions in rotation, spread over the topics: a cache that kept only the last page would show.
PAGES = 8
STATIC_PATH = "/static/cms/cms.css"
# Every key of cms.cache starts with this, in the active province's key space.
CACHE_KEYS = "cms:*"
HIT = f"\r\n{HEADER}: hit\r\n"
TIMEOUT_SECONDS = 15


@dataclass(frozen=True)
class _Page:
    path: str
    title: str

    @property
    def heading(self) -> str:
        """What the page shows its question in (cms/templates/cms/faq_page.html), as the template escapes it."""
        return f"<h1>{escape(self.title)}</h1>"


def bench_faq(context: Context) -> list[Result]:
    with host_routed(context.province) as host, _cache_cleared():
        pages = _site_setup(context, host)
        queries = _queries_per_request(host, pages)
        with _static_collected() as static_root, gunicorn({"BENCH_STATIC_ROOT": str(static_root)}) as server:
            sizes = _served_check(server.port, host, pages, static_root)
            progress(
                f"faq: gunicorn with {WORKERS} sync workers, {CLIENTS} clients, {len(pages)} pages, "
                f"{ROUNDS} interleaved rounds of {ROUND_SECONDS:g} s of each of {', '.join(KINDS)}"
            )
            rounds = load(_plan(server, host, pages, static_root))
            restarted = server.workers_restarted()
            server_log = server.log_lines()
    return _results(rounds, pages, queries, sizes, server_log=server_log, workers_restarted=restarted)


# --- set-up ---------------------------------------------------------------------------------------


@contextlib.contextmanager
def _cache_cleared() -> Iterator[None]:
    """No cached page, generation or view count of an earlier run's bench province, before or after."""
    cache.delete_pattern(CACHE_KEYS)
    try:
        yield
    finally:
        cache.delete_pattern(CACHE_KEYS)


def _site_setup(context: Context, host: str) -> list[_Page]:
    """What `province_provision` and the demo give a province: its site on its host, and the FAQ."""
    province = context.province
    # Wagtail logs a line per page created, its reference index another: the progress lines stay readable.
    with quiet("wagtail"), quiet("django_tasks"):
        site_ensure(province=province, hostname=host)
        # Only the questions every province shows: the bench province is none of the demo's.
        faq_seed(province.slug, province.name, "1022")
    found = list(FaqPage.objects.live().public().order_by("path"))
    assert len(found) >= PAGES, f"the FAQ seed published {len(found)} pages"
    chosen = [found[index * len(found) // PAGES] for index in range(PAGES)]
    pages = [_Page(page.get_url(), page.title) for page in chosen]
    assert all(page.path.startswith("/") for page in pages), pages
    return pages


def _queries_per_request(host: str, pages: Sequence[_Page]) -> dict[str, list[str]]:
    """Every query of a cached and of an uncached page, in this process; stores each page in the cache, too.

    The first request of a page renders and stores it, the second must be answered from the cache.
    """
    queries: dict[str, list[str]] = {}
    for page in pages:
        answers = []
        for _ in range(2):
            with CaptureQueriesContext(connection) as captured:
                answers.append(Client().get(page.path, headers={"host": host}))
        hit = answers[-1]
        shown = hit.content.decode()
        assert hit.status_code == 200 and hit.get(HEADER) == "hit" and page.heading in shown, (
            f"{page.path}: {hit.status_code} {HEADER}={hit.get(HEADER)!r}: {shown[:500]}"
        )
        queries.setdefault("cached", [query["sql"][:300] for query in captured])
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = secrets.token_hex(16)
    with CaptureQueriesContext(connection) as captured:
        answer = client.get(pages[0].path, headers={"host": host})
    assert answer.status_code == 200 and HEADER not in answer and pages[0].heading in answer.content.decode()
    queries["uncached"] = [query["sql"][:300] for query in captured]
    return queries


@contextlib.contextmanager
def _static_collected() -> Iterator[Path]:
    """collectstatic into a directory of this run, with the settings gunicorn serves with."""
    with tempfile.TemporaryDirectory(prefix="bench-static-") as directory:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": SERVER_SETTINGS,
            "DEBUG": "false",
            "BENCH_STATIC_ROOT": directory,
        }
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
            cwd=settings.BASE_DIR,
            env=env,
            check=True,
            timeout=300,
        )
        yield Path(directory)


def _static_expected(static_root: Path) -> str:
    """The end of the file as collected: an answer holding it came whole from WhiteNoise."""
    return (static_root / STATIC_PATH.removeprefix(settings.STATIC_URL)).read_text(encoding="utf-8").rstrip()[-40:]


def _served_check(port: int, host: str, pages: Sequence[_Page], static_root: Path) -> dict[str, int]:
    """One request of each kind through gunicorn, before the clock runs: a set-up that cannot
    answer fails here, with its answer, instead of as thousands of errors. Returns the answers' sizes."""
    sizes = {}
    body = _get(port, host, STATIC_PATH)
    assert _static_expected(static_root) in body, body[:500]
    sizes["static"] = len(body.encode())
    for page in pages:
        body = _get(port, host, page.path, expect_header=("hit",))
        assert page.heading in body, f"{page.path}: {body[:500]}"
    sizes["cached"] = len(body.encode())
    body = _get(port, host, pages[0].path, cookie=_session_cookie(), expect_header=(None,))
    assert pages[0].heading in body, f"{pages[0].path}: {body[:500]}"
    sizes["uncached"] = len(body.encode())
    return sizes


def _get(
    port: int, host: str, path: str, *, cookie: str | None = None, expect_header: tuple[str | None, ...] | None = None
) -> str:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT_SECONDS)
    try:
        connection.request("GET", path, headers={"Host": host, **({"Cookie": cookie} if cookie else {})})
        response = connection.getresponse()
        body = response.read().decode()
    finally:
        connection.close()
    assert response.status == 200, f"{path}: {response.status}: {body[:500]}"
    if expect_header is not None:
        assert response.getheader(HEADER) in expect_header, f"{path}: {HEADER}={response.getheader(HEADER)!r}"
    return body


def _session_cookie() -> str:
    """A session cookie that names no session: the visitor whose session expired, the cache's middleware skips it."""
    return f"{settings.SESSION_COOKIE_NAME}={secrets.token_hex(16)}"


# --- the load ---------------------------------------------------------------------------------------


def _plan(server: Server, host: str, pages: Sequence[_Page], static_root: Path) -> dict[str, Any]:
    def get(path: str, **headers: str) -> dict[str, Any]:
        return {"method": "GET", "path": path, "headers": {"Host": host, **headers}}

    cookie = _session_cookie()
    return {
        **plan_base(server, name="faq", host=host, kinds=KINDS),
        "warmup_seconds": WARMUP_SECONDS,
        "rounds": ROUNDS,
        "round_seconds": ROUND_SECONDS,
        "seed": SEED,
        "targets": {
            "static": {"expect": [_static_expected(static_root)], "requests": [get(STATIC_PATH)]},
            "cached": {
                "expect": [HIT],
                "requests": [{**get(page.path), "expect": [page.heading]} for page in pages],
            },
            "uncached": {
                "expect": [],
                # Rendered anew: an answer marked by the cache, hit or miss, went through it.
                "reject": [f"\r\n{HEADER}:"],
                "requests": [{**get(page.path, Cookie=cookie), "expect": [page.heading]} for page in pages],
            },
        },
    }


# --- results ----------------------------------------------------------------------------------------


def _results(
    rounds: list[dict[str, Any]],
    pages: Sequence[_Page],
    queries: dict[str, list[str]],
    sizes: dict[str, int],
    *,
    server_log: list[str],
    workers_restarted: list[int],
) -> list[Result]:
    static, cached, uncached = (Figures.of(rounds, kind) for kind in KINDS)
    ratio, p99_ratio = cached.rate / static.rate, cached.latency["p99"] / static.latency["p99"]
    setup = {"workers": WORKERS, "worker_class": "sync", "clients": CLIENTS, "rounds": ROUNDS}
    setup |= {"round_seconds": ROUND_SECONDS, "warmup_seconds": WARMUP_SECONDS}
    errors = static.errors + cached.errors + uncached.errors

    def round_ratios(figures: Figures) -> list[float]:
        # Each round over the static file's round of the same set, for a sense of the spread.
        return [round(rate / base, 3) for rate, base in zip(figures.rates, static.rates, strict=True)]

    return [
        Result(
            "faq: static file, throughput",
            static.rate,
            "req/s",
            details={
                **setup,
                "path": STATIC_PATH,
                "bytes": sizes["static"],
                "rates": rounded(static.rates),
                "cpu": static.cpu,
            },
        ),
        Result(
            "faq: cached page, throughput",
            cached.rate,
            "req/s",
            baseline=static.rate,
            ratio=ratio,
            **at_least(ratio, GOAL_RATIO),
            details={
                "pages": [asdict(page) for page in pages],
                "bytes": sizes["cached"],
                "rates": rounded(cached.rates),
                "round_ratios": round_ratios(cached),
                "cpu": cached.cpu,
                "queries_per_request": len(queries["cached"]),
                "queries": queries["cached"],
                "page_cache_seconds": settings.PAGE_CACHE_SECONDS,
            },
        ),
        Result(
            "faq: uncached page (session cookie), throughput",
            uncached.rate,
            "req/s",
            baseline=static.rate,
            ratio=uncached.rate / static.rate,
            details={
                "bytes": sizes["uncached"],
                "rates": rounded(uncached.rates),
                "round_ratios": round_ratios(uncached),
                # What the cache buys: how many cached pages are served in the time of one rendered anew.
                "cached_over_uncached": round(cached.rate / uncached.rate, 2),
                "cpu": uncached.cpu,
                "queries_per_request": len(queries["uncached"]),
                "queries": queries["uncached"],
            },
        ),
        Result("faq: static file, p50", static.latency["p50"], "ms", details=static.latency),
        *(
            Result(
                f"faq: {name}, p50",
                figures.latency["p50"],
                "ms",
                baseline=static.latency["p50"],
                ratio=figures.latency["p50"] / static.latency["p50"],
                details=figures.latency,
            )
            for name, figures in (("cached page", cached), ("uncached page", uncached))
        ),
        Result("faq: static file, p99", static.latency["p99"], "ms"),
        Result(
            "faq: cached page, p99",
            cached.latency["p99"],
            "ms",
            baseline=static.latency["p99"],
            ratio=p99_ratio,
            **at_most(p99_ratio, GOAL_P99_RATIO),
        ),
        Result(
            "faq: uncached page, p99",
            uncached.latency["p99"],
            "ms",
            baseline=static.latency["p99"],
            ratio=uncached.latency["p99"] / static.latency["p99"],
        ),
        Result(
            "faq: errors (not 200, not the page, or not from the cache as expected)",
            errors,
            "requests",
            **equal(errors, 0),
            details={
                "by_kind": {"static": static.errors, "cached": cached.errors, "uncached": uncached.errors},
                "samples": [sample for r in rounds for sample in r["error_samples"]][:10],
                "server_log": server_log[-20:],
                "workers_restarted": workers_restarted,
            },
        ),
    ]
