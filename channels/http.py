"""What every provider's small HTTP client shares."""

from __future__ import annotations

from django.http import HttpRequest

import requests


def response_json(response: requests.Response) -> dict:
    """The answer's JSON object, or {} when the provider answered something else (an HTML error page,
    a proxy's text): the caller then reports the HTTP status, never a parsing error."""
    try:
        data = response.json()
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def declared_length(request: HttpRequest) -> int:
    """The body's size as the client declares it, to refuse a large one before reading it. A value that
    is not a number counts as 0, as Django's own request then reads no body at all."""
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0
