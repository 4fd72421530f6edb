"""Host → province lookup, cached in Redis and dropped whenever a domain or province changes."""

from __future__ import annotations

from django.core.cache import cache
from django.db import transaction

from django_tenants.utils import get_public_schema_name, schema_context

from tenants.models import Domain, Province

HOST_CACHE_SECONDS = 300
# Unknown hosts are cached too, briefly, so that random Host headers cannot hammer the database.
MISSING_HOST_CACHE_SECONDS = 30
_MISSING = "missing"


def host_cache_key(hostname: str) -> str:
    return f"tenants:host:{hostname}"


def province_for_host(hostname: str) -> Province | None:
    """Must run in the public schema (as the tenant middleware does), so keys share one namespace."""
    key = host_cache_key(hostname)
    cached = cache.get(key)
    if cached == _MISSING:
        return None
    if isinstance(cached, Province):
        return cached
    domain = Domain.objects.select_related("tenant").filter(domain=hostname).first()
    if domain is None:
        cache.set(key, _MISSING, MISSING_HOST_CACHE_SECONDS)
        return None
    cache.set(key, domain.tenant, HOST_CACHE_SECONDS)
    return domain.tenant


def forget_hosts(hostnames: list[str]) -> None:
    """Drop cached lookups now and again after commit, so a concurrent request cannot re-cache stale rows."""

    def drop() -> None:
        with schema_context(get_public_schema_name()):
            cache.delete_many([host_cache_key(hostname) for hostname in hostnames])

    drop()
    transaction.on_commit(drop)
