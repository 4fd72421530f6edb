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

import random
import secrets
from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bench import Context, Result, at_least, at_most, equal, progress
from bench.load import call_params, signed_request
from bench.server import CLIENTS, WORKERS, Figures, Server, gunicorn, host_routed, load, plan_base, quiet, rounded
from bench.urls import BARE_PATH, BARE_TWIML
from channels.voice.models import Call, IvrMenu, IvrOption, VoiceEvent, VoiceSettings

GOAL_RATIO = 0.7
GOAL_P99_RATIO = 2.0
KINDS = ("bare", "voice")
WARMUP_SECONDS = 3.0
ROUNDS = 8
ROUND_SECONDS = 5.0
SEED = 1022
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
    with host_routed(context.province) as host:
        queries = _queries_per_call(host, incoming_path, auth_token)
        with gunicorn() as server:
            progress(
                f"voice: gunicorn with {WORKERS} sync workers, {CLIENTS} clients, "
                f"{ROUNDS} interleaved rounds of {ROUND_SECONDS:g} s of each"
            )
            plan = _plan(server, host, incoming_path, auth_token)
            rounds = load(plan)
            restarted = server.workers_restarted()
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
    with quiet("django_tasks"):  # Wagtail's reference index logs a line per saved row
        menu = IvrMenu.objects.create(name="Menu chính", prompt=MENU_PROMPT)
        for key, (label, action, text) in enumerate(MENU_OPTIONS, start=1):
            IvrOption.objects.create(menu=menu, sort_order=key, key=str(key), label=label, action=action, text=text)
        line = VoiceSettings.load()
        line.account_sid = ACCOUNT_SID
        line.auth_token = secrets.token_hex(16)
        line.day_menu = menu
        line.save()
    return line.auth_token


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


# --- the load ---------------------------------------------------------------------------------------


def _plan(server: Server, host: str, incoming_path: str, auth_token: str) -> dict[str, Any]:
    call = {"path": incoming_path, "account_sid": ACCOUNT_SID, "auth_token": auth_token, "called": HOTLINE}
    # The bare view gets one such request again and again: it reads none of it.
    bare = signed_request(
        host, BARE_PATH, call_params(random.Random(SEED), account_sid=ACCOUNT_SID, called=HOTLINE), auth_token
    )
    return {
        **plan_base(server, name="voice", host=host, kinds=KINDS),
        "warmup_seconds": WARMUP_SECONDS,
        "rounds": ROUNDS,
        "round_seconds": ROUND_SECONDS,
        "seed": SEED,
        "targets": {
            "bare": {
                "expect": [BARE_EXPECTED],
                "requests": [
                    {"method": "POST", "path": BARE_PATH, "headers": bare.headers, "body": bare.body.decode()}
                ],
            },
            "voice": {"expect": [VOICE_EXPECTED], "call": call},
        },
    }


# --- results ----------------------------------------------------------------------------------------


def _results(
    rounds: list[dict[str, Any]],
    queries: list[str],
    stored: dict[str, int],
    *,
    server_log: list[str],
    workers_restarted: list[int],
) -> list[Result]:
    bare, voice = (Figures.of(rounds, kind) for kind in KINDS)
    ratio, p99_ratio = voice.rate / bare.rate, voice.latency["p99"] / bare.latency["p99"]
    setup = {"workers": WORKERS, "worker_class": "sync", "clients": CLIENTS, "rounds": ROUNDS}
    setup |= {"round_seconds": ROUND_SECONDS, "warmup_seconds": WARMUP_SECONDS}
    errors = bare.errors + voice.errors
    measured_voice = [r for r in rounds if r["kind"] == "voice" and not r["warmup"]]
    return [
        Result(
            "voice: bare view, throughput",
            bare.rate,
            "req/s",
            details={**setup, "rates": rounded(bare.rates), "cpu": bare.cpu},
        ),
        Result(
            "voice: incoming webhook, throughput",
            voice.rate,
            "req/s",
            baseline=bare.rate,
            ratio=ratio,
            **at_least(ratio, GOAL_RATIO),
            details={
                "rates": rounded(voice.rates),
                # Each voice round over the bare round it was paired with, for a sense of the spread.
                "round_ratios": [round(v / b, 3) for v, b in zip(voice.rates, bare.rates, strict=True)],
                "cpu": voice.cpu,
                # Requests the client had to sign during a round (see bench.load.POOL_MARGIN): its CPU counts them.
                "signed_late": sum(r["signed_late"] for r in measured_voice),
                "queries_per_call": len(queries),
                "queries": queries,
                "stored": stored,
            },
        ),
        Result("voice: bare view, p50", bare.latency["p50"], "ms", details=bare.latency),
        Result(
            "voice: incoming webhook, p50",
            voice.latency["p50"],
            "ms",
            baseline=bare.latency["p50"],
            ratio=voice.latency["p50"] / bare.latency["p50"],
            details=voice.latency,
        ),
        Result("voice: bare view, p99", bare.latency["p99"], "ms"),
        Result(
            "voice: incoming webhook, p99",
            voice.latency["p99"],
            "ms",
            baseline=bare.latency["p99"],
            ratio=p99_ratio,
            **at_most(p99_ratio, GOAL_P99_RATIO),
        ),
        Result(
            "voice: errors (not 200, or not the expected answer)",
            errors,
            "requests",
            **equal(errors, 0),
            details={
                "by_kind": {"bare": bare.errors, "voice": voice.errors},
                "samples": [sample for r in rounds for sample in r["error_samples"]][:10],
                "server_log": server_log[-20:],
                "workers_restarted": workers_restarted,
            },
        ),
    ]
