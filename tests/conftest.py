"""Shared fixtures. The demo provinces are created once per session, through the real seed."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test import Client

import pytest
from django_tenants.utils import get_public_schema_name, schema_context

from tenants import demo
from tenants.models import Province
from tenants.registry import UnitKind, find_unit
from tenants.services import province_provision

PROVINCE_A = "binhduong"
PROVINCE_B = "camau"
# A current (post-2025) unit formed by a merger, beside the demo's legacy units.
CURRENT_MERGED = "laocai"
# Enough demo history for every state to occur, few enough to keep the session quick.
DEMO_CASES = 40


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Migrate the public schema (pytest-django), then seed the demo provinces once for the session."""
    with django_db_blocker.unblock():
        demo.seed(
            base_domain=settings.BASE_DOMAIN,
            log=lambda _line: None,
            cases_per_province=DEMO_CASES,
            channel_demos=False,
        )
        province_provision(
            unit=find_unit(CURRENT_MERGED, kind=UnitKind.CURRENT),
            base_domain=settings.BASE_DOMAIN,
            admin_password="test-admin-password",
        )


@pytest.fixture(autouse=True)
def _public_schema_and_clean_cache():
    """Every test starts in the public schema with no cached routing or page data."""
    _clear_test_cache()
    yield
    connection.set_schema_to_public()
    _clear_test_cache()


def _clear_test_cache() -> None:
    # Only the test key prefix, in every schema: the Redis database may be shared.
    client = cache.client.get_client()
    prefix = settings.CACHES["default"]["KEY_PREFIX"]
    keys = list(client.scan_iter(match=f"*:{prefix}:*", count=1000))
    if keys:
        client.delete(*keys)


def pytest_sessionfinish(session, exitstatus):
    """Leave the machine as found: stop embedded services this run started (not a running `make run`'s)."""
    from config import embedded

    embedded.stop_started_here(settings.VAR_DIR)


def host_of(slug: str) -> str:
    return f"{slug}.{settings.BASE_DOMAIN}"


def province(slug: str) -> Province:
    with schema_context(get_public_schema_name()):
        return Province.objects.get(slug=slug)


@pytest.fixture
def province_a(db) -> Province:
    return province(PROVINCE_A)


@pytest.fixture
def province_b(db) -> Province:
    return province(PROVINCE_B)


@pytest.fixture
def client_a(db) -> Client:
    return Client(HTTP_HOST=host_of(PROVINCE_A))


@pytest.fixture
def client_b(db) -> Client:
    return Client(HTTP_HOST=host_of(PROVINCE_B))


@pytest.fixture
def national_client(db) -> Client:
    return Client(HTTP_HOST=settings.BASE_DOMAIN)
