"""The incoming-call webhook under gunicorn on loopback, against a bare view of the same server, in the same run.

Twilio posts to `/hooks/twilio/voice/incoming/` when a call comes in and waits for the TwiML
(greeting and menu) while the caller hears silence. The webhook finds the province, checks
the signature, stores the request and the call, and answers. The bare view (`bench.urls`)
sits behind the same gunicorn, middleware and host → schema routing and answers a constant:
the ratio of the two says what the webhook's own work costs, whatever the machine.

The server is gunicorn with a fixed number of sync workers, as in production; the load comes
from `bench.load`, a process of its own with a fixed number of client threads, in interleaved
rounds of the two (see `bench.load.rounds_run`). Rows land in the bench schema, dropped at the end.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import logging
import os
import random
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from django_tenants.utils import get_public_schema_name, schema_context

from bench import Context, Result, at_least, at_most, equal, progress
from bench.load import KINDS, call_params, signed_request
from bench.urls import BARE_PATH, BARE_TWIML
from channels.voice.models import Call, IvrMenu, IvrOption, VoiceEvent, VoiceSettings
from tenants.models import Domain, Province
from tests.servers import free_port, process_stop

GOAL_RATIO = 0.7
GOAL_P99_RATIO = 2.0
# One sync worker per core of the 2-core machine this was written on; fixed, so that runs compare.
WORKERS = 2
# Two requests per worker in flight: a worker never waits for the client to send the next one.
CLIENTS = 4
WARMUP_SECONDS = 3.0
ROUNDS = 8
ROUND_SECONDS = 5.0
SEED = 1022
SERVER_SETTINGS = "bench.settings"
SERVER_START_SECONDS = 60
# The menu's <Gather> shows the webhook ran its flow; its fallback answer (a step failed) has none.
VOICE_EXPECTED = "<Gather"
BARE_EXPECTED = BARE_TWIML[-40:]
ACCOUNT_SID = "AC" + "1022" * 8
# Cà Mau's 1022 (the bench province's wards are Cà Mau's); routing goes by the host, the number is only posted.
HOTLINE = "+842901022"
MENU_PROMPT = (
    "Để phản ánh, kiến nghị, bấm phím 1. Để tra cứu kết quả giải quyết, bấm phím 2. "
    "Để nghe thông tin phòng chống dịch, bấm phím 3. Để để lại lời nhắn, bấm phím 4."
)
MENU_OPTIONS = (
    ("Phản ánh, kiến nghị", IvrOption.Action.OPERATOR, ""),
    ("Tra cứu kết quả", IvrOption.Action.STATUS, ""),
    ("Phòng chống dịch", IvrOption.Action.ANNOUNCEMENT, "Người có triệu chứng sốt, ho, khó thở xin gọi 115."),
    ("Để lại lời nhắn", IvrOption.Action.VOICEMAIL, ""),
)


def bench_voice(context: Context) -> list[Result]:
    auth_token = _line_setup()
    incoming_path = reverse("voice:incoming")
    with _host_routed(context.province) as host:
        queries = _queries_per_call(host, incoming_path, auth_token)
        with _gunicorn() as server:
            progress(
                f"voice: gunicorn with {WORKERS} sync workers, {CLIENTS} clients, "
                f"{ROUNDS} interleaved rounds of {ROUND_SECONDS:g} s of each"
            )
            plan = _plan(server, host, incoming_path, auth_token)
            rounds = _load(plan)
            restarted = sorted(set(server.workers) - set(_children(server.pid)))
            server_log = server.log_lines()
    # Every call answered, the two made in this process included, must have left its rows.
    stored = {
        "calls": Call.objects.count(),
        "events": VoiceEvent.objects.count(),
        "answered": 2 + sum(r["ok"] for r in rounds if r["kind"] == "voice"),
    }
    return _results(rounds, queries, stored, server_log=server_log, workers_restarted=restarted)


# --- set-up ---------------------------------------------------------------------------------------


def _line_setup() -> str:
    """The bench province's phone line: a day menu of a few keys, and a Twilio auth token of this run."""
    with _quiet("django_tasks"):  # Wagtail's reference index logs a line per saved row
        menu = IvrMenu.objects.create(name="Menu chính", prompt=MENU_PROMPT)
        for key, (label, action, text) in enumerate(MENU_OPTIONS, start=1):
            IvrOption.objects.create(menu=menu, sort_order=key, key=str(key), label=label, action=action, text=text)
        line = VoiceSettings.load()
        line.account_sid = ACCOUNT_SID
        line.auth_token = secrets.token_hex(16)
        line.day_menu = menu
        line.save()
    return line.auth_token


@contextlib.contextmanager
def _quiet(name: str) -> Iterator[None]:
    """Only warnings from this logger for a while: the table's progress lines stay readable."""
    logger = logging.getLogger(name)
    level = logger.level
    logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        logger.setLevel(level)


