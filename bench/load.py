"""The load generator of `bench.voice` and `bench.faq`: `python -m bench.load` reads a plan (JSON) on
stdin, sends its rounds of requests to the server and writes what it measured (JSON) on stdout.

A process of its own, without Django: its CPU time is measured apart from the server's (the
machine's cores are shared by both), and nothing of the parent (Django, a large heap) slows it.
Every request is built before the round that sends it starts, the webhook's fresh CallSid and
its X-Twilio-Signature included, so while the clock runs the client only exchanges HTTP.

A plan names its kinds of request in the order of the first round, and gives each a target:
either `requests`, prepared by the parent and sent in rotation, or `call`, a new incoming call
(Twilio's parameters, signed) for every request. Every target says what an answer must hold
(`expect`, besides the 200) and may say what it must not (`reject`); a prepared request may add
its own `expect` (the title of the page it asks for).
"""

from __future__ import annotations

import contextlib
import itertools
import json
import math
import os
import random
import socket
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from bench import progress
from channels.twilio_api import signature_for

# Requests whose answer takes longer than this count as errors: Twilio itself gives up after 15 s.
REQUEST_TIMEOUT_SECONDS = 15
# A round's webhook requests are built before it starts, for POOL_MARGIN times the best rate of
# the rounds before (the warm-up's for FIRST_POOL_RATE); a client that runs out signs the rest as
# it goes, at a cost to itself that the results count (`signed_late`).
FIRST_POOL_RATE = 300
POOL_MARGIN = 3
ERROR_SAMPLES = 5
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
# Viettel, Vinaphone and Mobifone prefixes, as callers' numbers arrive from Twilio.
MOBILE_PREFIXES = ("+8486", "+8496", "+8497", "+8498", "+8491", "+8494", "+8490", "+8493")


@dataclass(frozen=True)
class Request:
    path: str
    headers: dict[str, str]
    body: bytes = b""
    method: str = "POST"

    def wire(self) -> bytes:
        """The request as sent: on a connection of its own, which the server closes after answering."""
        lines = [f"{self.method} {self.path} HTTP/1.1", *(f"{name}: {value}" for name, value in self.headers.items())]
        if self.method != "GET":
            lines.append(f"Content-Length: {len(self.body)}")
        lines += ["Connection: close", "", ""]
        return "\r\n".join(lines).encode("latin-1") + self.body


@dataclass(frozen=True)
class Prepared:
    """A request as the client sends it, and what its answer must and must not hold."""

    wire: bytes
    expect: tuple[bytes, ...]
    reject: tuple[bytes, ...] = ()

    def wrong(self, answer: bytes) -> bool:
        return (
            _status(answer) != 200
            or not all(part in answer for part in self.expect)
            or any(part in answer for part in self.reject)
        )


@dataclass
class Outcome:
    """What one client thread saw in one round."""

    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    error_samples: list[str] = field(default_factory=list)
    # Requests built and signed during the round, the ones built before it having run out.
    signed_late: int = 0

    def failed(self, what: str) -> None:
        self.errors += 1
        if len(self.error_samples) < ERROR_SAMPLES:
            self.error_samples.append(what)


def main() -> None:
    plan = json.load(sys.stdin)
    json.dump(rounds_run(plan), sys.stdout)


def rounds_run(plan: dict[str, Any]) -> list[dict[str, Any]]:
    """A warm-up of each kind, then `rounds` sets of one round of each kind, each set in the other
    order than the last: a steady drift of the machine hits every kind alike."""
    kinds = plan["kinds"]
    builder = _Builder(plan, random.Random(plan["seed"]))
    schedule = [(kind, plan["warmup_seconds"], True) for kind in kinds]
    for index in range(plan["rounds"]):
        schedule += [(kind, plan["round_seconds"], False) for kind in (kinds if index % 2 == 0 else kinds[::-1])]
    results: list[dict[str, Any]] = []
    for index, (kind, seconds, warmup) in enumerate(schedule):
        if not warmup and index % len(kinds) == 0:
            progress(f"{plan['name']}: round {index // len(kinds)} of {plan['rounds']}")
        best = max((r["ok"] / r["seconds"] for r in results if r["kind"] == kind), default=FIRST_POOL_RATE)
        pools = builder.pools(kind, seconds, POOL_MARGIN * best)
        results.append(_round(plan, kind, pools, builder.late(kind), seconds, warmup=warmup))
    return results


