"""GET /healthz on any host: JSON naming the state of the database and the broker.

Runs as the first middleware so that it answers for load balancers whatever the
Host header, and before the tenant middleware needs the database.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from django.conf import settings
from django.db import connections
from django.http import HttpRequest, HttpResponse, JsonResponse

from kombu import Connection

logger = logging.getLogger(__name__)

HEALTH_PATH = "/healthz"
BROKER_TIMEOUT_SECONDS = 2.0


def check_database() -> None:
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def check_broker() -> None:
    with Connection(settings.CELERY_BROKER_URL, connect_timeout=BROKER_TIMEOUT_SECONDS) as conn:
        conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=BROKER_TIMEOUT_SECONDS)


CHECKS: dict[str, Callable[[], None]] = {"database": check_database, "broker": check_broker}


def run_checks() -> tuple[bool, dict[str, object]]:
    report: dict[str, object] = {}
    healthy = True
    for name, check in CHECKS.items():
        started = time.monotonic()
        try:
            check()
        except Exception as exc:
            healthy = False
            # The class name only: connection errors can carry URLs with credentials.
            report[name] = {"status": "down", "error": type(exc).__name__}
            logger.warning("health check %s failed: %s", name, type(exc).__name__)
        else:
            report[name] = {"status": "up", "ms": round((time.monotonic() - started) * 1000, 1)}
    return healthy, report


def healthz(_request: HttpRequest) -> JsonResponse:
    healthy, report = run_checks()
    body = {"status": "ok" if healthy else "unavailable", **report}
    response = JsonResponse(body, status=200 if healthy else 503, json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = "no-store"
    return response


class HealthCheckMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path == HEALTH_PATH and request.method in ("GET", "HEAD"):
            return healthz(request)
        return self.get_response(request)
