"""A province's URLs plus the bare view that `bench.voice` measures the incoming-call webhook against."""

from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from config import urls_tenants

BARE_PATH = "/bench/bare/"
# About the size of a one-line answer; the webhook's greeting and menu are a few times longer.
BARE_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response><Say language="vi-VN">1022</Say></Response>'


# The webhook's own decorators, so that the two differ only by what the webhook does.
@csrf_exempt
@require_POST
def bare(request: HttpRequest) -> HttpResponse:
    """Nothing but a constant answer: what routing, the middleware and gunicorn cost on their own."""
    return HttpResponse(BARE_TWIML, content_type="text/xml; charset=utf-8")


# Ahead of the province's URLs, whose last pattern (Wagtail's pages) takes every path.
urlpatterns = [path(BARE_PATH.strip("/") + "/", bare, name="bench_bare"), *urls_tenants.urlpatterns]