class _Builder:
    """The requests of each kind: prepared ones sent in rotation, or a new call each."""

    def __init__(self, plan: dict[str, Any], rng: random.Random) -> None:
        self.plan = plan
        self.rng = rng
        self.prepared = {
            kind: [_prepared(target, request) for request in target["requests"]]
            for kind, target in plan["targets"].items()
            if "requests" in target
        }

    def pools(self, kind: str, seconds: float, rate: float) -> list[Iterable[Prepared]]:
        """Each client's requests for one round, built before it."""
        clients = self.plan["clients"]
        if prepared := self.prepared.get(kind):
            # Each client starts elsewhere in the rotation: the clients do not all ask for one page at once.
            starts = [index * len(prepared) // clients for index in range(clients)]
            return [itertools.cycle(prepared[start:] + prepared[:start]) for start in starts]
        per_client = math.ceil(rate * seconds / clients)
        return [[self.late(kind)() for _ in range(per_client)] for _ in range(clients)]

    def late(self, kind: str) -> Callable[[], Prepared]:
        """What a client that ran out of requests builds one more with (only calls run out)."""
        target = self.plan["targets"][kind]
        return lambda: Prepared(self._signed(target["call"]).wire(), _encoded(target["expect"]))

    def _signed(self, call: dict[str, str]) -> Request:
        params = call_params(self.rng, account_sid=call["account_sid"], called=call["called"])
        return signed_request(self.plan["host"], call["path"], params, call["auth_token"])


def _prepared(target: dict[str, Any], request: dict[str, Any]) -> Prepared:
    wire = Request(request["path"], request["headers"], request.get("body", "").encode(), request["method"]).wire()
    expect = _encoded([*target["expect"], *request.get("expect", ())])
    return Prepared(wire, expect, _encoded(target.get("reject", ())))


def _encoded(texts: Iterable[str]) -> tuple[bytes, ...]:
    return tuple(text.encode() for text in texts)


def call_params(rng: random.Random, *, account_sid: str, called: str) -> dict[str, str]:
    """What Twilio posts when a call comes in: the parameters that matter and a few that do not."""
    caller = rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**7):07d}"
    return {
        "AccountSid": account_sid,
        "ApiVersion": "2010-04-01",
        "CallSid": f"CA{uuid.uuid4().hex}",
        "CallStatus": "ringing",
        "Called": called,
        "CalledCountry": "VN",
        "Caller": caller,
        "CallerCountry": "VN",
        "Direction": "inbound",
        "From": caller,
        "FromCountry": "VN",
        "To": called,
        "ToCountry": "VN",
    }


def signed_request(host: str, path: str, params: dict[str, str], auth_token: str) -> Request:
    """A form POST signed as Twilio signs it: over the URL it requested (plain HTTP on this host) and the parameters."""
    headers = {
        "Host": host,
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Twilio-Signature": signature_for(f"http://{host}{path}", params, auth_token),
        "User-Agent": "TwilioProxy/1.1",
    }
    return Request(path, headers, urlencode(params).encode())


def _round(
    plan: dict[str, Any],
    kind: str,
    pools: list[Iterable[Prepared]],
    late: Callable[[], Prepared],
    seconds: float,
    *,
    warmup: bool,
) -> dict[str, Any]:
    """Every client sends its requests one after the other until `seconds` have passed."""
    start = threading.Barrier(len(pools) + 1)
    outcomes = [Outcome() for _ in pools]
    threads = [
        threading.Thread(target=_client, args=(plan["port"], pool, late, start, seconds, outcome))
        for pool, outcome in zip(pools, outcomes, strict=True)
    ]
    for thread in threads:
        thread.start()
    cpu_before = _CpuClock.read(plan)
    start.wait()
    clock_start = time.perf_counter()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - clock_start
    cpu = _CpuClock.read(plan).since(cpu_before)
    latencies = [latency for outcome in outcomes for latency in outcome.latencies]
    return {
        "kind": kind,
        "warmup": warmup,
        "seconds": wall,
        "ok": len(latencies),
        "errors": sum(outcome.errors for outcome in outcomes),
        "error_samples": [sample for outcome in outcomes for sample in outcome.error_samples][:ERROR_SAMPLES],
        "signed_late": sum(outcome.signed_late for outcome in outcomes),
        "latencies_ms": [round(latency * 1000, 3) for latency in latencies],
        "cpu_seconds": cpu,
    }