@contextlib.contextmanager
def _host_routed(province: Province) -> Iterator[str]:
    """The province's own host, as Twilio calls a number whose webhook is set to it; removed afterwards."""
    host = f"{province.schema_name}.{settings.BASE_DOMAIN}"
    with schema_context(get_public_schema_name()):
        domain = Domain.objects.create(domain=host, tenant=province, is_primary=True)
    try:
        yield host
    finally:
        # Deleting drops the cached host → province lookup too (tenants.signals).
        with schema_context(get_public_schema_name()):
            domain.delete()


def _queries_per_call(host: str, path: str, auth_token: str) -> list[str]:
    """Every query of a call through the whole stack, in this process; proves the set-up answers, too.

    The second of two calls, as nearly all are: by then the host → province lookup comes from Redis.
    """
    rng = random.Random(SEED)
    for _ in range(2):
        params = call_params(rng, account_sid=ACCOUNT_SID, called=HOTLINE)
        request = signed_request(host, path, params, auth_token)
        with CaptureQueriesContext(connection) as captured:
            response = Client().post(
                path,
                request.body,
                content_type=request.headers["Content-Type"],
                headers={key: value for key, value in request.headers.items() if key != "Content-Type"},
            )
        answer = response.content.decode()
        assert response.status_code == 200 and VOICE_EXPECTED in answer, f"{response.status_code}: {answer[:500]}"
    # Their times, kept to the millisecond only, would say nothing: the CPU shares in the details do.
    return [query["sql"][:300] for query in captured]


# --- the server -------------------------------------------------------------------------------------


@dataclass
class _Server:
    pid: int
    port: int
    workers: list[int]
    log: IO[str]

    def log_lines(self) -> list[str]:
        self.log.seek(0)
        return self.log.read().splitlines()


@contextlib.contextmanager
def _gunicorn() -> Iterator[_Server]:
    """config.wsgi with the bench settings on a free loopback port, on this run's database and Redis."""
    port = free_port()
    # DATABASE_URL and REDIS_URL pass through; unset, the workers attach to the embedded servers as this process did.
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": SERVER_SETTINGS, "DEBUG": "false", "LOG_LEVEL": "WARNING"}
    command = [sys.executable, "-m", "gunicorn", "config.wsgi:application", "--bind", f"127.0.0.1:{port}"]
    command += ["--workers", str(WORKERS), "--worker-class", "sync", "--log-level", "warning"]
    # A file, not a pipe: nobody reads a pipe while the server runs, and a full one blocks its logging.
    with tempfile.TemporaryFile(mode="w+") as log:
        process = subprocess.Popen(
            command, cwd=settings.BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT, text=True
        )
        try:
            yield _Server(process.pid, port, _workers_when_serving(process, port, log), log)
        finally:
            process_stop(process)


def _workers_when_serving(process: subprocess.Popen, port: int, log: IO[str]) -> list[int]:
    deadline = time.monotonic() + SERVER_START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log.seek(0)
            raise RuntimeError(f"gunicorn exited early:\n{log.read()}")
        workers = _children(process.pid)
        if len(workers) == WORKERS and _answers(port):
            return workers
        time.sleep(0.2)
    raise TimeoutError(f"gunicorn did not serve within {SERVER_START_SECONDS} s")


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError):
            # The command name, in parentheses, may hold spaces; the parent's pid is the 4th field.
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(stat.parent.name))
    return sorted(found)


def _answers(port: int) -> bool:
    """The health check answers on any host, before the database is needed: any status means serving."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        connection.request("GET", "/healthz")
        connection.getresponse().read()
        return True
    except OSError:
        return False
    finally:
        connection.close()


# --- the load ---------------------------------------------------------------------------------------


def _plan(server: _Server, host: str, incoming_path: str, auth_token: str) -> dict[str, Any]:
    return {
        "port": server.port,
        "host": host,
        "server_pids": server.workers,
        "clients": CLIENTS,
        "warmup_seconds": WARMUP_SECONDS,
        "rounds": ROUNDS,
        "round_seconds": ROUND_SECONDS,
        "seed": SEED,
        "database": connection.settings_dict["NAME"],
        "account_sid": ACCOUNT_SID,
        "auth_token": auth_token,
        "called": HOTLINE,
        "targets": {
            "bare": {"path": BARE_PATH, "expect": BARE_EXPECTED},
            "voice": {"path": incoming_path, "expect": VOICE_EXPECTED},
        },
    }


def _load(plan: dict[str, Any]) -> list[dict[str, Any]]:
    """Run `bench.load` in a process of its own; its progress goes to this process's stderr."""
    seconds = 2 * WARMUP_SECONDS + 2 * ROUNDS * ROUND_SECONDS
    completed = subprocess.run(
        [sys.executable, "-m", "bench.load"],
        input=json.dumps(plan),
        stdout=subprocess.PIPE,
        cwd=settings.BASE_DIR,
        text=True,
        timeout=seconds + 120,
        check=True,
    )
    return json.loads(completed.stdout)


