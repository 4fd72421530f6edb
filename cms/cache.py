"""The public pages of each province, cached whole for visitors who are not signed in.

Every key carries the province's schema (the cache's KEY_FUNCTION, django_tenants.cache.make_key)
and the province's generation number. Publishing, unpublishing, moving or deleting a page, or
changing what the pages show around it (the banner, topics, the channels, the dialing prefixes),
increments the generation: the province's cache is purged with one INCR and no other province's
is touched. Entries also expire on their own, so nothing stays stale longer than PAGE_CACHE_SECONDS.

Only responses that a page model marks (`page_cache_allow`) are stored, and only when the request
carried no session or messages cookie and the page rendered no CSRF token, so nothing personal
is ever stored. A dead Redis only turns the cache off.

FAQ views are counted in Redis (one HINCRBY, hit or miss) and added to the database by a periodic
task (`page_views_flush`), so a cached page costs no database write.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest, HttpResponse

from django_tenants.utils import get_public_schema_name
from redis.exceptions import RedisError

GENERATION_KEY = "cms:pages:generation"
VIEWS_KEY = "cms:views"
# Query parameters the cached pages understand (the FAQ list's tag filter and page number);
# any other makes the request uncached, so random query strings cannot fill the cache.
CACHED_PARAMETERS = frozenset({"tag", "page"})
MAX_QUERY_LENGTH = 200
HEADER = "X-Page-Cache"
# What is stored: (status, headers, content, the FAQ page whose views a hit counts or None). Plain
# builtins, so entries written by an older release still load; a change of shape changes FORMAT.
FORMAT = "v1"


def page_cache_allow(response: HttpResponse, *, counted_page_id: int | None = None) -> HttpResponse:
    """Mark a page's response as the same for every anonymous visitor (a page model's `serve` calls this)."""
    response.page_cache_allowed = True
    response.page_cache_counted = counted_page_id
    return response


def page_cache_purge() -> None:
    """Forget every cached page of the active province."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        # Missing (never set, or evicted): a new start that no earlier generation can have used.
        cache.set(GENERATION_KEY, time.time_ns(), timeout=None)


def _generation() -> int | None:
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        generation = time.time_ns()
        # add(): two first requests at once agree on one number.
        if not cache.add(GENERATION_KEY, generation, timeout=None):
            generation = cache.get(GENERATION_KEY)
    return generation


def _anonymous_get(request: HttpRequest) -> bool:
    if request.method != "GET":
        return False
    tenant = getattr(request, "tenant", None)
    if tenant is None or tenant.schema_name == get_public_schema_name():
        return False
    cookies = request.COOKIES
    if settings.SESSION_COOKIE_NAME in cookies or "messages" in cookies:
        return False
    if len(request.META.get("QUERY_STRING", "")) > MAX_QUERY_LENGTH:
        return False
    return set(request.GET) <= CACHED_PARAMETERS


def _key(request: HttpRequest, generation: int) -> str:
    where = hashlib.sha256(f"{request.get_host()}\n{request.get_full_path()}".encode()).hexdigest()
    return f"cms:page:{FORMAT}:{generation}:{request.LANGUAGE_CODE}:{where}"


def _storable(request: HttpRequest, response: HttpResponse) -> bool:
    return (
        getattr(response, "page_cache_allowed", False)
        and response.status_code == 200
        and not response.streaming
        and not response.cookies
        # The page rendered a CSRF token: it belongs to this visitor alone.
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
    )


class PageCacheMiddleware:
    """Answer anonymous GETs of the province's pages from the cache; store what the pages allow.

    It runs after the province and the language are known, before sessions and authentication.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not _anonymous_get(request):
            return self.get_response(request)
        generation = _generation()
        if generation is None:  # no cache at all (Redis is down)
            return self.get_response(request)
        key = _key(request, generation)
        cached = cache.get(key)
        if cached is not None:
            status, headers, content, counted_page_id = cached
            if counted_page_id is not None:
                page_view_count(counted_page_id)
            response = HttpResponse(content, status=status, headers=dict(headers))
            response[HEADER] = "hit"
            return response
        response = self.get_response(request)
        if _storable(request, response):
            stored = (
                response.status_code,
                tuple(response.headers.items()),
                response.content,
                response.page_cache_counted,
            )
            cache.set(key, stored, timeout=settings.PAGE_CACHE_SECONDS)
            response[HEADER] = "miss"
        return response


# --- FAQ views ------------------------------------------------------------------------------------


def _redis():
    return cache.client.get_client(write=True)


def page_view_count(page_id: int) -> None:
    """One view of an FAQ page; straight to the database when Redis cannot take it."""
    try:
        _redis().hincrby(cache.make_key(VIEWS_KEY), str(page_id), 1)
    except RedisError:
        _views_add({page_id: 1})


def page_views_flush() -> int:
    """Add the views counted in Redis to the pages; returns how many views were added."""
    key = cache.make_key(VIEWS_KEY)
    client = _redis()
    # Read and cleared in one transaction: two flushes at once never add the same views twice.
    with client.pipeline(transaction=True) as pipe:
        counted, _deleted = pipe.hgetall(key).delete(key).execute()
    counts = {int(page_id): int(views) for page_id, views in counted.items()}
    try:
        _views_add(counts)
    except Exception:
        # Put back, for the next flush: a failed write must not lose the views.
        with client.pipeline(transaction=True) as pipe:
            for page_id, views in counts.items():
                pipe.hincrby(key, str(page_id), views)
            pipe.execute()
        raise
    return sum(counts.values())


@transaction.atomic
def _views_add(counts: dict[int, int]) -> None:
    from cms.models import FaqPage

    for page_id, views in sorted(counts.items()):
        FaqPage.objects.filter(pk=page_id).update(view_count=F("view_count") + views)