def _client(
    port: int,
    pool: Iterable[Prepared],
    late: Callable[[], Prepared],
    start: threading.Barrier,
    seconds: float,
    outcome: Outcome,
) -> None:
    requests: Iterator[Prepared] = iter(pool)
    start.wait()
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        request = next(requests, None)
        if request is None:
            request = late()
            outcome.signed_late += 1
        clock_start = time.perf_counter()
        try:
            answer = _exchange(port, request.wire)
        except OSError as error:
            outcome.failed(repr(error))
            continue
        if request.wrong(answer):
            outcome.failed(answer[:400].decode(errors="replace"))
            continue
        outcome.latencies.append(time.perf_counter() - clock_start)


def _exchange(port: int, request: bytes) -> bytes:
    """One request on a connection of its own, read until the server closes it.

    gunicorn's sync workers close every connection after the answer (they keep none alive), and
    the request asks for that anyway; so the client does no more than connect, send and read,
    which costs it a fraction of what an HTTP library's parsing would on cores shared with the server.
    """
    with socket.create_connection(("127.0.0.1", port), timeout=REQUEST_TIMEOUT_SECONDS) as sock:
        sock.sendall(request)
        # Done sending: a worker that has answered waits for the client's end to close (gunicorn's
        # graceful close) and must not wait for this thread to be scheduled again, as it would not
        # behind a proxy.
        sock.shutdown(socket.SHUT_WR)
        return b"".join(iter(partial(sock.recv, 65536), b""))


def _status(answer: bytes) -> int:
    """The status code of the answer's first line ("HTTP/1.1 200 OK"); 0 when it is not an HTTP answer."""
    status_line = answer.split(b"\r\n", 1)[0].split(b" ", 2)
    return int(status_line[1]) if len(status_line) > 1 and status_line[1].isdigit() else 0


# --- CPU ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _CpuClock:
    """CPU seconds spent so far by this client (all its threads), the server's workers, the PostgreSQL
    backends of the bench database (each by pid: they come and go) and the whole machine."""

    client: float
    workers: float
    database: dict[int, float]
    machine: float

    @classmethod
    def read(cls, plan: dict[str, Any]) -> _CpuClock:
        return cls(
            client=time.process_time(),
            workers=sum(_process_cpu(pid) for pid in plan["server_pids"]),
            database=_database_backends_cpu(plan["database"]),
            machine=_machine_busy(),
        )

    def since(self, before: _CpuClock) -> dict[str, float]:
        # A backend that ended during the round loses its last moments; one that started counts whole.
        database = sum(cpu - before.database.get(pid, 0.0) for pid, cpu in self.database.items())
        return {
            "client": self.client - before.client,
            "workers": self.workers - before.workers,
            "database": database,
            "machine": self.machine - before.machine,
        }


def _process_cpu(pid: int) -> float:
    """User and system time of a process; 0 for one that is gone (a worker gunicorn replaced, a closed backend)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            # The command name, in parentheses, may hold spaces; utime and stime are the 14th and 15th fields.
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def _database_backends_cpu(database: str) -> dict[int, float]:
    """Backends are told apart by their process title ("postgres: 15/main: postgres <database> 127.0.0.1(…) idle")."""
    found = {}
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        with contextlib.suppress(OSError):
            title = cmdline.read_bytes().replace(b"\0", b" ").decode(errors="replace")
            if title.startswith("postgres:") and f" {database} " in title:
                found[int(cmdline.parent.name)] = _process_cpu(int(cmdline.parent.name))
    return found


def _machine_busy() -> float:
    """Seconds of CPU spent on anything, summed over the cores: everything but idle and I/O wait."""
    with open("/proc/stat", encoding="ascii") as stat:
        ticks = [int(value) for value in stat.readline().split()[1:9]]
    idle, iowait = ticks[3], ticks[4]
    return (sum(ticks) - idle - iowait) / CLOCK_TICKS


if __name__ == "__main__":
    main()