# --- results ----------------------------------------------------------------------------------------


def _results(
    rounds: list[dict[str, Any]],
    queries: list[str],
    stored: dict[str, int],
    *,
    server_log: list[str],
    workers_restarted: list[int],
) -> list[Result]:
    measured = {kind: [r for r in rounds if r["kind"] == kind and not r["warmup"]] for kind in KINDS}
    rates = {kind: [r["ok"] / r["seconds"] for r in measured[kind]] for kind in KINDS}
    rate = {kind: statistics.median(rates[kind]) for kind in KINDS}
    latencies = {kind: [ms for r in measured[kind] for ms in r["latencies_ms"]] for kind in KINDS}
    cuts = {kind: _percentiles(latencies[kind]) for kind in KINDS}
    p50 = {kind: cuts[kind]["p50"] for kind in KINDS}
    p99 = {kind: cuts[kind]["p99"] for kind in KINDS}
    # Warm-up rounds included: a wrong answer is wrong whenever it comes.
    errors = {kind: sum(r["errors"] for r in rounds if r["kind"] == kind) for kind in KINDS}
    ratio, p99_ratio = rate["voice"] / rate["bare"], p99["voice"] / p99["bare"]
    setup = {"workers": WORKERS, "worker_class": "sync", "clients": CLIENTS, "rounds": ROUNDS}
    setup |= {"round_seconds": ROUND_SECONDS, "warmup_seconds": WARMUP_SECONDS}
    return [
        Result(
            "voice: bare view, throughput",
            rate["bare"],
            "req/s",
            details={**setup, "rates": _rounded(rates["bare"]), "cpu": _cpu_shares(measured["bare"])},
        ),
        Result(
            "voice: incoming webhook, throughput",
            rate["voice"],
            "req/s",
            baseline=rate["bare"],
            ratio=ratio,
            **at_least(ratio, GOAL_RATIO),
            details={
                "rates": _rounded(rates["voice"]),
                # Each voice round over the bare round it was paired with, for a sense of the spread.
                "round_ratios": [round(v / b, 3) for v, b in zip(rates["voice"], rates["bare"], strict=True)],
                "cpu": _cpu_shares(measured["voice"]),
                # Requests the client had to sign during a round (see bench.load.POOL_MARGIN): its CPU counts them.
                "signed_late": sum(r["signed_late"] for r in measured["voice"]),
                "queries_per_call": len(queries),
                "queries": queries,
                "stored": stored,
            },
        ),
        Result("voice: bare view, p50", p50["bare"], "ms", details=cuts["bare"]),
        Result(
            "voice: incoming webhook, p50",
            p50["voice"],
            "ms",
            baseline=p50["bare"],
            ratio=p50["voice"] / p50["bare"],
            details=cuts["voice"],
        ),
        Result("voice: bare view, p99", p99["bare"], "ms"),
        Result(
            "voice: incoming webhook, p99",
            p99["voice"],
            "ms",
            baseline=p99["bare"],
            ratio=p99_ratio,
            **at_most(p99_ratio, GOAL_P99_RATIO),
        ),
        Result(
            "voice: errors (not 200, or not the expected answer)",
            sum(errors.values()),
            "requests",
            **equal(sum(errors.values()), 0),
            details={
                "by_kind": errors,
                "samples": [sample for r in rounds for sample in r["error_samples"]][:10],
                "server_log": server_log[-20:],
                "workers_restarted": workers_restarted,
            },
        ),
    ]


def _percentiles(samples: Sequence[float]) -> dict[str, float]:
    cuts = statistics.quantiles(samples, n=100, method="inclusive")
    return {
        "samples": len(samples),
        "p50": round(cuts[49], 3),
        "p90": round(cuts[89], 3),
        "p99": round(cuts[98], 3),
        "max": round(max(samples), 3),
    }


def _cpu_shares(rounds: Sequence[dict[str, Any]]) -> dict[str, float]:
    """Cores busy during the rounds, and CPU per answered request: the server's workers, PostgreSQL's
    backends for them, the client, and the rest of the machine (Redis, the kernel's loopback, and
    whatever else runs there: a busy neighbour shows here), so that a starved server shows."""
    wall = sum(r["seconds"] for r in rounds)
    answered = sum(r["ok"] for r in rounds)
    spent = {name: sum(r["cpu_seconds"][name] for r in rounds) for name in ("workers", "database", "client")}
    spent["rest"] = sum(r["cpu_seconds"]["machine"] for r in rounds) - sum(spent.values())
    return {
        "machine_cores_busy": round(sum(spent.values()) / wall, 2),
        **{f"{name}_cores_busy": round(seconds / wall, 2) for name, seconds in spent.items()},
        **{f"{name}_ms_per_request": round(seconds / answered * 1000, 3) for name, seconds in spent.items()},
    }


def _rounded(rates: Sequence[float]) -> list[float]:
    return [round(rate, 1) for rate in rates]
