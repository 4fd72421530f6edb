"""What the HTTP benchmarks (`bench.voice`, `bench.faq`) share: the app in gunicorn on loopback, the
province's own host, the load in a process of its own, and the figures drawn from its rounds."""

from __future__ import annotations

import contextlib
import http.client
import json
import logging
import os
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

from django_tenants.utils import get_public_schema_name, schema_context

from tenants.models import Domain, Province
from tests.servers import free_port, process_stop

# One sync worker per core of the 2-core machine this was written on; fixed, so that runs compare.
WORKERS = 2
# Two requests per worker in flight: a worker never waits for the client to send the next one.
CLIENTS = 4
SERVER_SETTINGS = "bench.settings"
SERVER_START_SECONDS = 60


@contextlib.contextmanager
def quiet(name: str) -> Iterator[None]:
    """Only warnings from this logger for a while: the table's progress lines stay readable."""
    logger = logging.getLogger(name)
    level = logger.level
    logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        logger.setLevel(level)


@contextlib.contextmanager
def host_routed(province: Province) -> Iterator[str]:
    """The province's own host, as the public and Twilio reach it; removed afterwards."""
    host = f"{province.schema_name}.{settings.BASE_DOMAIN}"
    with schema_context(get_public_schema_name()):
        domain = Domain.objects.create(domain=host, tenant=province, is_primary=True)
    try:
        yield host
    finally:
        # Deleting drops the cached host → province lookup too (tenants.signals).
        with schema_context(get_public_schema_name()):
            domain.delete()


# --- the server -------------------------------------------------------------------------------------


@dataclass
class Server:
    pid: int
    port: int
    workers: list[int]
    log: IO[str]

    def log_lines(self) -> list[str]:
        self.log.seek(0)
        return self.log.read().splitlines()

    def workers_restarted(self) -> list[int]:
        return sorted(set(self.workers) - set(children(self.pid)))


@contextlib.contextmanager
def gunicorn(env: dict[str, str] | None = None) -> Iterator[Server]:
    """config.wsgi with the bench settings on a free loopback port, on this run's database and Redis."""
    port = free_port()
    # DATABASE_URL and REDIS_URL pass through; unset, the workers attach to the embedded servers as this process did.
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": SERVER_SETTINGS,
        "DEBUG": "false",
        "LOG_LEVEL": "WARNING",
        **(env or {}),
    }
    command = [sys.executable, "-m", "gunicorn", "config.wsgi:application", "--bind", f"127.0.0.1:{port}"]
    command += ["--workers", str(WORKERS), "--worker-class", "sync", "--log-level", "warning"]
    # A file, not a pipe: nobody reads a pipe while the server runs, and a full one blocks its logging.
    with tempfile.TemporaryFile(mode="w+") as log:
        process = subprocess.Popen(
            command, cwd=settings.BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT, text=True
        )
        try:
            yield Server(process.pid, port, _workers_when_serving(process, port, log), log)
        finally:
            process_stop(process)


def _workers_when_serving(process: subprocess.Popen, port: int, log: IO[str]) -> list[int]:
    deadline = time.monotonic() + SERVER_START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log.seek(0)
            raise RuntimeError(f"gunicorn exited early:\n{log.read()}")
        workers = children(process.pid)
        if len(workers) == WORKERS and _answers(port):
            return workers
        time.sleep(0.2)
    raise TimeoutError(f"gunicorn did not serve within {SERVER_START_SECONDS} s")


def children(pid: int) -> list[int]:
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


def plan_base(server: Server, *, name: str, host: str, kinds: Sequence[str]) -> dict[str, Any]:
    """What every plan of `bench.load` holds; the caller adds the rounds and the targets."""
    return {
        "name": name,
        "kinds": list(kinds),
        "port": server.port,
        "host": host,
        "server_pids": server.workers,
        "clients": CLIENTS,
        "database": connection.settings_dict["NAME"],
    }


def load(plan: dict[str, Any]) -> list[dict[str, Any]]:
    """Run `bench.load` in a process of its own; its progress goes to this process's stderr."""
    kinds = len(plan["kinds"])
    seconds = kinds * plan["warmup_seconds"] + kinds * plan["rounds"] * plan["round_seconds"]
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


# --- figures ----------------------------------------------------------------------------------------


@dataclass
class Figures:
    """One kind's measured rounds (warm-ups left out, except from the errors)."""

    rates: list[float]
    rate: float
    latency: dict[str, float]
    errors: int
    cpu: dict[str, float]

    @classmethod
    def of(cls, rounds: Sequence[dict[str, Any]], kind: str) -> Figures:
        measured = [r for r in rounds if r["kind"] == kind and not r["warmup"]]
        rates = [r["ok"] / r["seconds"] for r in measured]
        return cls(
            rates=rates,
            # The median of the rounds: one round upset by a neighbour does not move it.
            rate=statistics.median(rates),
            latency=percentiles([ms for r in measured for ms in r["latencies_ms"]]),
            # Warm-up rounds included: a wrong answer is wrong whenever it comes.
            errors=sum(r["errors"] for r in rounds if r["kind"] == kind),
            cpu=cpu_shares(measured),
        )


def percentiles(samples: Sequence[float]) -> dict[str, float]:
    cuts = statistics.quantiles(samples, n=100, method="inclusive")
    return {
        "samples": len(samples),
        "p50": round(cuts[49], 3),
        "p90": round(cuts[89], 3),
        "p99": round(cuts[98], 3),
        "max": round(max(samples), 3),
    }


def cpu_shares(rounds: Sequence[dict[str, Any]]) -> dict[str, float]:
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


def rounded(rates: Sequence[float]) -> list[float]:
    return [round(rate, 1) for rate in rates]
