"""Host → province and called number → province lookups, cached in Redis and dropped whenever
a domain, number, prefix or province changes."""

from __future__ import annotations

from django.core.cache import cache
from django.db import transaction

import phonenumbers
from django_tenants.utils import get_public_schema_name, schema_context

from tenants.models import DialingPrefix, Domain, PhoneNumber, Province

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


NUMBER_CACHE_SECONDS = 300
_NUMBERS_VERSION_KEY = "tenants:numbers:version"


def province_for_number(number: str) -> Province | None:
    """The province a called number belongs to: its own hotline number, else its landline area code.

    So 0274 1022 and any other 0274 number reach the province that owns 0274 (after a merger,
    the successor), and a provider number (a Twilio DID) reaches the province it is listed for.
    Must run in the public schema.
    """
    e164 = _e164(number)
    if e164 is None:
        return None
    version = cache.get_or_set(_NUMBERS_VERSION_KEY, 1, None)
    key = f"tenants:number:{version}:{e164}"
    cached = cache.get(key)
    if cached == _MISSING:
        return None
    if isinstance(cached, Province):
        return cached
    province = _number_lookup(e164)
    cache.set(key, province or _MISSING, NUMBER_CACHE_SECONDS if province else MISSING_HOST_CACHE_SECONDS)
    return province


def _e164(number: str) -> str | None:
    try:
        parsed = phonenumbers.parse(number, "VN")
    except phonenumbers.NumberParseException:
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def _number_lookup(e164: str) -> Province | None:
    listed = PhoneNumber.objects.select_related("province").filter(number=e164).first()
    if listed is not None:
        return listed.province
    if not e164.startswith("+842"):
        return None
    national = e164[3:]
    # Area codes are two digits (24 Hà Nội, 28 TP.HCM) or three (274): the longest that exists wins.
    prefix = (
        DialingPrefix.objects.select_related("province")
        .filter(area_code__in=[national[:3], national[:2]])
        .order_by("-area_code")
        .first()
    )
    return prefix.province if prefix else None


def forget_numbers() -> None:
    """Invalidate every cached number lookup at once (a prefix change affects numbers we cannot list)."""

    def bump() -> None:
        with schema_context(get_public_schema_name()):
            try:
                cache.incr(_NUMBERS_VERSION_KEY)
            except ValueError:
                cache.set(_NUMBERS_VERSION_KEY, 1, None)

    bump()
    transaction.on_commit(bump)
