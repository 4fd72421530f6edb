"""schemathesis against the app API's own schema, as a province's host serves it: every operation, with
data that fits the schema and data that does not, through the real WSGI application. No answer may
be a server error, and every answer must be one the schema documents, in the shape it documents."""

from __future__ import annotations

import contextlib
import uuid

from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import Client

import pytest
import schemathesis
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.channels.test_app_api import HOST, register, report

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
# Per operation and generation mode: small enough for the whole test to stay well under a minute.
EXAMPLES = 25


@pytest.fixture
def generous_rates(settings):
    """Rates the run cannot reach (throttling has its own tests): a 429 would hide what comes after it."""
    rates = dict.fromkeys(("app_device", "app_address", "app_register"), "100000/min")
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}


@contextlib.contextmanager
def _on_the_tests_connection():
    """Around a call of the WSGI application, as Django's test client does it around each request.

    Django closes the connection at the end of each request; that would end the test's transaction.
    (Not once for the whole test: each request of Django's own test client connects them again.)
    """
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.fixture
def wsgi_app(db):
    return get_wsgi_application()


@pytest.fixture
def app_schema(province_b):
    response = Client(HTTP_HOST=HOST).get("/api/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    return schemathesis.openapi.from_dict(response.json())


def _device_with_a_report(province) -> tuple[str, str]:
    """A registered installation's token and the tracking code of a report it sent, all through the API."""
    token = register()
    response = Client(HTTP_HOST=HOST, HTTP_AUTHORIZATION=f"Bearer {token}").post(
        "/api/v1/cases/", report(province), content_type="application/json"
    )
    assert response.status_code == 201, response.content
    return token, response.json()["tracking_code"]


def _fuzz(operation, mode: GenerationMode, province, app) -> None:
    device = {}

    @given(case=operation.as_strategy(generation_mode=mode), own_case=st.booleans())
    @hypothesis_settings(
        max_examples=EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        # Each example runs the whole request in the database; a few are slow to make, not slow to fail.
        suppress_health_check=[HealthCheck.too_slow],
    )
    def run(case, own_case):
        # Unregistering revokes the token: that operation gets a new installation each time.
        if not device or operation.method.upper() == "DELETE":
            device["token"], device["code"] = _device_with_a_report(province)
        if own_case and "tracking_code" in (case.path_parameters or {}):
            case.path_parameters["tracking_code"] = device["code"]
        with _on_the_tests_connection():
            case.call_and_validate(
                app=app,
                base_url=f"http://{HOST}",
                headers={"Authorization": f"Bearer {device['token']}"},
                checks=CHECKS,
            )

    run()


def test_no_operation_answers_with_an_error_of_the_server(province_b, app_schema, wsgi_app, generous_rates):
    operations = [result.ok() for result in app_schema.get_all_operations()]
    assert len(operations) == 11

    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            _fuzz(operation, mode, province_b, wsgi_app)


def test_a_report_the_schema_allows_is_taken_in(province_b, app_schema, wsgi_app, generous_rates):
    """The positive path is reached too: a report built from the schema, with a real category, is a case."""
    token, _code = _device_with_a_report(province_b)
    operation = app_schema["/api/v1/cases/"]["POST"]
    case = operation.Case(body={**report(province_b), "client_id": str(uuid.uuid4()), "ward": None})

    with _on_the_tests_connection():
        response = case.call_and_validate(
            app=wsgi_app, base_url=f"http://{HOST}", headers={"Authorization": f"Bearer {token}"}, checks=CHECKS
        )

    assert response.status_code == 201
